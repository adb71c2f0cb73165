"""`gaung analyze --jsonl` end to end, including the bad input the issue lists."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from gaung.analyze.pipeline import Analyzer, analyze_jsonl
from gaung.config import settings_from_dict
from gaung.errors import ConfigError

WATCHLIST = {
    "watchlist": [
        {"id": "helmi", "name": "Helmi Hasan", "type": "PERSON", "aliases": ["Wali Kota Helmi", "Pak Wali"]},
        {
            "id": "diskominfo",
            "name": "Dinas Komunikasi dan Informatika",
            "type": "ORGANIZATION",
            "aliases": ["Diskominfo"],
        },
    ]
}
LONG = ("Pemerintah kota memperbaiki jalan rusak di kawasan pasar. " * 20000)[:1_000_000]
ITEMS = [
    {
        "id": "a",
        "title": "Wali Kota Helmi resmikan jalan baru",
        "text": '"Jalan ini untuk kelancaran ekonomi warga," tegas Wali Kota Helmi di Bengkulu, Senin.\n'
        "Diskominfo mencatat warga menyambut baik pembangunan itu.",
    },
    {"id": "b", "title": "", "text": ""},
    {"id": "c", "title": "Long", "text": LONG},
    {"id": "d", "title": "Weather", "text": "The weather in London was mild and cloudy all week."},
    {"id": "e", "title": "Mojibake", "text": "â€œKami siap,â€\x9d kata Budi. <p>Warga <b>senang</b></p>"},
    {"id": "f", "title": "", "text": "😀😀😀🔥🔥"},
]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(settings_from_dict(WATCHLIST), progress=False)


def run(analyzer: Analyzer, lines: list[str]) -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    analyze_jsonl(lines, out, err, analyzer)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_every_line_gets_the_documented_shape(analyzer: Analyzer) -> None:
    lines = [json.dumps(item) for item in ITEMS[:2]] + ["{not json"] + [json.dumps(i) for i in ITEMS[2:]]
    results, errors = run(analyzer, lines)
    assert [r["id"] for r in results] == ["a", "b", "c", "d", "e", "f"]
    assert "line 3: invalid JSON" in errors
    for result in results:
        assert set(result) == {
            "id",
            "language",
            "sentiment",
            "sentiment_scores",
            "tone",
            "tone_scores",
            "tone_reason",
            "entities",
            "quotes",
        }
        for key in ("sentiment_scores", "tone_scores"):
            assert set(result[key]) == {"positive", "neutral", "negative"}
            assert abs(sum(result[key].values()) - 1) < 1e-6
        assert result["tone"] in {"positive", "neutral", "negative"}
        assert isinstance(result["tone_reason"], list)


def test_watchlist_entities_and_attributed_quote(analyzer: Analyzer) -> None:
    result = run(analyzer, [json.dumps(ITEMS[0])])[0][0]
    text = ITEMS[0]["text"]
    watched = {e["watch_id"] for e in result["entities"] if e["watch_id"]}
    assert watched == {"helmi", "diskominfo"}
    for entity in result["entities"]:
        assert text[entity["start"] : entity["end"]] == entity["text"]
        assert entity["type"] in {"PERSON", "ORGANIZATION", "PLACE", "PROGRAM"}
    assert result["quotes"] and result["quotes"][0]["verb"] == "tegas"
    assert "Helmi" in result["quotes"][0]["speaker"]
    assert result["language"] == "id"


def test_bad_inputs_are_handled(analyzer: Analyzer) -> None:
    results = {r["id"]: r for r in run(analyzer, [json.dumps(i) for i in ITEMS[1:]])[0]}
    assert results["b"]["entities"] == [] and results["b"]["quotes"] == []
    assert results["d"]["language"] == "en"
    assert results["e"]["quotes"] and "Kami siap" in results["e"]["quotes"][0]["text"]
    assert results["f"]["language"] in {"und", "other", "id"}


def test_bad_watchlist_entry_fails_at_start_naming_it() -> None:
    bad = {"watchlist": [{"id": "pak", "name": "Pak", "type": "PERSON"}]}
    with pytest.raises(ConfigError, match="pak"):
        Analyzer(settings_from_dict(bad), progress=False)


def test_cli_reports_line_numbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from gaung.cli import app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GAUNG_HOME", str(tmp_path))
    stdin = json.dumps(ITEMS[0]) + "\n[1,2]\n"
    result = CliRunner().invoke(app, ["analyze", "--jsonl"], input=stdin)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["id"] == "a"
    assert "line 2" in result.stderr
