"""The full-text index over `mentions`, behind one interface for both databases.

SQLite: an external-content FTS5 table `mentions_fts(title, text)` kept in sync by triggers, so the
article text is stored once (in `mentions`) and the index holds only postings.
PostgreSQL: a generated, stored `search_vector` tsvector column on `mentions` with a GIN index. The
column is not declared in `gaung.store.schema` because SQLite cannot compute it; it is added here.

Both use language-neutral tokenisation (FTS5 `unicode61`, PostgreSQL `simple`): neither database ships
an Indonesian stemmer, and a wrong (English) stemmer mangles Indonesian affixes more than it helps.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from gaung.store.schema import mentions

__all__ = [
    "FTS_TABLE",
    "SEARCH_VECTOR",
    "fts_match",
    "fulltext_ok",
    "install_fulltext",
    "rebuild_fulltext",
    "tsquery",
]

# Lightweight handles for SQL built elsewhere (gaung.store.query): neither object exists in `metadata`.
FTS_TABLE = sa.table("mentions_fts", sa.column("rowid", sa.Integer))
# A literal column so it renders as `mentions.search_vector` inside a SELECT over the real `mentions`.
SEARCH_VECTOR = sa.literal_column("mentions.search_vector", postgresql.TSVECTOR)

# Title hits rank above body hits; 10:1 is the usual choice for headline-vs-body weighting.
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0

_SQLITE_DDL = (
    # Prefix indexes for 2- and 3-character prefixes make `ba*` / `ban*` cheap on a large archive.
    """CREATE VIRTUAL TABLE IF NOT EXISTS mentions_fts USING fts5(
        title, text,
        content='mentions', content_rowid='id',
        tokenize="unicode61 remove_diacritics 2",
        prefix='2 3'
    )""",
    """CREATE TRIGGER IF NOT EXISTS mentions_fts_ai AFTER INSERT ON mentions BEGIN
        INSERT INTO mentions_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
    # External-content FTS5 needs the *old* values to remove postings; hence 'delete' with old.*.
    """CREATE TRIGGER IF NOT EXISTS mentions_fts_ad AFTER DELETE ON mentions BEGIN
        INSERT INTO mentions_fts(mentions_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS mentions_fts_au AFTER UPDATE OF id, title, text ON mentions BEGIN
        INSERT INTO mentions_fts(mentions_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
        INSERT INTO mentions_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END""",
)

# `'simple'::regconfig` (not a bare string) keeps the expression IMMUTABLE, as a generated column needs.
_PG_DDL = (
    """ALTER TABLE mentions ADD COLUMN IF NOT EXISTS search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A')
            || setweight(to_tsvector('simple'::regconfig, coalesce(text, '')), 'B')
        ) STORED""",
    "CREATE INDEX IF NOT EXISTS ix_mentions_search_vector ON mentions USING GIN (search_vector)",
)


def install_fulltext(conn: sa.Connection) -> None:
    """Create the full-text index for `mentions` if it is missing; safe to call on every start.

    Run after `metadata.create_all`. On SQLite, an index created over an already-filled `mentions`
    table is rebuilt once, so that adding search to an existing archive needs no extra step.
    """
    dialect = conn.dialect.name
    if dialect == "sqlite":
        existed = _sqlite_fts_exists(conn)
        for statement in _SQLITE_DDL:
            conn.exec_driver_sql(statement)
        if not existed and conn.exec_driver_sql("SELECT 1 FROM mentions LIMIT 1").first():
            rebuild_fulltext(conn)
    elif dialect == "postgresql":
        for statement in _PG_DDL:
            conn.exec_driver_sql(statement)
    else:
        raise NotImplementedError(f"full-text search is not available on {dialect}")


def rebuild_fulltext(conn: sa.Connection) -> None:
    """Rebuild the index from `mentions` (after a bulk load with triggers off, or a suspected fault).

    On PostgreSQL the generated column cannot drift from its row, so only the GIN index is rebuilt.
    """
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO mentions_fts(mentions_fts) VALUES ('rebuild')")
    else:
        conn.exec_driver_sql("REINDEX INDEX ix_mentions_search_vector")


def fulltext_ok(conn: sa.Connection) -> bool:
    """Whether the index exists and agrees with `mentions` (for `gaung doctor` and health pages)."""
    if conn.dialect.name == "sqlite":
        if not _sqlite_fts_exists(conn):
            return False
        try:
            # rank=1 also compares the index against the external content table (not only itself).
            with conn.begin_nested():
                conn.exec_driver_sql(
                    "INSERT INTO mentions_fts(mentions_fts, rank) VALUES ('integrity-check', 1)"
                )
        except sa.exc.DBAPIError:
            return False
        return True
    row = conn.exec_driver_sql(
        """SELECT i.indisvalid FROM pg_index i
           JOIN pg_class c ON c.oid = i.indexrelid
           WHERE c.relname = 'ix_mentions_search_vector'"""
    ).first()
    column = conn.exec_driver_sql(
        """SELECT is_generated FROM information_schema.columns
           WHERE table_name = 'mentions' AND column_name = 'search_vector'
             AND table_schema = current_schema()"""
    ).first()
    return bool(row and row[0] and column and column[0] == "ALWAYS")


def fts_match(fts_query: str) -> sa.ColumnElement[bool]:
    """SQLite: `mentions.id IN (rowids matching fts_query)` — the form the planner serves from FTS5."""
    matching = sa.select(FTS_TABLE.c.rowid).where(
        sa.literal_column("mentions_fts").op("MATCH")(sa.bindparam(None, fts_query, sa.String))
    )
    return mentions.c.id.in_(matching.scalar_subquery())


def tsquery(pg_query: str) -> sa.ColumnElement[object]:
    """PostgreSQL: `to_tsquery('simple', pg_query)` with the text as a bound parameter."""
    return sa.func.to_tsquery(
        sa.literal_column("'simple'::regconfig"), sa.bindparam(None, pg_query, sa.String)
    )


def _sqlite_fts_exists(conn: sa.Connection) -> bool:
    return (
        conn.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'mentions_fts'"
        ).first()
        is not None
    )
