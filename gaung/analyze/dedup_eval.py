"""Evaluation of the same-story decision on the labelled pair set (`gaung/data/eval/dedup_pairs.jsonl`).

The pair set is split in two by a stable hash of the pair: thresholds in `gaung.analyze.dedup` were
chosen on the calibration half (`calibrate`), and `evaluate_dedup` reports precision/recall/F1 on the
held-out evaluation half, overall and per kind of pair. `tests/test_eval_gate_dedup.py` pins floors.

Run it: ``python -m gaung.analyze.dedup_eval [pairs.jsonl] [--calibrate]``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gaung.analyze import dedup

__all__ = [
    "NOISE_LINES",
    "PAIR_KINDS",
    "Pair",
    "calibrate",
    "clean_for_dedup",
    "default_pairs_path",
    "evaluate_dedup",
    "format_report",
    "load_pairs",
    "pair_split",
]

PAIR_KINDS = ("same_url_recrawl", "cross_url_copy", "hard_negative", "random_negative")
# Lines the scraped corpus carries mid-text that are not part of the article.
NOISE_LINES = frozenset({"Baca Juga", "ADVERTISEMENT", "Advertisement", "SCROLL TO CONTINUE WITH CONTENT"})


def _fallback_clean(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if line.strip() not in NOISE_LINES)


def _load_cleaner() -> Callable[[str], str]:
    # The real cleanup (gaung.extract.cleanup) is written separately; use it when it is there and
    # imports, so the gate measures what production runs. A broken cleanup must not break the gate.
    try:
        from gaung.extract.cleanup import clean_text  # type: ignore[import-not-found,unused-ignore]
    except Exception:  # any import failure means "not available yet"
        return _fallback_clean
    return clean_text  # type: ignore[no-any-return,unused-ignore]


_cleaner: Callable[[str], str] | None = None


def clean_for_dedup(text: str) -> str:
    """The cleanup applied before fingerprinting: `gaung.extract.cleanup.clean_text` or a minimal fallback."""
    global _cleaner
    if _cleaner is None:
        _cleaner = _load_cleaner()
    return _cleaner(text)


@dataclass(frozen=True)
class Pair:
    """One labelled pair: label 1 means the two texts are copies of the same story."""

    a_url: str
    a_title: str
    a_text: str
    b_url: str
    b_title: str
    b_text: str
    label: int
    kind: str


def default_pairs_path() -> Path:
    """The shipped pair set."""
    # Relative to this file rather than importlib.resources: `gaung` may be a namespace package in an
    # editable install, where resources.files() refuses to build a path.
    return Path(__file__).resolve().parents[1] / "data" / "eval" / "dedup_pairs.jsonl"


def load_pairs(path: str | Path) -> list[Pair]:
    """Read the JSON-lines pair set; raises ValueError naming the line of a malformed record."""
    pairs = []
    with open(path, encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                pairs.append(Pair(**{field: record[field] for field in Pair.__dataclass_fields__}))
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{path}:{line_number}: not a dedup pair record ({error})") from error
    return pairs


def pair_split(pair: Pair) -> str:
    """ "calibration" or "evaluation", from a hash of the two URLs (stable across runs and file order)."""
    digest = hashlib.sha256(f"{pair.a_url}\n{pair.b_url}".encode()).digest()
    return "calibration" if digest[0] % 2 == 0 else "evaluation"


@dataclass(frozen=True)
class _Scored:
    pair: Pair
    jaccard: float
    title_similarity: float
    a: dedup.StoryFingerprint
    b: dedup.StoryFingerprint


def _score(pairs: list[Pair]) -> Iterator[_Scored]:
    a_texts = [clean_for_dedup(pair.a_text) for pair in pairs]
    b_texts = [clean_for_dedup(pair.b_text) for pair in pairs]
    for pair, a_text, b_text in zip(pairs, a_texts, b_texts, strict=True):
        a = dedup.fingerprint(pair.a_title, a_text)
        b = dedup.fingerprint(pair.b_title, b_text)
        yield _Scored(
            pair,
            a.signature.jaccard(b.signature),
            dedup.title_similarity(pair.a_title, pair.b_title),
            a,
            b,
        )


def _prf(outcomes: Iterable[tuple[int, bool]]) -> dict[str, float | int]:
    tp = fp = fn = tn = 0
    for label, predicted in outcomes:
        if predicted and label:
            tp += 1
        elif predicted:
            fp += 1
        elif label:
            fn += 1
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = (tp + tn) / (tp + fp + fn + tn) if tp + fp + fn + tn else 1.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "accuracy": accuracy,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "n": tp + fp + fn + tn,
    }


def evaluate_dedup(pairs_path: str | Path | None = None, split: str = "evaluation") -> dict[str, Any]:
    """Precision, recall and F1 of `dedup.assign_group` on one half of the pair set, overall and per kind.

    Per-kind entries hold only one class (copies or non-copies), so their precision/recall degenerate:
    read `accuracy` there (recall for positive kinds, 1 - false-positive rate for negative kinds).
    """
    path = Path(pairs_path) if pairs_path is not None else default_pairs_path()
    pairs = [pair for pair in load_pairs(path) if pair_split(pair) == split]
    outcomes: list[tuple[str, int, bool]] = []
    errors: list[dict[str, Any]] = []
    for scored in _score(pairs):
        predicted = dedup.assign_group(scored.a, scored.b, scored.jaccard)
        outcomes.append((scored.pair.kind, scored.pair.label, predicted))
        if predicted != bool(scored.pair.label):
            errors.append(
                {
                    "kind": scored.pair.kind,
                    "label": scored.pair.label,
                    "jaccard": round(scored.jaccard, 3),
                    "title_similarity": round(scored.title_similarity, 3),
                    "a_url": scored.pair.a_url,
                    "b_url": scored.pair.b_url,
                }
            )
    report: dict[str, Any] = {
        "pairs_path": str(path),
        "split": split,
        "overall": _prf((label, predicted) for _, label, predicted in outcomes),
        "per_kind": {
            kind: _prf((label, predicted) for k, label, predicted in outcomes if k == kind)
            for kind in PAIR_KINDS
            if any(k == kind for k, _, _ in outcomes)
        },
        "errors": errors,
        "thresholds": {
            "DUP_JACCARD": dedup.DUP_JACCARD,
            "SHORT_TEXT_WORDS": dedup.SHORT_TEXT_WORDS,
            "SHORT_TITLE_SIMILARITY": dedup.SHORT_TITLE_SIMILARITY,
            "SHINGLE_WORDS": dedup.SHINGLE_WORDS,
            "NUM_PERM": dedup.NUM_PERM,
        },
        "dedup_version": dedup.DEDUP_VERSION,
    }
    return report


def calibrate(pairs_path: str | Path | None = None) -> list[dict[str, float]]:
    """Sweep DUP_JACCARD on the calibration half only; returns P/R/F1 per candidate threshold.

    Only the MinHash threshold is swept (the short-text title threshold is read off the printed
    errors); the chosen value goes into `dedup.DUP_JACCARD` by hand, with its numbers in the comment.
    """
    path = Path(pairs_path) if pairs_path is not None else default_pairs_path()
    pairs = [pair for pair in load_pairs(path) if pair_split(pair) == "calibration"]
    scored = list(_score(pairs))
    rows = []
    for step in range(30, 100, 5):
        threshold = step / 100
        outcomes = []
        for item in scored:
            if item.a.content_hash == item.b.content_hash:
                predicted = True
            elif item.a.word_count == 0 or item.b.word_count == 0:
                predicted = False
            elif item.a.is_short or item.b.is_short:
                predicted = (
                    item.jaccard >= threshold and item.title_similarity >= dedup.SHORT_TITLE_SIMILARITY
                )
            else:
                predicted = item.jaccard >= threshold
            outcomes.append((item.pair.label, predicted))
        result = _prf(outcomes)
        rows.append({"threshold": threshold, **{k: float(v) for k, v in result.items()}})
    return rows


def format_report(report: dict[str, Any] | None = None) -> str:
    """A plain-text table of `evaluate_dedup`'s result (computed on the shipped set when not given)."""
    report = report if report is not None else evaluate_dedup()
    lines = [
        f"dedup evaluation ({report['dedup_version']}) on the {report['split']} half"
        f" of {report['pairs_path']}",
        "thresholds: " + ", ".join(f"{key}={value}" for key, value in report["thresholds"].items()),
        f"{'':18} {'n':>5} {'P':>6} {'R':>6} {'F1':>6} {'acc':>6}",
    ]
    rows = [("overall", report["overall"]), *report["per_kind"].items()]
    for name, metrics in rows:
        lines.append(
            f"{name:18} {metrics['n']:5d} {metrics['precision']:6.3f} {metrics['recall']:6.3f} "
            f"{metrics['f1']:6.3f} {metrics['accuracy']:6.3f}"
        )
    if report["errors"]:
        lines.append(f"errors ({len(report['errors'])}):")
        lines.extend(
            f"  {e['kind']} label={e['label']} J={e['jaccard']} title={e['title_similarity']} "
            f"{e['a_url']} | {e['b_url']}"
            for e in report["errors"]
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the evaluation report, or the calibration sweep with --calibrate."""
    args = sys.argv[1:] if argv is None else argv
    paths = [arg for arg in args if not arg.startswith("--")]
    path = paths[0] if paths else None
    if "--calibrate" in args:
        for row in calibrate(path):
            print(
                f"J>={row['threshold']:.2f}  P={row['precision']:.3f} R={row['recall']:.3f} "
                f"F1={row['f1']:.3f}  fp={row['fp']:.0f} fn={row['fn']:.0f}"
            )
        return 0
    print(format_report(evaluate_dedup(path)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
