"""Writing mentions: one record per canonical URL, grouped with its syndicated copies.

The write path, in order (all in the caller's transaction, so a crash leaves nothing half-done):
1. canonical URL already stored → "duplicate", nothing written;
2. same normalised content hash as a stored mention → a copy of that story (exact syndication);
3. MinHash LSH finds a near-identical stored text → a copy of that story (near-duplicate syndication);
4. otherwise a new story with its own syndication group.
Copies are stored (each outlet's URL is a mention) but only the first is `is_canonical` and counted in
volumes; the group keeps the story's reach (copies, outlets, first seen).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection, Engine, func, select, update

from gaung.analyze import dedup
from gaung.models import Article
from gaung.store.raw import from_db_time, to_db_time
from gaung.store.schema import mentions, syndication_groups

log = logging.getLogger(__name__)

MAX_CANDIDATES = 5  # LSH candidates checked per article, best Jaccard first
SaveStatus = Literal["new", "syndicated", "duplicate"]


@dataclass
class SaveOutcome:
    status: SaveStatus
    mention_id: int
    group_id: int | None


class MentionWriter:
    """Stores articles with syndication grouping; holds the in-memory LSH index over stored texts.

    The index is rebuilt from the `mentions.minhash` column when the writer is created, so it survives
    restarts. Entries whose transaction later rolled back are harmless: a match on a missing id is ignored.
    """

    def __init__(self, engine: Engine | None = None):
        self.index = dedup.SyndicationIndex()
        if engine is not None:
            self.load_index(engine)

    def load_index(self, engine: Engine) -> int:
        """Rebuild the LSH index from stored signatures; returns how many mentions it holds."""
        with engine.connect() as conn:
            rows = conn.execute(
                select(mentions.c.id, mentions.c.minhash, mentions.c.published_at).where(
                    mentions.c.minhash.is_not(None)
                )
            )
            self.index = dedup.SyndicationIndex.from_rows(
                (mention_id, packed, from_db_time(published_at)) for mention_id, packed, published_at in rows
            )
        return len(self.index)

    def unseen(self, conn: Connection, articles: list[Article]) -> list[Article]:
        """The articles whose canonical URL is not stored yet (the ones worth analysing)."""
        keys = {id(a): dedup.canonicalize_url(a.url) for a in articles if a.url}
        known: set[str] = set()
        values = list(set(keys.values()))
        for start in range(0, len(values), 500):
            chunk = values[start : start + 500]
            known.update(
                row[0]
                for row in conn.execute(
                    select(mentions.c.canonical_url).where(mentions.c.canonical_url.in_(chunk))
                )
            )
        return [a for a in articles if keys.get(id(a)) not in known]

    def save(
        self,
        conn: Connection,
        article: Article,
        *,
        source_id: int | None = None,
        fetched_at: datetime | None = None,
    ) -> SaveOutcome:
        """Store one article (see module docstring for the decision order)."""
        canonical = dedup.canonicalize_url(article.url) if article.url else None
        digest = dedup.content_hash(article.title, article.text)
        if canonical is None:
            canonical = f"urn:sha256:{digest}"
        existing = conn.execute(
            select(mentions.c.id, mentions.c.syndication_group_id).where(
                mentions.c.canonical_url == canonical
            )
        ).first()
        if existing is not None:
            return SaveOutcome("duplicate", existing[0], existing[1])

        story = dedup.fingerprint(article.title, article.text)
        signature = story.signature
        group_id = self._find_group(conn, story, article.published_at)
        now = datetime.now(UTC)
        values: dict[str, Any] = {
            "canonical_url": canonical,
            "url": article.url,
            "content_hash": digest,
            "title": article.title,
            "text": article.text,
            "published_at": to_db_time(article.published_at),
            "author": article.author,
            "site": article.site,
            "language": article.language,
            "platform": article.platform or "news",
            "engagement": article.engagement or None,
            "source_id": source_id,
            "raw_sha256": article.raw_sha256,
            "fetched_at": to_db_time(fetched_at),
            "ingested_at": to_db_time(now),
            "extractor_version": article.extractor_version,
            "minhash": dedup.pack_signature(signature),
            "is_canonical": group_id is None,
            "syndication_group_id": group_id,
        }
        mention_id = int(conn.execute(mentions.insert().values(**values)).inserted_primary_key[0])  # type: ignore[index]
        first_seen = to_db_time(article.published_at or now)
        if group_id is None:
            group_id = int(
                conn.execute(
                    syndication_groups.insert().values(
                        first_mention_id=mention_id, first_seen_at=first_seen, size=1, outlets=1
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            conn.execute(
                update(mentions).where(mentions.c.id == mention_id).values(syndication_group_id=group_id)
            )
            status: SaveStatus = "new"
        else:
            self._refresh_group(conn, group_id)
            status = "syndicated"
        self.index.add(mention_id, signature, article.published_at)
        return SaveOutcome(status, mention_id, group_id)

    def _find_group(
        self, conn: Connection, story: dedup.StoryFingerprint, published_at: datetime | None
    ) -> int | None:
        row = conn.execute(
            select(mentions.c.syndication_group_id)
            .where(mentions.c.content_hash == story.content_hash)
            .limit(1)
        ).first()
        if row is not None and row[0] is not None:
            return int(row[0])
        for candidate_id, jaccard in self.index.query(story.signature, published_at)[:MAX_CANDIDATES]:
            cand = conn.execute(
                select(mentions.c.syndication_group_id, mentions.c.title, mentions.c.text).where(
                    mentions.c.id == candidate_id
                )
            ).first()
            if cand is None or cand[0] is None:
                continue  # an index entry whose transaction rolled back
            if dedup.assign_group(story, dedup.fingerprint(cand[1], cand[2]), jaccard):
                return int(cand[0])
        return None

    @staticmethod
    def _refresh_group(conn: Connection, group_id: int) -> None:
        """Recount a group's copies and outlets; the earliest copy becomes the one counted in volumes."""
        stats = conn.execute(
            select(func.count(), func.count(func.distinct(mentions.c.site))).where(
                mentions.c.syndication_group_id == group_id
            )
        ).one()
        first = conn.execute(
            select(mentions.c.id, func.coalesce(mentions.c.published_at, mentions.c.ingested_at).label("t"))
            .where(mentions.c.syndication_group_id == group_id)
            .order_by("t", mentions.c.id)
            .limit(1)
        ).one()
        conn.execute(
            update(syndication_groups)
            .where(syndication_groups.c.id == group_id)
            .values(
                size=stats[0], outlets=max(1, stats[1]), first_mention_id=first[0], first_seen_at=first[1]
            )
        )
        conn.execute(
            update(mentions)
            .where(mentions.c.syndication_group_id == group_id)
            .values(is_canonical=(mentions.c.id == first[0]))
        )


def get_mention(conn: Connection, mention_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(mentions).where(mentions.c.id == mention_id)).mappings().first()
    return dict(row) if row else None


def syndicated_copies(conn: Connection, group_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(mentions.c.id, mentions.c.site, mentions.c.url, mentions.c.title, mentions.c.published_at)
        .where(mentions.c.syndication_group_id == group_id)
        .order_by(mentions.c.published_at)
    ).mappings()
    return [dict(r) for r in rows]


def count_mentions(conn: Connection, *, stories_only: bool = False) -> int:
    query = select(func.count()).select_from(mentions)
    if stories_only:
        query = query.where(mentions.c.is_canonical.is_(True))
    return int(conn.execute(query).scalar_one())
