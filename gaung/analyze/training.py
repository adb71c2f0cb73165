"""Training data, `build_models()` and `evaluate_models()`: reproducible from the shipped data alone.

Build recipe (`gaung models build`; seeded, so the same data gives the same metrics):

1. Load the shipped sets (gaung/data/training, each with its SOURCE.md).
2. Hold out what we report on, and keep it out of training:
   SmSA valid; a seeded, stratified 20 % of the CNBC headlines (split over *unique normalized
   headlines*, so a duplicate cannot sit on both sides). Any training text whose normalized form
   equals a validation text is dropped (NusaX is built from SmSA; SmSA itself has repeats).
3. Sentiment: SmSA train + NusaX train + CNBC train part + vaccine tweets (down-weighted: their
   labelling convention differs and they cost SmSA accuracy at full weight, see docs/models.md).
4. Tone: stratified 5-fold cross-validation on gov-tone-id (analysts' corrections, when given, are
   added to every training fold with CORRECTION_WEIGHT, never to a test fold), then a final fit on all.
5. Record metrics, split sizes, leakage counts and the version (code version + data hash).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split

from gaung.analyze.modelstore import CODE_VERSION, ModelBundle, ModelError
from gaung.analyze.normalize import _data_dir
from gaung.analyze.tone import (
    LABELS,
    Classifier,
    LinearTextClassifier,
    ToneClassifier,
    analyze_many,
    focus_text,
)

__all__ = [
    "BuildReport",
    "Correction",
    "CorrectionsLoader",
    "LabelledText",
    "ModelRegressionError",
    "build_models",
    "compare_metrics",
    "evaluate_models",
    "install_models",
    "measure_throughput",
]

SEED = 13
CNBC_HELDOUT_SHARE = 0.2
# Vaccine tweets at full weight cost ~1.5 points of SmSA macro-F1 (0.875 → 0.860); at 0.3 they still
# teach social-post vocabulary. Chosen on SmSA valid/CNBC held-out with weights 0, 0.3, 1.
VACCINE_WEIGHT = 0.3
# An analyst's correction is in-domain and deliberate: worth more than one gov-tone-id example.
CORRECTION_WEIGHT = 3.0
# Our own second-round labels count like the original ones (agreement with each other: kappa 0.80).
EXTRA_LABEL_WEIGHT = 1.0
TONE_FOLDS = 5
# A new build may be this much worse (macro-F1, any set) before it is refused without --force:
# run-to-run noise of the tone cross-validation on 177 articles is about this size.
REGRESSION_MARGIN = 0.01
LABEL_MAP = {
    "positive": "positive", "positif": "positive", "1.0": "positive", "1": "positive",
    "neutral": "neutral", "netral": "neutral", "0.0": "neutral", "0": "neutral",
    "negative": "negative", "negatif": "negative", "-1.0": "negative", "-1": "negative",
}  # fmt: skip


@dataclass(frozen=True)
class LabelledText:
    """One training or validation example."""

    text: str
    label: str
    source: str
    weight: float = 1.0


@dataclass(frozen=True)
class Correction:
    """An analyst's correction as the store supplies it; only field == "tone" trains the tone model."""

    text: str
    label: str
    who: str
    when: datetime
    title: str = ""
    field: str = "tone"


CorrectionsLoader = Callable[[], Sequence[Correction]]


class ModelRegressionError(ModelError):
    """The new build is worse than the installed one by more than REGRESSION_MARGIN."""


@dataclass
class BuildReport:
    """A build's bundle, with the evaluation printed by `gaung models build`."""

    bundle: ModelBundle
    metrics: dict[str, float]
    info: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def _read_csv(path: Path, **kwargs: Any) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, **kwargs))


def dedup_key(text: str) -> str:
    """Normalized form used to find duplicates across splits (case, punctuation and spacing ignored)."""
    return " ".join(re.findall(r"\w+", text.lower()))


