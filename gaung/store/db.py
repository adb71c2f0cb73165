"""Opening the database: engines tuned per dialect, and migrations applied on open.

SQLite runs in WAL mode so the web app can read while the monitor writes; a generous busy timeout turns
"database is locked" into a short wait instead of an error.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from gaung.errors import StoreError

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_MS = 30_000  # the monitor's write transactions are short; 30 s covers bulk imports


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for `url` with the connection settings Gaung relies on."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}, **kwargs
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # durable across app crashes in WAL mode
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.close()

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True, **kwargs)


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest Alembic revision (creating it on an empty database)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        raise StoreError(f"cannot migrate database {engine.url!r}: {exc.orig}") from None


def open_engine(url: str) -> Engine:
    """Connect and migrate: the one call the CLI, web app and tests use to get a ready database."""
    try:
        engine = make_engine(url)
        migrate(engine)
    except SQLAlchemyError as exc:
        raise StoreError(f"cannot open database {url}: {exc}") from None
    return engine


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """A write transaction that turns low-level database failures into StoreError with a reason."""
    try:
        with engine.begin() as conn:
            yield conn
    except OperationalError as exc:
        message = str(exc.orig)
        if "locked" in message:
            message += " (another process holds a long write; try again, or stop the other process)"
        elif "disk" in message or "full" in message:
            message += " (free some disk space; nothing was written by this transaction)"
        raise StoreError(message) from exc


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())


def ping(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
