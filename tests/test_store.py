"""The store itself: migrations match the schema on both databases, WAL mode, clear errors when locked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from gaung.errors import StoreError
from gaung.store import db as store_db
from gaung.store.schema import metadata
from gaung.workspace import Workspace

ARCHIVE = Path(__file__).parent / "fixtures" / "archive" / "scraped_2025_sample.csv"


def _head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(Path(store_db.__file__).parent / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def test_migrations_build_exactly_the_declared_schema(db_url: str) -> None:
    engine = store_db.open_engine(db_url)
    store_db.migrate(engine)  # a second run is a no-op
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), metadata)
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    # the full-text column/table is created by install_fulltext, outside the declared tables
    diffs = [d for d in diffs if "search_vector" not in str(d) and "mentions_fts" not in str(d)]
    assert diffs == []
    assert version == _head_revision()
    engine.dispose()


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    engine = store_db.open_engine(f"sqlite:///{tmp_path / 'g.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
    engine.dispose()


def test_locked_database_is_a_clear_error_and_loses_nothing(
    sqlite_ws: Workspace, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = sqlite_ws.import_path(ARCHIVE)
    assert first.new + first.syndicated == 40
    db_path = tmp_path / "gaung.db"
    monkeypatch.setattr(store_db, "SQLITE_BUSY_TIMEOUT_MS", 200)
    locked = Workspace(sqlite_ws.settings)
    other = sqlite3.connect(db_path, timeout=0.1)
    other.execute("BEGIN EXCLUSIVE")  # another process holding a long write
    try:
        extra = tmp_path / "more.jsonl"
        extra.write_text('{"url": "https://x.example/baru", "title": "Baru", "text": "Berita baru."}\n')
        with pytest.raises(StoreError, match="locked"):
            locked.import_path(extra)
    finally:
        other.rollback()
        other.close()
    with locked.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM mentions")).scalar_one() == 40
    assert locked.import_path(extra).new == 1  # and works once the lock is gone
    locked.engine.dispose()


def test_full_disk_is_a_clear_error_and_keeps_what_was_stored(sqlite_ws: Workspace, tmp_path: Path) -> None:
    """SQLite's max_page_count makes the database "full" the way a full disk does."""
    from sqlalchemy import event

    first = sqlite_ws.import_path(ARCHIVE)
    assert first.new + first.syndicated == 40
    engine = sqlite_ws.engine
    with engine.connect() as conn:
        pages = conn.execute(text("PRAGMA page_count")).scalar_one()

    @event.listens_for(engine, "connect")
    def _cap(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.execute(f"PRAGMA max_page_count = {pages + 2}")

    engine.dispose()  # new connections get the cap
    big = tmp_path / "big.jsonl"
    big.write_text(
        "\n".join(
            f'{{"url": "https://x.example/{i}", "title": "Berita {i}", "text": "{"kata " * 4000}{i}"}}'
            for i in range(30)
        ),
        encoding="utf-8",
    )
    with pytest.raises(StoreError, match="full"):
        sqlite_ws.import_path(big)
    event.remove(engine, "connect", _cap)
    engine.dispose()
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM mentions")).scalar_one() == 40
        assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