def load_smsa(split: str) -> list[LabelledText]:
    """SmSA "train" or "valid" (tab-separated text, label)."""
    path = _data_dir() / "smsa_doc-sentiment-prosa" / f"{split}_preprocess.tsv"
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            text, label = line.rsplit("\t", 1)
            rows.append(LabelledText(text, LABEL_MAP[label.strip()], f"smsa-{split}"))
    return rows


def load_nusax(split: str) -> list[LabelledText]:
    """NusaX-senti Indonesian "train" or "valid"."""
    path = _data_dir() / "nusax-senti-indonesian" / f"{split}.csv"
    return [LabelledText(r["text"], LABEL_MAP[r["label"]], f"nusax-{split}") for r in _read_csv(path)]


def load_cnbc(seed: int = SEED) -> tuple[list[LabelledText], list[LabelledText], int]:
    """CNBC headlines split into (train, held-out) over unique headlines; also the duplicate count."""
    path = _data_dir() / "cnbc-indonesia-news-headline-sentiment" / "80-20" / "train_data.csv"
    by_key: dict[str, LabelledText] = {}
    rows = _read_csv(path)
    for r in rows:
        by_key.setdefault(dedup_key(r["judul"]), LabelledText(r["judul"], LABEL_MAP[r["sentimen"]], "cnbc"))
    unique = [by_key[k] for k in sorted(by_key)]
    train, heldout = train_test_split(
        unique, test_size=CNBC_HELDOUT_SHARE, random_state=seed, stratify=[u.label for u in unique]
    )
    return list(train), list(heldout), len(rows) - len(unique)


def load_vaccine_tweets() -> list[LabelledText]:
    """Vaccine-policy tweets (the `norm` column: mentions/links removed, spelling as written)."""
    path = _data_dir() / "id-vaccines-tweets" / "id_vaccines_tweets.csv"
    return [
        LabelledText(r["norm"], LABEL_MAP[r["posneg"]], "vaccine-tweets", VACCINE_WEIGHT)
        for r in _read_csv(path)
        if r["norm"].strip()
    ]


def load_gov_tone() -> list[LabelledText]:
    """gov-tone-id articles as focus texts (what the tone model sees at prediction time)."""
    path = _data_dir() / "gov-tone-id" / "gov_tone_train.jsonl"
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            text = focus_text(record.get("title") or "", record["text"])
            items.append(LabelledText(text, record["tone"], "gov-tone-id"))
    return items


def load_gov_tone_extra() -> list[LabelledText]:
    """The project's own labels for gov-tone-id's unlabelled candidates (two annotators, agreed items only;
    see gov-tone-id/LABELLING.md). They only ever train: cross-validation scores the original labels."""
    path = _data_dir() / "gov-tone-id" / "gov_tone_extra_labelled.jsonl"
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            text = focus_text(record.get("title") or "", record["text"])
            items.append(LabelledText(text, record["tone"], "gov-tone-extra", EXTRA_LABEL_WEIGHT))
    return items


def data_hash(corrections: Sequence[Correction] = ()) -> str:
    """SHA-256 over every shipped training file and the corrections: part of the model version."""
    digest = hashlib.sha256()
    root = _data_dir()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    for c in corrections:
        digest.update(json.dumps([c.field, c.title, c.text, c.label, c.who, c.when.isoformat()]).encode())
    return digest.hexdigest()


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Macro-F1 over the three labels (absent labels count, so a collapsed model scores low)."""
    return float(f1_score(list(gold), list(predicted), labels=list(LABELS), average="macro", zero_division=0))


def _argmax(scores: dict[str, float]) -> str:
    return max(LABELS, key=lambda label: scores[label])


def validation_sets(seed: int = SEED) -> dict[str, list[LabelledText]]:
    """The sentiment validation sets that no build trains on."""
    return {"smsa_valid": load_smsa("valid"), "cnbc_heldout": load_cnbc(seed)[1]}


def evaluate_models(bundle: ModelBundle, seed: int = SEED) -> dict[str, float]:
    """Macro-F1 of a bundle on every validation set; tone comes from its build's cross-validation."""
    metrics = {}
    for name, items in validation_sets(seed).items():
        scores = bundle.sentiment.predict_proba([i.text for i in items])
        metrics[f"sentiment/{name}"] = macro_f1([i.label for i in items], [_argmax(s) for s in scores])
    if "tone/gov_tone_cv" in bundle.metrics:
        metrics["tone/gov_tone_cv"] = bundle.metrics["tone/gov_tone_cv"]
    return metrics


