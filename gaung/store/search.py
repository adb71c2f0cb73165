"""Running a search: one page of hits with a capped total, relevance ranking and safe snippets.

The query language itself (parsing, compiling to SQL) lives in `gaung.store.query`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any, Literal

import sqlalchemy as sa

from gaung.store.fulltext import BODY_WEIGHT, FTS_TABLE, SEARCH_VECTOR, TITLE_WEIGHT, tsquery
from gaung.store.query import (
    COUNT_CAP,
    HIGHLIGHT_END,
    HIGHLIGHT_START,
    MAX_PAGE_SIZE,
    SNIPPET_WORDS,
    And,
    Node,
    Not,
    Or,
    QueryCompiler,
    Word,
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
    Every step is bounded, so a broad query costs about as much as a narrow one: the count stops at
    COUNT_CAP + 1, and a query with full-text words ranks (or, with order="newest", sorts) only its
    COUNT_CAP most recently added matches; with fewer matches than that, every match takes part.
    """
    if not 1 <= limit <= MAX_PAGE_SIZE or offset < 0:
        raise ValueError(f"limit must be 1..{MAX_PAGE_SIZE} and offset >= 0")
    if order not in ("relevance", "newest"):
        raise ValueError(f"order must be 'relevance' or 'newest', not {order!r}")
    node = parse_query(query_text)
    compiler = QueryCompiler(conn.dialect.name, timezone, conn)
    text, others = compiler.split(node)
    cap = COUNT_CAP  # read at call time (tests lower it)
    if text is not None and not compiler.postgres:
        text = _expand_prefixes(conn, text)
        counted, ranked = _sqlite_text(conn, compiler.render(text), others, order, limit, offset, cap)
    else:
        counted, ranked = _generic(conn, compiler, node, text, order, limit, offset, cap)
    rows = {row.id: row for row in conn.execute(sa.select(*_COLUMNS).where(mentions.c.id.in_(ranked)))}
    page = [rows[i] for i in ranked if i in rows]
    snippets = _snippets(conn, compiler, text, [row.id for row in page])
    hits = [
        SearchHit(
            id=row.id,
            title=row.title,
            site=row.site,
            published_at=row.published_at,
            url=row.url,
            snippet=snippets.get(row.id, ""),
            score=ranked[row.id],
        )
        for row in page
    ]
    return SearchPage(
        query=format_query(node),
        total=min(counted, cap),
        total_exact=counted <= cap,
        hits=hits,
        limit=limit,
        offset=offset,
        order=order,
    )


_COLUMNS = (mentions.c.id, mentions.c.title, mentions.c.site, mentions.c.published_at, mentions.c.url)
_NEWEST = (mentions.c.published_at.desc().nulls_last(), mentions.c.id.desc())
_FTS: sa.ColumnElement[Any] = sa.literal_column("mentions_fts")
_ROWID = FTS_TABLE.c.rowid
# The narrow per-id copy of the filter columns (migration 0004). SQLite's planner always reads the table
# row for `mentions.id = mentions_fts.rowid`, and the row has the article text in front of the filter
# columns, so the join names the index explicitly (INDEXED BY; SQLAlchemy renders no SQLite hints).
_SEARCH_INDEX = "ix_mentions_search"
_JOIN_SQL = "JOIN mentions ON"
_INDEXED_JOIN_SQL = f"CROSS JOIN mentions INDEXED BY {_SEARCH_INDEX} ON"
# Prefixes longer than the FTS5 prefix indexes (2 and 3 characters) are expanded into their indexed
# words when there are at most this many: FTS5 otherwise merges every matching word's postings into
# one list before returning the first row, on every query and on every snippet lookup.
MAX_PREFIX_EXPANSION = 32
_PREFIX_INDEXED = 3
_PLAIN_WORD_RE = re.compile(r"[a-z0-9]+")


def _sqlite_text(
    conn: sa.Connection,
    fts_query: str,
    others: list[sa.ColumnElement[bool]],
    order: str,
    limit: int,
    offset: int,
    cap: int,
) -> tuple[int, dict[int, float | None]]:
    """(capped count, {id: score} for the page in order): FTS5 drives, newest rowid first, bounded."""
    match = _FTS.op("MATCH")(sa.bindparam(None, fts_query, sa.String))
    joined = FTS_TABLE.join(mentions, mentions.c.id == _ROWID)
    score = sa.func.bm25(_FTS, TITLE_WEIGHT, BODY_WEIGHT)  # lower is better
    if others:
        # Filters cost a lookup per match walked, so walk once: the newest cap + 1 matches that pass,
        # with what the page is ordered by; count and page come from those rows.
        key = score if order == "relevance" else mentions.c.published_at
        walked: Any = _run(
            conn,
            sa.select(_ROWID, key)
            .select_from(joined)
            .where(match, *others)
            .order_by(_ROWID.desc())
            .limit(cap + 1),
        ).all()
        newest = [(int(row[0]), row[1]) for row in walked[:cap]]
        if order == "relevance":
            newest.sort(key=lambda item: (item[1], -item[0]))
            return len(walked), {i: float(s) for i, s in newest[offset : offset + limit]}
        dated = sorted((item for item in newest if item[1] is not None), key=lambda i: i[1], reverse=True)
        undated = [item for item in newest if item[1] is None]  # newest id first already
        return len(walked), {i: None for i, _ in (dated + undated)[offset : offset + limit]}
    capped = sa.select(_ROWID).where(match).limit(cap + 1).subquery()
    counted = int(_run(conn, sa.select(sa.func.count()).select_from(capped)).scalar_one())
    if order == "relevance":
        newest_rows = (
            sa.select(_ROWID.label("id"), score.label("score"))
            .where(match)
            .order_by(_ROWID.desc())
            .limit(cap)
            .subquery()
        )
        statement: sa.Select[Any] = sa.select(newest_rows.c.id, newest_rows.c.score).order_by(
            newest_rows.c.score, newest_rows.c.id.desc()
        )
    else:
        newest_rows = (
            sa.select(_ROWID.label("id"), mentions.c.published_at)
            .select_from(joined)
            .where(match)
            .order_by(_ROWID.desc())
            .limit(cap)
            .subquery()
        )
        statement = sa.select(newest_rows.c.id, sa.null()).order_by(
            newest_rows.c.published_at.desc().nulls_last(), newest_rows.c.id.desc()
        )
    rows: list[Any] = list(_run(conn, statement.limit(limit).offset(offset)))
    return counted, {int(row[0]): None if row[1] is None else float(row[1]) for row in rows}


