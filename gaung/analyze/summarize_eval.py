"""How good are the issue summaries? ROUGE against IndoSum's gold summaries, TextRank vs lead-3.

Data: `gaung/data/eval/indosum_summaries.jsonl.gz` (built by `scripts/build_summary_eval.py` from the
IndoSum dev folds, CC BY-SA 4.0; see gaung/data/eval/SUMMARIES.md). Nothing is trained, but the
summariser's parameters were tuned, so the articles are split by the dev fold they first appear in:

- **tuning** — folds 01-02: `tune()` sweeps `SummaryOptions` here and only here;
- **report** — folds 03-05 (articles not already in 01-02): the numbers `make eval` and the gate test show.

Scores are ROUGE-1/2/L F1 (the `rouge-score` package, no stemmer: its tokenizer lower-cases and keeps
[a-z0-9] runs, which suits Indonesian), averaged over articles. TextRank and lead-3 read the same raw
text, go through the same cleanup and sentence splitter and return the same number of sentences, so the
comparison isolates the ranking; a second lead-3 takes IndoSum's own sentences instead, so the baseline
is not judged through our splitter. Lead-3 is famously hard to beat on news: the numbers are reported as
measured.

Also here: agreement of `split_sentences` with IndoSum's own sentence boundaries, and a multi-document
check that a summary of syndicated copies never repeats a near-identical sentence.
"""

from __future__ import annotations

import gzip
import itertools
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from gaung.analyze.summarize import (
    DEFAULT_OPTIONS,
    SummaryOptions,
    lead,
    split_sentences,
    strip_dateline,
    summarize,
)

__all__ = [
    "DATA_PATH",
    "REPORT_FOLDS",
    "TUNING_FOLDS",
    "article_text",
    "evaluate_sentence_splitting",
    "evaluate_summaries",
    "load_indosum",
    "multi_document_check",
    "rouge_f1",
    "tune",
]

DATA_PATH = Path(__file__).resolve().parent.parent / "data" / "eval" / "indosum_summaries.jsonl.gz"
TUNING_FOLDS = frozenset({"01", "02"})
REPORT_FOLDS = frozenset({"03", "04", "05"})
SUMMARY_SENTENCES = 3  # lead-3 is the baseline; TextRank gets the same budget (gold averages 3.4)
ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")


@lru_cache(maxsize=2)
def _load(path: Path) -> tuple[dict[str, Any], ...]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return tuple(json.loads(line) for line in handle if line.strip())


def load_indosum(split: str = "report", path: Path = DATA_PATH) -> list[dict[str, Any]]:
    """Rows of the bundled IndoSum set for `split` ("tuning", "report" or "all")."""
    folds = {"tuning": TUNING_FOLDS, "report": REPORT_FOLDS, "all": TUNING_FOLDS | REPORT_FOLDS}.get(split)
    if folds is None:
        raise ValueError(f"unknown split {split!r}: use 'tuning', 'report' or 'all'")
    return [row for row in _load(path) if row["fold"] in folds]


def article_text(row: dict[str, Any]) -> str:
    """The article as the summariser sees raw text: paragraphs on their own lines."""
    return "\n".join(" ".join(paragraph) for paragraph in row["paragraphs"])


def _scorer() -> Any:
    try:
        from rouge_score import rouge_scorer
    except ImportError as exc:  # a dev dependency: `make dev` installs it
        raise RuntimeError("the summary evaluation needs rouge-score: pip install -e '.[dev]'") from exc
    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=False)


def rouge_f1(predictions: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """Mean ROUGE-1/2/L F1 of `predictions` against `references` (pairwise, same order)."""
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} references")
    scorer = _scorer()
    totals = dict.fromkeys(ROUGE_TYPES, 0.0)
    for prediction, reference in zip(predictions, references, strict=True):
        scores = scorer.score(reference, prediction)
        for kind in ROUGE_TYPES:
            totals[kind] += scores[kind].fmeasure
    n = max(len(predictions), 1)
    return {kind: total / n for kind, total in totals.items()}


Summarizer = Callable[[dict[str, Any]], list[str]]


def _systems(options: SummaryOptions, max_sentences: int, use_title: bool) -> dict[str, Summarizer]:
    return {
        "textrank": lambda row: summarize(
            article_text(row),
            max_sentences=max_sentences,
            title=row["title"] if use_title else None,
            options=options,
        ),
        "lead3": lambda row: lead(article_text(row), max_sentences=max_sentences, options=options),
        # The textbook baseline, independent of our cleanup and splitter: IndoSum's own first sentences,
        # only the dateline cut (the gold summaries never carry it).
        "lead3_indosum_sentences": lambda row: [
            strip_dateline(sentence) if index == 0 else sentence
            for index, sentence in enumerate(s for paragraph in row["paragraphs"] for s in paragraph)
        ][:max_sentences],
    }