def tone_cross_validation(
    sentiment: Classifier, items: Sequence[LabelledText], extra: Sequence[LabelledText] = (), seed: int = SEED
) -> float:
    """Stratified k-fold macro-F1 of the tone recipe; `extra` (corrections) only ever trains."""
    texts = [i.text for i in items]
    labels = np.array([i.label for i in items])
    probe = ToneClassifier(sentiment, seed=seed)
    prior = probe.sentiment_matrix(texts)
    extra_prior = probe.sentiment_matrix([e.text for e in extra]) if extra else np.zeros((0, len(LABELS)))
    predicted = np.empty(len(items), dtype=object)
    folds = StratifiedKFold(n_splits=TONE_FOLDS, shuffle=True, random_state=seed)
    for train_idx, test_idx in folds.split(texts, labels):
        model = ToneClassifier(sentiment, seed=seed)
        model.fit(
            [texts[i] for i in train_idx] + [e.text for e in extra],
            [labels[i] for i in train_idx] + [e.label for e in extra],
            sample_weight=[1.0] * len(train_idx) + [e.weight for e in extra],
            sentiment_prior=np.vstack([prior[train_idx], extra_prior]),
        )
        tone, _ = model.predict_matrices([texts[i] for i in test_idx], prior[test_idx])
        predicted[test_idx] = [LABELS[j] for j in tone.argmax(axis=1)]
    return macro_f1(list(labels), list(predicted))


@contextmanager
def _steps(enabled: bool, total: int) -> Iterator[Callable[[str], None]]:
    """A rich progress bar over the build's steps (or a no-op when progress is off)."""
    if not enabled:
        yield lambda description: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=False) as bar:
        task = bar.add_task("Building Gaung's models", total=total)
        first = True

        def advance(description: str) -> None:
            nonlocal first
            bar.update(task, advance=0 if first else 1, description=description)
            first = False

        yield advance
        bar.update(task, completed=total, description="Models built")


def build_models(
    corrections: Sequence[Correction] | CorrectionsLoader | None = None,
    *,
    seed: int = SEED,
    progress: bool = False,
) -> BuildReport:
    """Train sentiment and tone from the shipped data (+ tone corrections) and evaluate them."""
    started = time.perf_counter()
    if callable(corrections):
        corrections = corrections()
    tone_corrections = [c for c in (corrections or ()) if c.field == "tone"]
    for c in tone_corrections:
        if c.label not in LABELS:
            raise ModelError(f"correction by {c.who} at {c.when:%Y-%m-%d %H:%M} has label {c.label!r}")
    with _steps(progress, 5) as step:
        step("Loading training data")
        validation = validation_sets(seed)
        cnbc_train, _, cnbc_duplicates = load_cnbc(seed)
        held_keys = {dedup_key(i.text) for items in validation.values() for i in items}
        candidates = load_smsa("train") + load_nusax("train") + cnbc_train + load_vaccine_tweets()
        train = [i for i in candidates if dedup_key(i.text) not in held_keys]
        dropped = Counter(i.source for i in candidates if dedup_key(i.text) in held_keys)

        step("Training sentiment (word + char n-grams, calibrated)")
        sentiment = LinearTextClassifier(seed=seed)
        sentiment.fit([i.text for i in train], [i.label for i in train], [i.weight for i in train])

        step("Evaluating sentiment")
        version = f"{CODE_VERSION}-{data_hash(tone_corrections)[:12]}"
        sentiment.version = f"sentiment-{version}"
        provisional = ModelBundle(version, sentiment, sentiment)
        metrics = evaluate_models(provisional, seed)

        step("Cross-validating tone on gov-tone-id")
        gov = load_gov_tone()
        extra = load_gov_tone_extra() + [
            LabelledText(focus_text(c.title, c.text), c.label, "correction", CORRECTION_WEIGHT)
            for c in tone_corrections
        ]
        metrics["tone/gov_tone_cv"] = tone_cross_validation(sentiment, gov, extra, seed)

        step("Training tone on all of gov-tone-id")
        tone_items = gov + extra
        tone = ToneClassifier(sentiment, seed=seed, version=f"tone-{version}")
        tone.fit([i.text for i in tone_items], [i.label for i in tone_items], [i.weight for i in tone_items])
    info = {
        "train_sizes": dict(Counter(i.source for i in train)),
        "validation_sizes": {name: len(items) for name, items in validation.items()},
        "dropped_as_duplicates_of_validation": dict(dropped),
        "cnbc_duplicate_headlines_merged": cnbc_duplicates,
        "gov_tone_labels": dict(Counter(i.label for i in gov)),
        "gov_tone_extra_labels": dict(Counter(i.label for i in extra if i.source == "gov-tone-extra")),
        "corrections": len(tone_corrections),
        "seed": seed,
    }
    seconds = time.perf_counter() - started
    info["build_seconds"] = round(seconds, 1)
    bundle = ModelBundle(
        version=version,
        sentiment=sentiment,
        tone=tone,
        metrics=metrics,
        data_hash=version.split("-", 1)[1],
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        info=info,
    )
    return BuildReport(bundle, metrics, info, seconds)