def _run(conn: sa.Connection, statement: sa.Select[Any]) -> sa.CursorResult[Any]:
    """Execute a SQLite statement, joining `mentions` through its narrow search index when joined."""
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    sql = compiled.string
    if _JOIN_SQL in sql:
        sql = sql.replace(_JOIN_SQL, _INDEXED_JOIN_SQL)
    params = compiled.construct_params()
    positions = compiled.positiontup or []
    return conn.exec_driver_sql(sql, tuple(params[name] for name in positions))


def _generic(
    conn: sa.Connection,
    compiler: QueryCompiler,
    node: Node,
    text: Node | None,
    order: str,
    limit: int,
    offset: int,
    cap: int,
) -> tuple[int, dict[int, float | None]]:
    """Filters without full-text words (both dialects), and everything on PostgreSQL."""
    condition = compiler.condition(node)
    capped = sa.select(mentions.c.id).where(condition).limit(cap + 1).subquery()
    counted = int(conn.execute(sa.select(sa.func.count()).select_from(capped)).scalar_one())
    if text is None:
        # newest first; indexes on (published_at), (tone, published_at), (site, tone, published_at)
        # let this stop after the page instead of sorting every match
        statement: sa.Select[Any] = sa.select(mentions.c.id, sa.null()).where(condition).order_by(*_NEWEST)
    else:
        # PostgreSQL with text: the same bounds as on SQLite, the newest `cap` matches by id
        newest = (
            sa.select(mentions.c.id).where(condition).order_by(mentions.c.id.desc()).limit(cap).subquery()
        )
        inner = mentions.join(newest, newest.c.id == mentions.c.id)
        if order == "relevance":
            score = sa.func.ts_rank(SEARCH_VECTOR, tsquery(compiler.render(text)))
            statement = sa.select(mentions.c.id, score).select_from(inner).order_by(score.desc(), *_NEWEST)
        else:
            statement = sa.select(mentions.c.id, sa.null()).select_from(inner).order_by(*_NEWEST)
    rows = conn.execute(statement.limit(limit).offset(offset)).all()
    return counted, {row[0]: None if row[1] is None else float(row[1]) for row in rows}


def _expand_prefixes(conn: sa.Connection, node: Node) -> Node:
    """Replace long prefixes (`korup*`) by the OR of their indexed words, when there are few (SQLite).

    Same matches and highlights as the prefix itself; only cheaper. bm25 then weighs each word by its own
    rarity instead of treating the prefix as one term.
    """
    if isinstance(node, Word):
        stem = node.text.lower()
        if not node.prefix or len(stem) <= _PREFIX_INDEXED or not _PLAIN_WORD_RE.fullmatch(stem):
            return node
        words = _prefix_words(conn, stem)
        if not words or len(words) > MAX_PREFIX_EXPANSION:
            return node
        expanded = [Word(word, title_only=node.title_only) for word in words]
        return expanded[0] if len(expanded) == 1 else Or(tuple(expanded))
    if isinstance(node, Or | And):
        return type(node)(tuple(_expand_prefixes(conn, item) for item in node.items))
    if isinstance(node, Not):
        return Not(_expand_prefixes(conn, node.item))
    return node


def _prefix_words(conn: sa.Connection, stem: str) -> list[str]:
    # a TEMP vocabulary view of the index: per connection, nothing stored, no migration
    conn.exec_driver_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.mentions_fts_terms "
        "USING fts5vocab(main, mentions_fts, 'row')"
    )
    rows = conn.exec_driver_sql(
        "SELECT term FROM temp.mentions_fts_terms WHERE term >= ? AND term < ? LIMIT ?",
        (stem, stem + "\uffff", MAX_PREFIX_EXPANSION + 1),
    )
    return [row[0] for row in rows]


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
        statement: sa.CompoundSelect[Any] | sa.Select[Any] = sa.select(mentions.c.id, headline).where(
            mentions.c.id.in_(ids)
        )
    else:
        # One `rowid = ?` lookup per hit: FTS5 seeks each row, where `rowid IN (...)` would walk every
        # match of the query (EXPLAIN QUERY PLAN: `INDEX 0:=M2` per arm).
        fts_query = compiler.render(text)
        snippet = sa.func.snippet(_FTS, -1, HIGHLIGHT_START, HIGHLIGHT_END, "…", SNIPPET_WORDS)
        statement = sa.union_all(
            *(
                sa.select(_ROWID, snippet).where(
                    _FTS.op("MATCH")(sa.bindparam(None, fts_query, sa.String)), FTS_TABLE.c.rowid == hit
                )
                for hit in ids
            )
        )
    return {row[0]: row[1] or "" for row in conn.execute(statement)}


def _trim(text: str) -> str:
    text = " ".join(text.split())
    if len(text) < 240:
        return text
    return text[:240].rsplit(" ", 1)[0] + " …"
