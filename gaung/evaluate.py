"""`make eval`: every quality number, measured on data that no training step ever saw.

Sections: extraction (token F1 vs bare trafilatura, same run; date accuracy), syndication (precision /
recall on the held-out half of the pair set), sentiment and tone (validation splits; tone by
cross-validation), entities (entity-level F1 on NERGrit valid and idner-news-2k dev), quotes (precision /
recall on the hand-labelled test half), issues (BCubed F1 and ARI on the held-out half, with baselines),
summaries (ROUGE-1/2/L F1 of TextRank vs lead-3 on IndoSum folds the tuning never saw).
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


def summaries(table: Table) -> None:
    from gaung.analyze.summarize_eval import (
        evaluate_sentence_splitting,
        evaluate_summaries,
        multi_document_check,
    )

    report = evaluate_summaries("report")
    note = f"IndoSum dev folds 03-05, {report['n']} articles (tuned on folds 01-02 only)"
    systems = (
        ("TextRank", "textrank"),
        ("lead-3", "lead3"),
        ("lead-3, IndoSum's sentences", "lead3_indosum_sentences"),
    )
    for label, name in systems:
        for kind in ("rouge1", "rouge2", "rougeL"):
            first = name == "textrank" and kind == "rouge1"
            target = report["lead3"][kind] if name == "textrank" else None  # target: ≥ lead-3, same run
            _row(table, f"summary {kind} F1 — {label}", report[name][kind], target, note if first else "")
    news = report["by_category"]["tajuk utama"]
    for label, name in systems[:2]:
        _row(
            table,
            f"summary rouge1 F1 — {label}, tajuk utama",
            news[name]["rouge1"],
            news["lead3"]["rouge1"] if name == "textrank" else None,
            f"{news['n']} news articles",
        )
    splitting = evaluate_sentence_splitting("report")
    _row(
        table,
        "sentence boundaries agreeing with IndoSum",
        splitting["f1"],
        None,
        "F1; quotes are kept whole on purpose",
    )
    check = multi_document_check()
    _row(
        table,
        "syndicated groups with a repeated sentence",
        float(check["with_repeated_sentence"]),
        None,
        f"of {check['groups']} groups of 3 copies; must be 0",
    )


SECTIONS: list[tuple[str, Callable[[Table], None]]] = [
    ("extraction", extraction),
    ("syndication", syndication),
    ("sentiment and tone", language_models),
    ("entities and quotes", entities),
    ("issues", issues),
    ("summaries", summaries),
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
