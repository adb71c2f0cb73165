"""The listening pipeline: source → fetch → extract → analyze → store.

One item's way, in one database transaction (a crash leaves it either fully stored or untouched):
1. keep the raw bytes (compressed, content-addressed: `raw_blobs`);
2. extract the article (trafilatura + htmldate + Indonesian cleanup) — or map the archive row;
3. analyze: the registered analyzers (language, and the language layer's tone, entities, ...);
4. store with syndication grouping (`MentionWriter`), and mark the crawl-queue item done.
A failing item becomes an `ItemProblem` (where + why); the run continues with the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from gaung.errors import GaungError, ParseError, StoreError
from gaung.extract.article import extract_article, guess_language
from gaung.ingest import files
from gaung.models import Article, ItemProblem, RawDocument
from gaung.store.db import transaction
from gaung.store.mentions import MentionWriter, SaveOutcome
from gaung.store.raw import put_raw

log = logging.getLogger(__name__)

ARCHIVE_BATCH = 200  # rows per transaction: a crash re-imports at most one batch (idempotent anyway)


@dataclass
class RunSummary:
    """What a run did; printed at the end of every import and crawl."""

    fetched: int = 0
    new: int = 0
    syndicated: int = 0
    duplicates: int = 0
    not_modified: int = 0
    failed: int = 0
    problems: list[ItemProblem] = field(default_factory=list)

    def count(self, outcome: SaveOutcome) -> None:
        if outcome.status == "new":
            self.new += 1
        elif outcome.status == "syndicated":
            self.syndicated += 1
        else:
            self.duplicates += 1

    def fail(self, where: str, reason: str) -> None:
        self.failed += 1
        self.problems.append(ItemProblem(where, reason))
        log.warning("%s: %s", where, reason)

    def merge(self, other: RunSummary) -> None:
        for name in ("fetched", "new", "syndicated", "duplicates", "not_modified", "failed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.problems.extend(other.problems)

    def as_dict(self) -> dict[str, Any]:
        return {
            "fetched": self.fetched,
            "new": self.new,
            "syndicated": self.syndicated,
            "duplicates": self.duplicates,
            "not_modified": self.not_modified,
            "failed": self.failed,
            "problems": [str(p) for p in self.problems],
        }


PreStage = Callable[[Article], None]
PostStage = Callable[[Connection, int, Article], None]
BatchEnd = Callable[[Connection], None]
PreBatch = Callable[[list[Article]], None]


class Pipeline:
    """Runs items through extract → analyze → store. Create one per process; it holds the dedup index."""

    def __init__(
        self,
        engine: Engine,
        *,
        pre_stages: Iterable[PreStage] = (),
        post_stages: Iterable[PostStage] = (),
        batch_end: Iterable[BatchEnd] = (),
        pre_batch: Iterable[PreBatch] = (),
    ):
        self.engine = engine
        self.writer = MentionWriter(engine)
        self.pre_stages: list[PreStage] = [self._language, *pre_stages]
        self.post_stages: list[PostStage] = list(post_stages)
        self.batch_end: list[BatchEnd] = list(batch_end)
        self.pre_batch: list[PreBatch] = list(pre_batch)

    def prepare(self, conn: Connection, articles: list[Article]) -> None:
        """Run batch-wise stages (vectorised models) over the articles not stored yet."""
        if self.pre_batch and articles:
            fresh = self.writer.unseen(conn, articles)
            for hook in self.pre_batch:
                hook(fresh)

    def end_batch(self, conn: Connection) -> None:
        """Let stateful stages persist their state inside the batch's own transaction."""
        for hook in self.batch_end:
            hook(conn)

    @staticmethod
    def _language(article: Article) -> None:
        if not article.language:
            article.language = guess_language(f"{article.title or ''}\n{article.text}")

    def store_article(
        self,
        conn: Connection,
        article: Article,
        *,
        raw: RawDocument | None = None,
        source_id: int | None = None,
    ) -> SaveOutcome:
        """Analyze and store one already-extracted article inside the caller's transaction."""
        if raw is not None:
            article.raw_sha256 = put_raw(conn, raw)
        for stage in self.pre_stages:
            stage(article)
        outcome = self.writer.save(
            conn, article, source_id=source_id, fetched_at=raw.fetched_at if raw else None
        )
        if outcome.status != "duplicate":
            for post in self.post_stages:
                post(conn, outcome.mention_id, article)
        return outcome

    def store_html(
        self, conn: Connection, raw: RawDocument, *, source_id: int | None = None, site: str | None = None
    ) -> SaveOutcome:
        """Extract a fetched page and store it (raises ExtractionError when there is no article)."""
        article = extract_article(raw.content, raw.final_url or raw.url, encoding=raw.encoding)
        if site and not article.site:
            article.site = site
        return self.store_article(conn, article, raw=raw, source_id=source_id)

    # -- local inputs -------------------------------------------------------------------------
    def import_archive(
        self,
        path: str | Path,
        *,
        source_id: int | None = None,
        default_source: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> RunSummary:
        """Import a CSV/JSONL archive; re-importing the same file stores nothing twice."""
        summary = RunSummary()
        try:
            rows = list(files.read_archive(path, default_source=default_source))
        except ParseError as exc:
            summary.fail(exc.where, exc.reason)
            return summary
        for batch in _batches(rows, ARCHIVE_BATCH):
            self._import_batch(batch, summary, source_id)
            if progress:
                progress(len(batch))
        return summary

    def _import_batch(
        self, batch: list[files.ArchiveRow | ItemProblem], summary: RunSummary, source_id: int | None
    ) -> None:
        with transaction(self.engine) as conn:
            self.prepare(conn, [item.article for item in batch if not isinstance(item, ItemProblem)])
            for item in batch:
                if isinstance(item, ItemProblem):
                    summary.fail(item.where, item.reason)
                    continue
                summary.fetched += 1
                try:
                    with conn.begin_nested():
                        summary.count(
                            self.store_article(conn, item.article, raw=item.raw, source_id=source_id)
                        )
                except OperationalError:
                    raise  # locked, full or unreachable database: stop the run, this batch is rolled back
                except (GaungError, SQLAlchemyError, ValueError) as exc:
                    summary.fail(f"{item.raw.url} (line {item.line})", _reason(exc))
            self.end_batch(conn)

    def import_html(
        self,
        path: str | Path,
        *,
        source_id: int | None = None,
        site: str | None = None,
        base_url: str | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> RunSummary:
        """Extract and store saved HTML pages (one file or a folder of them)."""
        summary = RunSummary()
        try:
            paths = list(files.iter_html_files(path))
        except ParseError as exc:
            summary.fail(exc.where, exc.reason)
            return summary
        for html_path in paths:
            summary.fetched += 1
            raw = files.read_html_file(
                html_path, url=f"{base_url.rstrip('/')}/{html_path.name}" if base_url else None
            )
            try:
                with transaction(self.engine) as conn:
                    summary.count(self.store_html(conn, raw, source_id=source_id, site=site))
                    self.end_batch(conn)
            except StoreError:
                raise  # locked, full or unreachable database: stop the run
            except (GaungError, SQLAlchemyError, ValueError) as exc:
                summary.fail(str(html_path), _reason(exc))
            if progress:
                progress(1)
        return summary


def _reason(exc: BaseException) -> str:
    if isinstance(exc, StoreError | GaungError):
        return str(exc)
    if isinstance(exc, SQLAlchemyError):
        orig = getattr(exc, "orig", None)
        return f"database error: {orig or exc.__class__.__name__}"
    return f"{exc.__class__.__name__}: {exc}"


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
