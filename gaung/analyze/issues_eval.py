"""Evaluation of issue clustering on the hand-labelled set (`gaung/data/eval/issues_labelled.jsonl`).

The set (334 articles from the scraped June-2025 corpus, 28 multi-article issues and 57 singletons; how
it was built is in `gaung/data/eval/ISSUES.md`) is split by a stable hash of the *issue* label, so the
calibration half and the held-out half share no event: thresholds in `gaung.analyze.issues` were chosen
on the calibration half (`calibrate`), and `evaluate_issues` reports the held-out half. Each half is
replayed as its own stream in publication order, exactly as the monitor would see it.

Two external metrics, because each flatters something: BCubed F1 is high for "every article alone" on a
news day full of singletons, ARI (sklearn's adjusted_rand_score) is ~0 for both trivial baselines.

Run it: ``python -m gaung.analyze.issues_eval [--calibrate]``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sklearn.metrics import adjusted_rand_score

from gaung.analyze.issues import SIM_THRESHOLD, WINDOW_DAYS, IssueClusterer

__all__ = [
    "LabelledItem",
    "bcubed",
    "calibrate",
    "default_labelled_path",
    "evaluate_issues",
    "format_report",
    "load_labelled",
    "split_of",
]


@dataclass(frozen=True, slots=True)
class LabelledItem:
    """One labelled article; `issue` is the gold label (singletons are "single-<id>")."""

    id: str
    issue: str
    title: str
    text: str
    published_at: datetime
    source: str


def default_labelled_path() -> Path:
    """Where the shipped labelled set lives."""
    # Relative to this file, not importlib.resources: under pytest "gaung" can resolve as a namespace
    # package spanning several directories, which resources.files() refuses to join paths on.
    return Path(__file__).resolve().parents[1] / "data" / "eval" / "issues_labelled.jsonl"


def load_labelled(path: Path | None = None) -> list[LabelledItem]:
    """Read the labelled set, sorted by publication time (the order the monitor would see it)."""
    items = []
    with (path or default_labelled_path()).open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            items.append(
                LabelledItem(
                    id=row["id"],
                    issue=row["issue"],
                    title=row["title"],
                    text=row["text"],
                    published_at=datetime.fromisoformat(row["published_at"]),
                    source=row["source"],
                )
            )
    return sorted(items, key=lambda item: (item.published_at, item.id))


def split_of(item: LabelledItem) -> str:
    """ "calibration" or "heldout", by a stable hash of the gold issue so no event straddles the halves."""
    digest = hashlib.sha1(item.issue.encode("utf-8")).digest()
    return "heldout" if digest[0] % 2 else "calibration"


def bcubed(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """BCubed precision, recall and F1 (Amigó et al. 2009), averaged over items."""
    by_gold: dict[str, set[int]] = defaultdict(set)
    by_pred: dict[str, set[int]] = defaultdict(set)
    for index, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        by_gold[g].add(index)
        by_pred[p].add(index)
    precision = recall = 0.0
    for g, p in zip(gold, predicted, strict=True):
        overlap = len(by_gold[g] & by_pred[p])
        precision += overlap / len(by_pred[p])
        recall += overlap / len(by_gold[g])
    n = len(gold)
    precision, recall = (precision / n, recall / n) if n else (0.0, 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _scores(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    scores = bcubed(gold, predicted)
    return {
        "bcubed_precision": scores["precision"],
        "bcubed_recall": scores["recall"],
        "bcubed_f1": scores["f1"],
        "ari": float(adjusted_rand_score(list(gold), list(predicted))),
    }


def _cluster(items: Sequence[LabelledItem], threshold: float, window_days: float) -> list[str]:
    clusterer = IssueClusterer(threshold=threshold, window_days=window_days)
    return [
        clusterer.add(item.id, item.title, item.text, item.published_at, item.source)[0] for item in items
    ]


def _evaluate_part(items: Sequence[LabelledItem], threshold: float, window_days: float) -> dict[str, Any]:
    gold = [item.issue for item in items]
    predicted = _cluster(items, threshold, window_days)
    return {
        "n": len(items),
        "gold_issues": len(set(gold)),
        "predicted_issues": len(set(predicted)),
        "clusterer": _scores(gold, predicted),
        "singleton_baseline": _scores(gold, [item.id for item in items]),
        "all_in_one_baseline": _scores(gold, ["all"] * len(items)),
    }


def evaluate_issues(
    path: Path | None = None,
    *,
    split: str = "heldout",
    threshold: float = SIM_THRESHOLD,
    window_days: float = WINDOW_DAYS,
) -> dict[str, Any]:
    """Cluster one half of the labelled set as a stream and score it against the gold issues."""
    items = [item for item in load_labelled(path) if split == "all" or split_of(item) == split]
    report = _evaluate_part(items, threshold, window_days)
    report.update({"split": split, "threshold": threshold, "window_days": window_days})
    return report


def calibrate(
    path: Path | None = None,
    thresholds: Sequence[float] = (0.04, 0.06, 0.07, 0.08, 0.10, 0.12, 0.14, 0.18, 0.22, 0.30),
    windows: Sequence[float] = (2.0, 3.0, 7.0),
) -> list[dict[str, Any]]:
    """Sweep threshold x window on the calibration half only; returns one row per setting."""
    items = [item for item in load_labelled(path) if split_of(item) == "calibration"]
    rows = []
    for window in windows:
        for threshold in thresholds:
            scores = _evaluate_part(items, threshold, window)["clusterer"]
            rows.append({"threshold": threshold, "window_days": window, **scores})
    return rows


def format_report(report: dict[str, Any]) -> str:
    """A small table: the clusterer and both trivial baselines on BCubed P/R/F1 and ARI."""
    lines = [
        f"issues on the {report['split']} split: {report['n']} articles, "
        f"{report['gold_issues']} gold issues, "
        f"{report['predicted_issues']} predicted (threshold {report['threshold']}, "
        f"window {report['window_days']} days)",
        f"{'':22}{'B3-P':>7}{'B3-R':>7}{'B3-F1':>7}{'ARI':>7}",
    ]
    for name in ("clusterer", "singleton_baseline", "all_in_one_baseline"):
        s = report[name]
        lines.append(
            f"{name:22}{s['bcubed_precision']:7.3f}{s['bcubed_recall']:7.3f}{s['bcubed_f1']:7.3f}{s['ari']:7.3f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the held-out report, or with --calibrate the calibration sweep."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--calibrate" in args:
        for row in calibrate():
            print(
                f"window {row['window_days']:>4} threshold {row['threshold']:.2f}  "
                f"B3-F1 {row['bcubed_f1']:.3f}  ARI {row['ari']:.3f}"
            )
        return 0
    print(format_report(evaluate_issues(split="calibration")))
    print()
    print(format_report(evaluate_issues()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
