"""`gaung demo --no-serve` on part of the bundled archive (the full load is measured by hand, not here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from gaung import demo
from gaung.store.schema import mentions


def test_demo_loads_bundled_files_idempotently(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAUNG_HOME", str(tmp_path))
    monkeypatch.delenv("GAUNG_DATABASE_URL", raising=False)
    monkeypatch.setattr(demo, "ARCHIVES", ("berita_kompas.csv.gz",))
    monkeypatch.setattr(demo, "INDOSUM_ARTICLES", 20)
    ws = demo.load_demo()
    with ws.engine.connect() as conn:
        first = conn.execute(select(func.count()).select_from(mentions)).scalar_one()
        feeds = conn.execute(
            select(func.count()).where(mentions.c.extractor_version == "feed-1")
        ).scalar_one()
    assert first >= 50 + 20 + 90  # 50 kompas rows, 20 IndoSum headline stories and the three publisher feeds
    assert feeds >= 90
    assert ws.settings.watchlist and ws.settings.organisation.startswith("Diskominfotik")
    again = demo.load_demo()
    with again.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(mentions)).scalar_one() == first
    page = ws.search("Jakarta")
    assert page.total > 0
    password = (tmp_path / "demo-login.txt").read_text(encoding="utf-8").split()[-1]
    from gaung.store.users import authenticate

    with ws.engine.connect() as conn:
        assert authenticate(conn, "admin", password) is not None  # the printed login works
        assert authenticate(conn, "analis", password).role == "analyst"
