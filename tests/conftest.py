"""Shared fixtures: a workspace on a fresh database, parametrized over SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest_pg import pg_engine, throwaway_pg_database  # noqa: F401  (re-exported fixture)

from gaung.config import Settings
from gaung.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"

# Trained models are built once (from shipped data, offline) and shared by every test and every run:
# `var/models` in the checkout, the same place `make demo` uses, unless GAUNG_MODELS says otherwise.
os.environ.setdefault("GAUNG_MODELS", str((Path(__file__).parent.parent / "var" / "models").resolve()))


def _pg_url() -> Iterator[str]:
    import sqlalchemy as sa

    try:
        with throwaway_pg_database() as engine:
            yield engine.url.render_as_string(hide_password=False)
    except sa.exc.OperationalError as exc:
        reason = f"no PostgreSQL server: {exc.orig}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason} (CI=true makes PostgreSQL tests mandatory)")
        pytest.skip(reason)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: SQLite in tmp_path, or a throwaway PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'gaung.db'}"
    else:
        yield from _pg_url()


@pytest.fixture
def ws(db_url: str, tmp_path: Path) -> Iterator[Workspace]:
    settings = Settings(home=tmp_path / "home", database_url=db_url)
    settings.fetch.allow_private = True  # tests fetch from 127.0.0.1
    settings.fetch.per_host_delay = 0.0
    settings.fetch.backoff = 0.01
    workspace = Workspace(settings)
    yield workspace
    if "engine" in workspace.__dict__:
        workspace.engine.dispose()


@pytest.fixture
def sqlite_ws(tmp_path: Path) -> Iterator[Workspace]:
    settings = Settings(home=tmp_path / "home", database_url=f"sqlite:///{tmp_path / 'gaung.db'}")
    settings.fetch.allow_private = True
    settings.fetch.per_host_delay = 0.0
    settings.fetch.backoff = 0.01
    workspace = Workspace(settings)
    yield workspace
    if "engine" in workspace.__dict__:
        workspace.engine.dispose()
