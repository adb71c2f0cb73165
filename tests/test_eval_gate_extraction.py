"""Extraction gate: our pipeline must beat bare trafilatura on the saved pages and leave no inserts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gaung.extract.cleanup import find_insert_lines
from gaung.extract.eval import evaluate_extraction, format_report

FIXTURES = Path(__file__).parent / "fixtures" / "id_news_html"

# Measured 2025 with trafilatura 2.3.1 on the 9 anpandu pages with expected text:
# gaung 0.932, bare trafilatura.extract 0.729. The floor leaves room for library noise, not regressions.
GAUNG_F1_FLOOR = 0.92
# Measured: 10 of 12 dated pages exact to the minute (detik photo page and English Tempo miss the time),
# 12 of 12 on the right day.
DATE_EXACT_FLOOR = 0.83
DATE_DAY_FLOOR = 1.0


@pytest.fixture(scope="module")
def result() -> dict[str, Any]:
    return evaluate_extraction(FIXTURES)


def test_report_prints(result: dict[str, Any]) -> None:
    report = format_report(result)
    print(report)
    assert "mean token F1" in report


def test_every_article_page_extracts(result: dict[str, Any]) -> None:
    assert result["errors"] == []
    assert result["scored_pages"] == 9


def test_ours_beats_trafilatura(result: dict[str, Any]) -> None:
    assert result["gaung_f1"] >= result["trafilatura_f1"]
    assert result["gaung_f1"] >= GAUNG_F1_FLOOR


def test_no_leftover_inserts(result: dict[str, Any]) -> None:
    leftovers = {
        row["file"]: row["leftover_inserts"] for row in result["pages"] if row.get("leftover_inserts")
    }
    assert leftovers == {}
    modern = [row for row in result["pages"] if row["file"].startswith("htmldate/")]
    assert len(modern) == 3 and all("leftover_inserts" in row for row in modern)


def test_published_at(result: dict[str, Any]) -> None:
    assert result["dated_pages"] == 12
    assert result["date_accuracy"] >= DATE_EXACT_FLOOR
    assert result["day_accuracy"] >= DATE_DAY_FLOOR


def test_insert_check_is_not_vacuous() -> None:
    assert find_insert_lines("Kalimat asli.\nADVERTISEMENT\nBaca juga: Judul Lain") == [
        "ADVERTISEMENT",
        "Baca juga: Judul Lain",
    ]
