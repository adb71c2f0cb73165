"""Extraction quality on the saved pages: token F1 of bare trafilatura vs ours, leftover inserts, dates.

Used by `make eval` and by the gate test (tests/test_eval_gate_extraction.py). The score follows
trafilatura's benchmark: precision/recall over the bag of lowercase word tokens of the output against the
expected text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import trafilatura

from gaung.errors import ExtractionError
from gaung.extract.article import decode_html, extract_article
from gaung.extract.cleanup import find_insert_lines

TOKEN_RE = re.compile(r"\w+", re.UNICODE)


def token_f1(predicted: str, expected: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of the bag of lowercase word tokens."""
    predicted_tokens = Counter(TOKEN_RE.findall(predicted.lower()))
    expected_tokens = Counter(TOKEN_RE.findall(expected.lower()))
    overlap = sum((predicted_tokens & expected_tokens).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision = overlap / sum(predicted_tokens.values())
    recall = overlap / sum(expected_tokens.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def _expected_date(entry: dict[str, Any]) -> tuple[datetime | date | None, str]:
    """The manifest's publication time (UTC instant) or date (day only), and how precise it is."""
    if entry.get("date_utc"):
        return datetime.fromisoformat(entry["date_utc"]), "minute"
    if entry.get("expected_publication_date"):
        return date.fromisoformat(entry["expected_publication_date"]), "day"
    return None, "none"


def _date_matches(found: datetime | None, expected: datetime | date | None, precision: str) -> bool:
    if found is None or expected is None:
        return False
    if precision == "minute" and isinstance(expected, datetime):
        return abs(found.astimezone(UTC) - expected) < timedelta(minutes=1)
    return found.date() == expected


def evaluate_extraction(fixtures_dir: str | Path) -> dict[str, Any]:
    """Score every article page of `fixtures_dir/manifest.json`; both extractors run in the same pass."""
    fixtures = Path(fixtures_dir)
    manifest = json.loads((fixtures / "manifest.json").read_text(encoding="utf-8"))
    rows: list[dict[str, Any]] = []
    for entry in manifest:
        if entry.get("page_type") != "article":
            continue
        content = (fixtures / entry["file"]).read_bytes()
        row: dict[str, Any] = {"file": entry["file"], "error": None}
        try:
            article = extract_article(content, entry.get("url"))
        except ExtractionError as error:
            row["error"] = str(error)
            rows.append(row)
            continue
        row["leftover_inserts"] = find_insert_lines(article.text)
        expected_date, precision = _expected_date(entry)
        if expected_date is not None:
            row["published_at"] = article.published_at.isoformat() if article.published_at else None
            row["expected_date"] = expected_date.isoformat()
            row["date_precision"] = precision
            row["date_ok"] = _date_matches(article.published_at, expected_date, precision)
            row["day_ok"] = article.published_at is not None and (
                (
                    expected_date.astimezone(article.published_at.tzinfo).date()
                    if isinstance(expected_date, datetime)
                    else expected_date
                )
                == article.published_at.date()
            )
        if entry.get("expected_text"):
            baseline = trafilatura.extract(decode_html(content)) or ""
            row["trafilatura_f1"] = token_f1(baseline, entry["expected_text"])[2]
            row["gaung_precision"], row["gaung_recall"], row["gaung_f1"] = token_f1(
                article.text, entry["expected_text"]
            )
        rows.append(row)
    scored = [row for row in rows if "gaung_f1" in row]
    dated = [row for row in rows if "date_ok" in row]

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    return {
        "pages": rows,
        "scored_pages": len(scored),
        "trafilatura_f1": mean([row["trafilatura_f1"] for row in scored]),
        "gaung_f1": mean([row["gaung_f1"] for row in scored]),
        "dated_pages": len(dated),
        "date_accuracy": mean([1.0 if row["date_ok"] else 0.0 for row in dated]),
        "day_accuracy": mean([1.0 if row["day_ok"] else 0.0 for row in dated]),
        "leftover_inserts": sum(len(row.get("leftover_inserts", [])) for row in rows),
        "errors": [row for row in rows if row["error"]],
    }


def format_report(result: dict[str, Any]) -> str:
    """A plain-text table of `evaluate_extraction()`'s result, for `make eval`."""
    lines = [f"{'page':50} {'trafilatura':>11} {'gaung':>7} {'date':>6} inserts"]
    for row in result["pages"]:
        if row["error"]:
            lines.append(f"{row['file']:50} ERROR {row['error']}")
            continue
        base = f"{row['trafilatura_f1']:.3f}" if "trafilatura_f1" in row else "-"
        ours = f"{row['gaung_f1']:.3f}" if "gaung_f1" in row else "-"
        dated = {True: "ok", False: "MISS"}.get(row.get("date_ok"), "-") if "date_ok" in row else "-"
        lines.append(f"{row['file']:50} {base:>11} {ours:>7} {dated:>6} {len(row['leftover_inserts'])}")
    lines.append(
        f"mean token F1 over {result['scored_pages']} pages: trafilatura {result['trafilatura_f1']:.3f}, "
        f"gaung {result['gaung_f1']:.3f}"
    )
    lines.append(
        f"published_at over {result['dated_pages']} pages: exact {result['date_accuracy']:.2%}, "
        f"right day {result['day_accuracy']:.2%}; leftover insert lines: {result['leftover_inserts']}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    import sys

    print(
        format_report(
            evaluate_extraction(sys.argv[1] if len(sys.argv) > 1 else "tests/fixtures/id_news_html")
        )
    )
