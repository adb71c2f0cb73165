"""Running a search: one page of hits with a capped total, relevance ranking and safe snippets.

The query language itself (parsing, compiling to SQL) lives in `gaung.store.query`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Literal

import sqlalchemy as sa

from gaung.store.fulltext import BODY_WEIGHT, FTS_TABLE, SEARCH_VECTOR, TITLE_WEIGHT, tsquery
from gaung.store.query import (
    COUNT_CAP,
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    MAX_PAGE_SIZE,
    SNIPPET_WORDS,
    Node,
    QueryCompiler,
    format_query,
    parse_query,
)
from gaung.store.schema import mentions

__all__ = ["SearchHit", "SearchPage", "search"]


@dataclass(frozen=True)
class SearchHit:
    """One result row; `snippet` is plain text with matched words between HIGHLIGHT_START/END."""

    id: int
    title: str | None
    site: str | None
    published_at: datetime | None
    url: str | None
    snippet: str
    score: float | None = None

    def snippet_parts(self) -> list[tuple[str, bool]]:
        """The snippet as (text, highlighted) pieces, for templates that escape each piece."""
        parts: list[tuple[str, bool]] = []
        for index, piece in enumerate(re.split(f"[{HIGHLIGHT_START}{HIGHLIGHT_END}]", self.snippet)):
            if piece:
                parts.append((piece, index % 2 == 1))
        return parts


@dataclass(frozen=True)
class SearchPage:
    """A page of hits; `total` is exact up to COUNT_CAP, after which `total_exact` is False."""

    query: str  # canonical form of the parsed query
    total: int
    total_exact: bool
    hits: list[SearchHit]
    limit: int
    offset: int
    order: str

    @property
    def total_label(self) -> str:
        """'1,234' or '10,000+' for display."""
        return f"{self.total:,}" + ("" if self.total_exact else "+")


def search(
    conn: sa.Connection,
    query_text: str,
    *,
    limit: int = 20,
    offset: int = 0,
    order: Literal["relevance", "newest"] = "relevance",
    timezone: tzinfo = UTC,
) -> SearchPage:
    """Run `query_text` and return one page of hits with a capped total and highlighted snippets.

    Relevance is bm25 (SQLite, title weighted 10:1) or ts_rank (PostgreSQL) over the text every hit
    must match; a query without such text (only filters, or text only under OR/NOT) is shown newest first.
    """
    if not 1 <= limit <= MAX_PAGE_SIZE or offset < 0:
        raise ValueError(f"limit must be 1..{MAX_PAGE_SIZE} and offset >= 0")
    if order not in ("relevance", "newest"):
        raise ValueError(f"order must be 'relevance' or 'newest', not {order!r}")
    node = parse_query(query_text)
    compiler = QueryCompiler(conn.dialect.name, timezone)
    text, others = compiler.split(node)
    condition = compiler.condition(node)

    capped = sa.select(mentions.c.id).where(condition).limit(COUNT_CAP + 1).subquery()
    counted = conn.execute(sa.select(sa.func.count()).select_from(capped)).scalar_one()

    columns = [mentions.c.id, mentions.c.title, mentions.c.site, mentions.c.published_at, mentions.c.url]
    newest = (mentions.c.published_at.desc().nulls_last(), mentions.c.id.desc())
    score: sa.ColumnElement[float] | None = None
    if text is not None and order == "relevance" and not compiler.postgres:
        # bm25 needs the FTS5 cursor, so join the index instead of the IN (...) form; lower is better
        score = sa.func.bm25(sa.literal_column("mentions_fts"), TITLE_WEIGHT, BODY_WEIGHT)
        matches = sa.literal_column("mentions_fts").op("MATCH")(compiler.render(text))
        statement = (
            sa.select(*columns, score)
            .select_from(mentions.join(FTS_TABLE, FTS_TABLE.c.rowid == mentions.c.id))
            .where(matches, *others)
            .order_by(score, mentions.c.id.desc())
        )
    elif text is not None and order == "relevance":
        score = sa.func.ts_rank(SEARCH_VECTOR, tsquery(compiler.render(text)))
        statement = sa.select(*columns, score).where(condition).order_by(score.desc(), *newest)
    else:
        statement = sa.select(*columns).where(condition).order_by(*newest)
    rows = conn.execute(statement.limit(limit).offset(offset)).all()
    snippets = _snippets(conn, compiler, text, [row.id for row in rows])
    hits = [
        SearchHit(
            id=row.id,
            title=row.title,
            site=row.site,
            published_at=row.published_at,
            url=row.url,
            snippet=snippets.get(row.id, ""),
            score=float(row[5]) if score is not None and row[5] is not None else None,
        )
        for row in rows
    ]
    return SearchPage(
        query=format_query(node),
        total=min(counted, COUNT_CAP),
        total_exact=counted <= COUNT_CAP,
        hits=hits,
        limit=limit,
        offset=offset,
        order=order,
    )


def _snippets(
    conn: sa.Connection, compiler: QueryCompiler, text: Node | None, ids: list[int]
) -> dict[int, str]:
    """Snippets for one page only: highlighting is the costly part, so it never runs on every hit."""
    if not ids:
        return {}
    if text is None:
        leading = sa.select(mentions.c.id, sa.func.substr(mentions.c.text, 1, 300)).where(
            mentions.c.id.in_(ids)
        )
        return {row[0]: _trim(row[1] or "") for row in conn.execute(leading)}
    if compiler.postgres:
        options = (
            f"StartSel={HIGHLIGHT_START}, StopSel={HIGHLIGHT_END}, MaxWords={SNIPPET_WORDS}, "
            'MinWords=10, MaxFragments=2, FragmentDelimiter=" … "'
        )
        headline = sa.func.ts_headline(
            sa.literal_column("'simple'::regconfig"), mentions.c.text, tsquery(compiler.render(text)), options
        )
        statement = sa.select(mentions.c.id, headline).where(mentions.c.id.in_(ids))
    else:
        snippet = sa.func.snippet(
            sa.literal_column("mentions_fts"), -1, HIGHLIGHT_START, HIGHLIGHT_END, "…", SNIPPET_WORDS
        )
        statement = sa.select(FTS_TABLE.c.rowid, snippet).where(
            sa.literal_column("mentions_fts").op("MATCH")(compiler.render(text)), FTS_TABLE.c.rowid.in_(ids)
        )
    return {row[0]: row[1] or "" for row in conn.execute(statement)}


def _trim(text: str) -> str:
    text = " ".join(text.split())
    if len(text) < 240:
        return text
    return text[:240].rsplit(" ", 1)[0] + " …"
