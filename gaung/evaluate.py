"""`make eval`: every quality number, measured on data that no training step ever saw.

Sections: extraction (token F1 vs bare trafilatura, same run; date accuracy), syndication (precision /
recall on the held-out half of the pair set), sentiment and tone (validation splits; tone by
cross-validation), entities (entity-level F1 on NERGrit valid and idner-news-2k dev), quotes (precision /
recall on the hand-labelled test half), issues (BCubed F1 and ARI on the held-out half, with baselines).
Each line shows the target from the issue tracker and whether it is met. The same floors are pinned in
tests/test_eval_gate_*.py so a regression fails CI.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "id_news_html"


def _row(table: Table, name: str, value: float, target: float | None, note: str = "") -> None:
    verdict = "" if target is None else ("[green]met[/green]" if value >= target else "[red]not met[/red]")
    table.add_row(name, f"{value:.3f}", "" if target is None else f"≥ {target:.2f}", verdict, note)


def extraction(table: Table) -> None:
    from gaung.extract.eval import evaluate_extraction

    result = evaluate_extraction(FIXTURES)
    ours, theirs = result["gaung_f1"], result["trafilatura_f1"]
    _row(
        table,
        "extraction token F1 (gaung)",
        ours,
        theirs,
        f"{result['scored_pages']} real pages; target: ≥ trafilatura",
    )
    _row(table, "extraction token F1 (bare trafilatura)", theirs, None, "baseline, same run")
    _row(table, "leftover insert lines", float(result["leftover_inserts"]), None, "must be 0")
    _row(
        table,
        "published_at exact to the minute",
        result["date_accuracy"],
        None,
        f"{result['dated_pages']} pages",
    )
    _row(table, "published_at right day", result["day_accuracy"], None)


def syndication(table: Table) -> None:
    from gaung.analyze.dedup_eval import evaluate_dedup

    overall = evaluate_dedup()["overall"]
    _row(table, "syndication precision", overall["precision"], None, f"{overall['n']} held-out pairs")
    _row(table, "syndication recall", overall["recall"], None)


def language_models(table: Table) -> None:
    from gaung.analyze.modelstore import ensure_models
    from gaung.analyze.training import evaluate_models

    metrics = evaluate_models(ensure_models(progress=True))
    targets = {"sentiment/smsa_valid": 0.87, "sentiment/cnbc_heldout": 0.80, "tone/gov_tone_cv": 0.70}
    for name, value in metrics.items():
        _row(table, f"{name} macro-F1", value, targets.get(name))


def entities(table: Table) -> None:
    from gaung.analyze.ner import evaluate_ner, load_ner
    from gaung.analyze.quotes import evaluate_quotes

    model = load_ner(build_if_missing=True)
    for corpus, target in (("nergrit", 0.70), ("idner", 0.75)):
        _row(table, f"NER entity F1 ({corpus} dev)", evaluate_ner(model, corpus).f1, target)
    quotes = evaluate_quotes(split="test", ner_model=model)
    _row(table, "quotes precision", quotes.precision, None, f"{quotes.gold} hand-labelled quotes (test half)")
    _row(table, "quotes recall", quotes.recall, None)


def issues(table: Table) -> None:
    from gaung.analyze.issues_eval import evaluate_issues

    report = evaluate_issues()
    note = f"held-out half: {report['n']} articles, {report['gold_issues']} gold issues"
    for name in ("clusterer", "singleton_baseline", "all_in_one_baseline"):
        scores = report[name]
        _row(
            table,
            f"issues BCubed F1 — {name}",
            scores["bcubed_f1"],
            None,
            note if name == "clusterer" else "",
        )
        _row(table, f"issues ARI — {name}", scores["ari"], None)


SECTIONS: list[tuple[str, Callable[[Table], None]]] = [
    ("extraction", extraction),
    ("syndication", syndication),
    ("sentiment and tone", language_models),
    ("entities and quotes", entities),
    ("issues", issues),
]


def main() -> None:
    console = Console(width=max(Console().width, 120))
    table = Table(title="Gaung — quality on unseen data", show_lines=False)
    for column in ("measure", "value", "target", "", "note"):
        table.add_column(column)
    results: dict[str, Any] = {}
    for name, section in SECTIONS:
        started = time.perf_counter()
        section(table)
        results[name] = time.perf_counter() - started
        table.add_section()
    console.print(table)
    console.print("seconds per section: " + ", ".join(f"{k} {v:.0f}" for k, v in results.items()))


if __name__ == "__main__":
    main()
