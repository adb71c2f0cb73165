"""`gaung reprocess`: re-derive every mention's fields from its kept raw input.

Raw pages go through extraction again; archive rows (kept as JSON records) through the archive mapping
and cleanup again; then the analysis stages. A mention whose raw input no longer extracts keeps its
current fields and is reported: reprocessing never loses stored data. Syndication groups are kept as
they are (regrouping the whole archive is a separate, deliberate operation).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from gaung.analyze import dedup
from gaung.errors import GaungError
from gaung.extract.article import extract_article
from gaung.ingest import files
from gaung.models import Article
from gaung.store.db import transaction
from gaung.store.raw import get_raw, to_db_time
from gaung.store.schema import mentions

if TYPE_CHECKING:
    from gaung.workspace import Workspace

BATCH = 200


def rederive(raw_content_type: str | None, raw: Any, mention: dict[str, Any]) -> Article:
    """Rebuild the Article for one stored mention from its raw input."""
    if raw_content_type == files.RECORD_CONTENT_TYPE:
        record = json.loads(raw.content)
        mapping = files.column_map(list(record))
        return files.record_to_article(record, mapping, raw.url, default_source=mention.get("site"))
    return extract_article(raw.content, raw.final_url or raw.url, encoding=raw.encoding)


def reprocess_all(
    ws: Workspace, *, limit: int | None = None, progress: Callable[[int], None] | None = None
) -> dict[str, Any]:
    seen = updated = failed = 0
    problems: list[str] = []
    last_id = 0
    pipeline = ws.pipeline
    while True:
        with ws.engine.connect() as conn:
            batch = [
                dict(r)
                for r in conn.execute(
                    select(mentions)
                    .where(mentions.c.id > last_id, mentions.c.raw_sha256.is_not(None))
                    .order_by(mentions.c.id)
                    .limit(BATCH)
                ).mappings()
            ]
        if not batch:
            break
        with transaction(ws.engine) as conn:
            for mention in batch:
                last_id = mention["id"]
                seen += 1
                raw = get_raw(conn, mention["raw_sha256"])
                if raw is None:
                    failed += 1
                    problems.append(f"mention {mention['id']}: raw input missing")
                    continue
                try:
                    article = rederive(raw.headers.get("content-type"), raw, mention)
                except GaungError as exc:
                    failed += 1
                    problems.append(f"mention {mention['id']} ({mention['url']}): {exc}; kept as it was")
                    continue
                if not article.site:
                    article.site = mention["site"]
                for stage in pipeline.pre_stages:
                    stage(article)
                conn.execute(
                    update(mentions)
                    .where(mentions.c.id == mention["id"])
                    .values(
                        title=article.title,
                        text=article.text,
                        published_at=to_db_time(article.published_at),
                        author=article.author,
                        site=article.site,
                        language=article.language,
                        extractor_version=article.extractor_version,
                        content_hash=dedup.content_hash(article.title, article.text),
                        minhash=dedup.pack_signature(dedup.minhash_signature(article.text)),
                    )
                )
                for post in pipeline.post_stages:
                    post(conn, mention["id"], article)
                updated += 1
                if limit is not None and seen >= limit:
                    break
        if progress:
            progress(len(batch))
        if limit is not None and seen >= limit:
            break
    return {"seen": seen, "updated": updated, "failed": failed, "problems": problems}
