"""Evaluation gate: same-story detection on the held-out half of the labelled pair set must not regress.

Floors sit a little under the numbers measured when the thresholds were chosen (dedup-1, evaluation
half of gaung/data/eval/dedup_pairs.jsonl, 370 pairs): P=0.924, R=0.960, F1=0.942; per kind,
same_url_recrawl recall 0.958, cross_url_copy recall 1.000 (5 pairs), hard_negative accuracy 0.962,
random_negative accuracy 1.000. A change to the cleanup, normalisation or thresholds that lowers one
of these fails here; if it is an intended trade-off, re-measure and move the floor with the reason.
"""

from __future__ import annotations

from typing import Any

import pytest

from gaung.analyze.dedup_eval import default_pairs_path, evaluate_dedup, format_report

PRECISION_FLOOR = 0.90  # measured 0.924
RECALL_FLOOR = 0.93  # measured 0.960
F1_FLOOR = 0.92  # measured 0.942
RECRAWL_RECALL_FLOOR = 0.93  # measured 0.958
CROSS_URL_RECALL_FLOOR = 0.80  # measured 1.000 on only 5 pairs: one miss must not fail the gate
HARD_NEGATIVE_ACCURACY_FLOOR = 0.94  # measured 0.962
RANDOM_NEGATIVE_ACCURACY_FLOOR = 0.99  # measured 1.000


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    assert default_pairs_path().exists(), "pair set missing: run scripts/build_dedup_pairs.py"
    return evaluate_dedup()


def test_overall_floors(report: dict[str, Any]) -> None:
    overall = report["overall"]
    assert overall["n"] > 300
    assert overall["precision"] >= PRECISION_FLOOR, format_report(report)
    assert overall["recall"] >= RECALL_FLOOR, format_report(report)
    assert overall["f1"] >= F1_FLOOR, format_report(report)


def test_per_kind_floors(report: dict[str, Any]) -> None:
    kinds = report["per_kind"]
    assert kinds["same_url_recrawl"]["accuracy"] >= RECRAWL_RECALL_FLOOR, format_report(report)
    assert kinds["cross_url_copy"]["accuracy"] >= CROSS_URL_RECALL_FLOOR, format_report(report)
    assert kinds["hard_negative"]["accuracy"] >= HARD_NEGATIVE_ACCURACY_FLOOR, format_report(report)
    assert kinds["random_negative"]["accuracy"] >= RANDOM_NEGATIVE_ACCURACY_FLOOR, format_report(report)


def test_report_formats(report: dict[str, Any]) -> None:
    text = format_report(report)
    assert "overall" in text and "cross_url_copy" in text