def compare_metrics(
    old: dict[str, float], new: dict[str, float]
) -> list[tuple[str, float | None, float, bool]]:
    """(set, old, new, regressed) rows for the before/after table."""
    rows = []
    for name in sorted(new):
        before = old.get(name)
        regressed = before is not None and new[name] < before - REGRESSION_MARGIN
        rows.append((name, before, new[name], regressed))
    return rows


def install_models(
    report: BuildReport, old: ModelBundle | None, *, force: bool = False, directory: Path | None = None
) -> Path:
    """Save the new bundle as current unless it regressed against `old` (then raise, unless forced)."""
    from gaung.analyze.modelstore import save_bundle

    if old is not None and not force:
        old_metrics = evaluate_models(old)
        worse = [name for name, _, _, regressed in compare_metrics(old_metrics, report.metrics) if regressed]
        if worse:
            raise ModelRegressionError(
                f"The new models are worse than {old.version} on {', '.join(worse)} by more than "
                f"{REGRESSION_MARGIN}; kept the current models. Use --force to install anyway."
            )
    return save_bundle(report.bundle, directory)


def sample_articles(n: int = 400) -> list[tuple[str, str]]:
    """(title, ~1,600-char text) pairs from gov-tone-id, repeated to `n`, for throughput checks."""
    path = _data_dir() / "gov-tone-id" / "unlabelled_candidates.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        (records[i % len(records)].get("title") or "", records[i % len(records)]["text"]) for i in range(n)
    ]


def measure_throughput(bundle: ModelBundle, n: int = 400, *, explain: bool = False) -> dict[str, float]:
    """Articles per second for sentiment + tone on one core (this process), in batches of 100."""
    articles = sample_articles(n)
    analyze_many(articles[:10], bundle=bundle, explain=explain)  # warm caches (lexicons, vocabularies)
    started = time.perf_counter()
    for start in range(0, n, 100):
        analyze_many(articles[start : start + 100], bundle=bundle, explain=explain)
    seconds = time.perf_counter() - started
    mean_chars = sum(len(text) for _, text in articles) / n
    return {"articles_per_second": n / seconds, "mean_chars": mean_chars, "articles": float(n)}


def report_as_dict(report: BuildReport) -> dict[str, Any]:
    """JSON-friendly summary of a build."""
    return {"version": report.bundle.version, "metrics": report.metrics, "info": report.info} | {
        "built_at": report.bundle.built_at
    }
