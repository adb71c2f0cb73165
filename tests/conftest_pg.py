"""A throwaway PostgreSQL database for tests, shared by every test module that needs one.

Not a conftest: import the fixture where it is needed (`from conftest_pg import pg_engine`), or
list this module in the root conftest's `pytest_plugins`. Each test session creates its own database
`gaung_test_<random>` and drops it at the end, so parallel agents and CI jobs never collide.

Without a server (a user's laptop) the tests skip with the reason; with CI=true they fail instead,
because CI must prove both databases pass the same suite.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

# The admin connection that may CREATE/DROP DATABASE; override for a server elsewhere.
ADMIN_URL = os.environ.get("GAUNG_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextmanager
def throwaway_pg_database(admin_url: str = ADMIN_URL) -> Iterator[sa.Engine]:
    """Create a fresh database, yield an engine on it, then drop it (usable outside pytest too)."""
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"gaung_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        engine = sa.create_engine(sa.make_url(admin_url).set(database=name))
        try:
            yield engine
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[sa.Engine]:
    """An engine on an empty, session-private PostgreSQL database (tables are the caller's job)."""
    try:
        database = throwaway_pg_database()
        engine = database.__enter__()
    except sa.exc.OperationalError as error:
        reason = f"no PostgreSQL server answers at {sa.make_url(ADMIN_URL).render_as_string()}: {error.orig}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true makes PostgreSQL tests mandatory)")
        pytest.skip(reason)
    try:
        yield engine
    finally:
        database.__exit__(None, None, None)
