"""The `gaung` command as a user runs it (a real subprocess for the entry point, CliRunner for the rest)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaung.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("GAUNG_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GAUNG_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_extract_json_has_the_documented_fields(env: Path) -> None:
    page = FIXTURES / "id_news_html" / "anpandu" / "detik" / "detik-singlepage.html"
    result = runner.invoke(app, ["extract", str(page), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"url", "title", "text", "published_at", "author", "site", "language"}
    assert data["title"] == "Google Umbar Kelemahan Galaxy S6 Edge"
    assert data["published_at"].endswith("+07:00") or data["published_at"].endswith("+00:00")
    assert data["language"] == "id" and "\n" in data["text"]


def test_sources_add_list_remove(env: Path) -> None:
    assert (
        runner.invoke(
            app, ["sources", "add", "antara", "https://www.antaranews.com/rss/terkini.xml"]
        ).exit_code
        == 0
    )
    assert (
        runner.invoke(
            app, ["sources", "add", "arsip", str(FIXTURES / "archive"), "--kind", "archive"]
        ).exit_code
        == 0
    )
    listed = runner.invoke(app, ["sources", "list", "--json"])
    rows = {r["name"]: r for r in json.loads(listed.stdout)}
    assert rows["antara"]["status"] == "never" and rows["antara"]["kind"] == "feed"
    assert runner.invoke(app, ["sources", "pause", "antara"]).exit_code == 0
    rows = {r["name"]: r for r in json.loads(runner.invoke(app, ["sources", "list", "--json"]).stdout)}
    assert rows["antara"]["status"] == "paused"
    assert runner.invoke(app, ["sources", "remove", "antara"]).exit_code == 0
    rows = json.loads(runner.invoke(app, ["sources", "list", "--json"]).stdout)
    assert [r["name"] for r in rows] == ["arsip"]


def test_import_twice_then_search(env: Path) -> None:
    sample = FIXTURES / "archive" / "scraped_2025_sample.csv"
    first = runner.invoke(app, ["import", str(sample)])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["import", str(sample)])
    assert "40" in second.stdout  # 40 duplicates reported, nothing new
    found = runner.invoke(app, ["search", "Prabowo OR Jakarta", "--json", "-n", "5"])
    assert found.exit_code == 0, found.output
    page = json.loads(found.stdout)
    assert page["total"] >= 1 and len(page["hits"]) <= 5


def test_errors_are_one_friendly_line(env: Path) -> None:
    """The real entry point: a malformed query or an unknown source exits 1 without a traceback."""
    for args, needle in (
        (["search", "banjir AND"], "at character"),
        (["sources", "remove", "tidak-ada"], "no source named"),
        (["import", str(env / "missing.csv")], "no such file"),
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "gaung.cli", *args], capture_output=True, text=True, cwd=env, timeout=120
        )
        assert proc.returncode == 1, (args, proc.stdout, proc.stderr)
        assert needle in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_init_writes_a_starter_config(env: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    text = (env / "gaung.toml").read_text(encoding="utf-8")
    assert "[fetch]" in text and "allow_private = false" in text
    assert runner.invoke(app, ["init"]).exit_code != 0  # never overwrites silently