def evaluate_summaries(
    split: str = "report",
    *,
    options: SummaryOptions = DEFAULT_OPTIONS,
    max_sentences: int = SUMMARY_SENTENCES,
    use_title: bool = False,
    rows: Iterable[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """ROUGE F1 of TextRank and lead-3 on `split`, overall and per IndoSum category.

    `use_title` passes the headline (rebuilt from the URL slug) to TextRank; off by default because an
    issue in the brief has a label but IndoSum's titles are reconstructions.
    """
    rows = list(rows) if rows is not None else load_indosum(split)
    references = [" ".join(row["summary"]) for row in rows]
    result: dict[str, Any] = {
        "split": split,
        "n": len(rows),
        "max_sentences": max_sentences,
        "by_category": {},
    }
    outputs: dict[str, list[str]] = {}
    for name, system in _systems(options, max_sentences, use_title).items():
        outputs[name] = [" ".join(system(row)) for row in rows]
        result[name] = rouge_f1(outputs[name], references)
    for category in sorted({row["category"] for row in rows}):
        indices = [i for i, row in enumerate(rows) if row["category"] == category]
        picked_refs = [references[i] for i in indices]
        result["by_category"][category] = {"n": len(indices)} | {
            name: rouge_f1([outputs[name][i] for i in indices], picked_refs) for name in outputs
        }
    return result


def tune(
    grid: dict[str, Sequence[Any]] | None = None, *, limit: int | None = None
) -> list[tuple[dict[str, Any], dict[str, float]]]:
    """Sweep `SummaryOptions` on the tuning folds only; results sorted best first by mean ROUGE F1."""
    grid = grid or {
        "damping": (0.5, 0.85),
        "position_exponent": (0.5, 1.0, 2.0),
        "redundancy_cosine": (0.3, 0.5),
    }
    rows = load_indosum("tuning")[:limit]
    references = [" ".join(row["summary"]) for row in rows]
    results = []
    keys = sorted(grid)
    for values in itertools.product(*(grid[key] for key in keys)):
        setting = dict(zip(keys, values, strict=True))
        options = replace(DEFAULT_OPTIONS, **setting)
        predictions = [" ".join(summarize(article_text(row), options=options)) for row in rows]
        results.append((setting, rouge_f1(predictions, references)))
    return sorted(results, key=lambda item: -sum(item[1].values()))


def _boundaries(sentences: Sequence[str]) -> set[int]:
    """Sentence end offsets, counted in non-space characters so spacing differences do not matter."""
    ends, offset = set(), 0
    for sentence in sentences:
        offset += len(re.sub(r"\s+", "", sentence))
        ends.add(offset)
    return ends


def evaluate_sentence_splitting(split: str = "report") -> dict[str, float]:
    """Precision/recall of `split_sentences` boundaries against IndoSum's, paragraph by paragraph.

    IndoSum's segmentation is itself automatic, so this is agreement, not accuracy; disagreements are
    mostly quotations, which IndoSum cuts inside the quote and we keep whole.
    """
    found = expected = agreed = 0
    for row in load_indosum(split):
        for paragraph in row["paragraphs"]:
            ours = _boundaries(split_sentences(" ".join(paragraph)))
            theirs = _boundaries(paragraph)
            found, expected, agreed = found + len(ours), expected + len(theirs), agreed + len(ours & theirs)
    precision, recall = agreed / max(found, 1), agreed / max(expected, 1)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / max(precision + recall, 1e-9),
    }


# Two output sentences whose content-word sets overlap this much say the same thing.
NEAR_DUPLICATE_JACCARD = 0.6


def _word_set(sentence: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", sentence.lower()))


def _reworded(paragraph: str) -> str:
    """The paragraph as a rewrite desk would run it: each sentence loses its last word before the stop
    ("... di Jakarta, Senin." -> "... di Jakarta,."), so the copy is near-identical but not verbatim."""
    return " ".join(
        re.sub(r"\s+\S+(?=[.!?][\"”]?$)", "", sentence) for sentence in split_sentences(paragraph)
    )


def _syndicated_copies(row: dict[str, Any]) -> list[str]:
    """Three copies of one article as different outlets would run it: the original; another dateline with
    "Baca juga" links and an agency tag; a reworded copy with its own dateline, an ad marker and a video
    promo."""
    paragraphs = [" ".join(p) for p in row["paragraphs"]]
    first, rest = strip_dateline(paragraphs[0]), paragraphs[1:]
    return [
        "\n".join(paragraphs),
        "\n".join([f"JAKARTA, KOMPAS.com - {first}", "Baca juga: Berita Terkait Lainnya", *rest, "(ant)"]),
        "\n".join(
            [
                f"Jakarta (ANTARA) - {_reworded(first)}",
                *(_reworded(p) for p in rest[:1]),
                "ADVERTISEMENT",
                *(_reworded(p) for p in rest[1:]),
                "Simak video pilihan berikut ini:",
            ]
        ),
    ]


def multi_document_check(
    groups: int = 50, *, max_sentences: int = SUMMARY_SENTENCES, options: SummaryOptions = DEFAULT_OPTIONS
) -> dict[str, Any]:
    """Summaries of groups of syndicated copies: how many repeat a near-identical sentence (should be 0)
    and how many leak boilerplate; the groups come from the first `groups` report articles."""
    rows = [row for row in load_indosum("report") if len(row["paragraphs"]) >= 3][:groups]
    repeated = leaked = 0
    for row in rows:
        summary = summarize(_syndicated_copies(row), max_sentences=max_sentences, options=options)
        words = [_word_set(sentence) for sentence in summary]
        if any(
            len(a & b) / max(len(a | b), 1) >= NEAR_DUPLICATE_JACCARD
            for a, b in itertools.combinations(words, 2)
        ):
            repeated += 1
        if any(
            re.search(r"baca juga|advertisement|simak video|\(ant\)|kompas\.com", s, re.I) for s in summary
        ):
            leaked += 1
    return {"groups": len(rows), "with_repeated_sentence": repeated, "with_boilerplate": leaked}
