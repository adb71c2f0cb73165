"""Rekap kliping: the day's stories as clippings (media, headline, time, tone, links), most important first,
and the two query helpers every section shares: which rows are the day's stories (`canonical_in`) and how a
page of the web app is linked (`evidence_link`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.brief.relevance import Relevance
from gaung.store.schema import mentions, syndication_groups


def canonical_in(start: datetime, end: datetime) -> list[sa.ColumnElement[bool]]:
    """The stories (canonical copies) published in [start, end): how every section counts a story once."""
    return [
        mentions.c.is_canonical.is_(True),
        mentions.c.published_at >= start,
        mentions.c.published_at < end,
    ]


def evidence_link(base: str, path: str) -> str | None:
    """An absolute link into the web app, or None when its address is unknown (a relative link in a PDF
    or an email is dead, so evidence is then shown as plain text)."""
    return f"{base}{path}" if base else None


@dataclass
class Clipping:
    id: int
    title: str
    site: str
    published_at: datetime | None  # naive UTC
    tone: str | None
    url: str | None
    copies: int  # other outlets' copies of the story
    link: str | None  # the article page in Gaung; None without a base_url
    platform: str = "news"
    author: str | None = None
    engagement: int | None = None
    related: list[str] = field(default_factory=list)  # watchlist names the story mentions


def clipping_columns() -> list[Any]:
    return [
        mentions.c.id,
        mentions.c.title,
        mentions.c.text,
        mentions.c.site,
        mentions.c.published_at,
        mentions.c.tone,
        mentions.c.url,
        mentions.c.platform,
        mentions.c.author,
        mentions.c.engagement,
        syndication_groups.c.outlets,
    ]


def clipping(row: Any, base: str, related: list[str] | None = None) -> Clipping:
    title = (row.title or "").strip()
    if not title:  # social posts often have no title: the first words of the text stand in
        words = " ".join((row.text or "").split())
        title = words[:140] + ("…" if len(words) > 140 else "")
    engagement = row.engagement if isinstance(row.engagement, dict) else {}
    total = sum(v for v in engagement.values() if isinstance(v, int) and not isinstance(v, bool))
    return Clipping(
        id=int(row.id),
        title=title,
        site=row.site or "-",
        published_at=row.published_at,
        tone=row.tone,
        url=row.url,
        copies=max(int(row.outlets or 1) - 1, 0),
        link=evidence_link(base, f"/mentions/{row.id}"),
        platform=row.platform or "news",
        author=row.author,
        engagement=total or None,
        related=related or [],
    )


def from_mentions() -> Any:
    return mentions.join(
        syndication_groups, syndication_groups.c.id == mentions.c.syndication_group_id, isouter=True
    )


def issue_articles(
    conn: Connection, issue_id: int, start: datetime, end: datetime, base: str
) -> list[Clipping]:
    """The issue's two widest-reaching stories of the day: the evidence behind its summary."""
    rows = conn.execute(
        sa.select(*clipping_columns())
        .select_from(from_mentions())
        .where(*canonical_in(start, end), mentions.c.issue_id == issue_id)
        .order_by(
            sa.func.coalesce(syndication_groups.c.outlets, 1).desc(), mentions.c.published_at, mentions.c.id
        )
        .limit(2)
    )
    return [clipping(row, base) for row in rows]


def day_clippings(
    conn: Connection,
    start: datetime,
    end: datetime,
    base: str,
    *,
    platform: str | None,
    cap: int,
    watch: Relevance | None = None,
) -> tuple[list[Clipping], int]:
    """The day's news stories most important first, or (platform None) the other posts in time order.

    Importance, for news: stories naming the watchlist, then negative ones, then those carried by most
    outlets; the rest (one outlet, not negative, not about the office) by time. A reader who stops at
    the cap has seen what concerns the office; the order of the first 60 by time was an accident of
    the clock (00:00-02:xx on the demo day).
    """
    where = canonical_in(start, end)
    kind = sa.func.coalesce(mentions.c.platform, "news")
    where.append(kind == "news" if platform == "news" else kind != "news")
    total = int(conn.execute(sa.select(sa.func.count()).select_from(mentions).where(*where)).scalar_one())
    hits = watch.story_hits(conn, where) if watch is not None else {}
    if watch is None:
        ranked = conn.execute(
            sa.select(mentions.c.id).where(*where).order_by(mentions.c.published_at, mentions.c.id).limit(cap)
        ).scalars()
        chosen = [int(i) for i in ranked]
    else:
        light = list(
            conn.execute(
                sa.select(
                    mentions.c.id, mentions.c.published_at, mentions.c.tone, syndication_groups.c.outlets
                )
                .select_from(from_mentions())
                .where(*where)
            )
        )
        light.sort(
            key=lambda r: (
                r.id not in hits,
                r.tone != "negative",
                -int(r.outlets or 1),
                r.published_at or datetime.max,
                r.id,
            )
        )
        chosen = [int(r.id) for r in light[:cap]]
    rows = {
        int(row.id): row
        for row in conn.execute(
            sa.select(*clipping_columns()).select_from(from_mentions()).where(mentions.c.id.in_(chosen))
        )
    }
    listed = [clipping(rows[i], base, hits.get(i)) for i in chosen if i in rows]
    return listed, total - len(listed)


def social_platforms(conn: Connection, start: datetime, end: datetime) -> dict[str, int]:
    kind = sa.func.coalesce(mentions.c.platform, "news")
    rows = conn.execute(
        sa.select(kind, sa.func.count()).where(*canonical_in(start, end), kind != "news").group_by(kind)
    ).all()
    return {str(name): int(count) for name, count in sorted(rows, key=lambda r: (-int(r[1]), str(r[0])))}
