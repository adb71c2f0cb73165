"""Shared fixtures: a workspace on a fresh database, parametrized over SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest_pg import pg_engine, throwaway_pg_database  # noqa: F401  (re-exported fixture)
from fastapi.testclient import TestClient
from webhelpers import HOSTILE, PASSWORD, ROLES, login

from gaung.config import Settings, settings_from_toml
from gaung.demo import DEMO_DIR
from gaung.store.db import transaction
from gaung.store.schema import alerts, mentions
from gaung.store.users import add_user
from gaung.web.app import create_app
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


# -- the web app over a small real archive, shared by every web test module (built once per session) --


@pytest.fixture(scope="session")
def web_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """The scraped-2025 sample plus one hostile article and one alert, with the demo watchlist."""
    root = tmp_path_factory.mktemp("web")
    settings = settings_from_toml(DEMO_DIR / "gaung.toml")
    settings.home = root / "home"
    settings.database_url = f"sqlite:///{root / 'gaung.db'}"
    settings.config_path = root / "gaung.toml"
    settings.config_path.write_text((DEMO_DIR / "gaung.toml").read_text(encoding="utf-8"), encoding="utf-8")
    ws = Workspace(settings)
    ws.import_path(FIXTURES / "archive" / "scraped_2025_sample.csv")
    hostile = root / "hostile.jsonl"
    hostile.write_text(
        json.dumps(
            {
                "url": "https://contoh.example/hostile",
                "title": f"Banjir rob {HOSTILE}",
                "source": "contoh.example",
                "text": f"Banjir rob melanda pesisir Jakarta Utara. {HOSTILE} Warga mengungsi ke masjid.",
                "date": "2025-06-18 10:00",
            }
        ),
        encoding="utf-8",
    )
    assert ws.import_path(hostile).new == 1
    with transaction(ws.engine) as conn:
        # ingest strips markup, but the pages must not rely on that: store the payload verbatim
        conn.execute(
            sa.update(mentions)
            .where(mentions.c.canonical_url.contains("contoh.example/hostile"))
            .values(
                title=f"Banjir rob {HOSTILE}",
                text=f"Banjir rob melanda pesisir Jakarta Utara. {HOSTILE} Warga mengungsi ke masjid.",
            )
        )
        for role in ROLES:
            add_user(conn, role, PASSWORD, role)
        end = datetime(2025, 6, 18, 12, 0)
        conn.execute(
            alerts.insert().values(
                rule="lonjakan-uji",
                kind="volume",
                target="pemprov-dki",
                fired_at=end,
                window_start=end - timedelta(hours=6),
                window_end=end,
                observed=9,
                expected=2.0,
                p_value=0.001,
                reason_id="Pemberitaan 'pemprov-dki' melonjak: 9 dalam 6 jam",
                reason_en="Mentions of 'pemprov-dki' spiked: 9 in 6 hours",
                status="open",
            )
        )
    yield ws
    ws.engine.dispose()


@pytest.fixture(scope="session")
def web_app(web_ws: Workspace) -> object:
    return create_app(web_ws)


@pytest.fixture(scope="session")
def clients(web_app: object) -> Iterator[dict[str, TestClient]]:
    made = {role: login(TestClient(web_app), role) for role in ROLES}  # type: ignore[arg-type]
    yield made
    for client in made.values():
        client.close()


@pytest.fixture(scope="session")
def viewer(clients: dict[str, TestClient]) -> TestClient:
    return clients["viewer"]


@pytest.fixture(scope="session")
def analyst(clients: dict[str, TestClient]) -> TestClient:
    return clients["analyst"]


@pytest.fixture(scope="session")
def admin(clients: dict[str, TestClient]) -> TestClient:
    return clients["admin"]
