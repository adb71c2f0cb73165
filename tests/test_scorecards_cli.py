"""`gaung scorecards` and `gaung kinerja …` as a user runs them, over the seeded test office."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from kinerjahelpers import Office, seed_office
from typer.testing import CliRunner

from gaung.cli import app, main
from gaung.store.db import open_engine

runner = CliRunner()


@pytest.fixture
def office(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Office:
    monkeypatch.setenv("GAUNG_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GAUNG_DATABASE_URL", raising=False)
    monkeypatch.delenv("GAUNG_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "home").mkdir()
    engine = open_engine(f"sqlite:///{(tmp_path / 'home' / 'gaung.db').resolve()}")
    seeded = seed_office(engine)
    engine.dispose()
    return seeded


def test_scorecards_json_has_exactly_the_documented_shape(office: Office) -> None:
    result = runner.invoke(
        app, ["kinerja", "review", "Budi", "--period", "2025-06", "--perilaku", "sesuai", "--by", "kabid"]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["scorecards", "--period", "2025-06", "--json"])
    assert result.exit_code == 0, result.output
    cards = json.loads(result.stdout)
    assert [c["person"] for c in cards] == ["Budi", "Joko", "Kabid", "Rina", "Sari"]
    for card in cards:
        assert set(card) == {
            "person",
            "period",
            "indicators",
            "rating_hasil_kerja",
            "rating_perilaku",
            "predikat",
        }
        assert card["period"] == "2025-06"
        assert [i["name"] for i in card["indicators"]] == [
            "posts_published",
            "total_reach",
            "median_engagement_rate",
            "negative_answered_within",
            "assignments_on_time",
        ]
        for indicator in card["indicators"]:
            assert set(indicator) == {"name", "target", "realisation", "capaian"}
        assert card["rating_hasil_kerja"] in ("di atas", "sesuai", "di bawah", None)
        assert card["rating_perilaku"] in ("di atas", "sesuai", "di bawah", None)
    budi = cards[0]
    assert budi["rating_hasil_kerja"] == "di bawah" and budi["rating_perilaku"] == "sesuai"
    assert budi["predikat"] == "Butuh Perbaikan"
    assert budi["indicators"][1]["realisation"] == pytest.approx(1000 * 0.4 / 0.7 + 2500, abs=0.01)
    rina = cards[3]
    assert rina["indicators"][2] == {
        "name": "median_engagement_rate",
        "target": 3.0,
        "realisation": None,
        "capaian": None,
    }
    assert rina["predikat"] is None
    # a period with nothing in it: every number null, not 0
    empty = json.loads(runner.invoke(app, ["scorecards", "--period", "2024", "--json"]).stdout)
    assert all(i["realisation"] is None for card in empty for i in card["indicators"])


def test_table_target_and_refusals(
    office: Office, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = runner.invoke(app, ["scorecards", "--period", "2025-Q2"])
    assert result.exit_code == 0, result.output
    assert "Kinerja 2025-Q2" in result.stdout and "Budi" in result.stdout
    result = runner.invoke(
        app, ["kinerja", "target", "Budi", "total_reach", "3000", "--period", "2025-06", "--by", "kabid"]
    )
    assert result.exit_code == 0, result.output
    shown = runner.invoke(app, ["kinerja", "show", "budi", "--period", "2025-06"])
    assert shown.exit_code == 0, shown.output
    assert f"/content/posts/{office.posts['P2']}" in shown.stdout
    assert f"/assignments/{office.assignments['A2']}" in shown.stdout
    # refused: rating oneself, a bad period, a bad rating; the friendly one-line error of `main()`
    for argv, words in (
        (
            ["kinerja", "review", "Budi", "--period", "2025-06", "--perilaku", "sesuai", "--by", "budi"],
            "own review",
        ),
        (["scorecards", "--period", "2025-13"], "month 13"),
        (
            ["kinerja", "review", "Budi", "--period", "2025-06", "--perilaku", "hebat", "--by", "kabid"],
            "not one of",
        ),
        (
            ["kinerja", "target", "Budi", "total_reach", "banyak", "--period", "2025-06", "--by", "kabid"],
            "not a number",
        ),
    ):
        monkeypatch.setattr(sys, "argv", ["gaung", *argv])
        with pytest.raises(SystemExit) as exit_info:
            main()
        assert exit_info.value.code == 1
        assert words in " ".join(capsys.readouterr().err.split())
