"""Sentiment (general polarity) and tone toward government, with the phrases that drove each label.

Two models, one interface (`Classifier`):

- sentiment — `LinearTextClassifier`: TF-IDF word 1-2 grams over normalized, negation-marked text
  + char_wb 2-5 grams (robust to spelling variants) + InSet lexicon scores, a LinearSVC calibrated with
  a class-balanced multinomial calibration, so the three probabilities are meaningful and sum to 1;
- tone — `ToneClassifier`: what an analyst tags (see gov-tone-id/ANNOTATION_GUIDE.md). Tone is not
  sentiment ("Polisi tangkap pengedar" is negative words, neutral tone), and only ~180 labelled
  articles exist, so tone stacks its own word features on top of the sentiment model's probabilities
  (a weak prior learned from ~20,000 texts) in a class-balanced logistic regression.

A `TransformerBackend` loads a fine-tuned sequence-classification model from a local directory when a
user configures one; torch/transformers are imported only then.

Long articles: `focus_text` keeps the headline (twice: it is what readers and analysts weigh most), the
lead, and the sentences that name government actors or watched entities. Both models see that text,
which is also what keeps throughput high on long articles.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
import weakref
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.preprocessing import normalize as _normalize_rows
from sklearn.svm import LinearSVC

from gaung.analyze.normalize import (
    NEGATION_PREFIX,
    NEGATIONS,
    _data_dir,
    clean_text,
    model_text_lowered,
)

if TYPE_CHECKING:
    from gaung.analyze.modelstore import ModelBundle

__all__ = [
    "LABELS",
    "Classifier",
    "LinearTextClassifier",
    "TextAnalysis",
    "ToneClassifier",
    "ToneResult",
    "TransformerBackend",
    "analyze_many",
    "analyze_tone",
    "focus_text",
]

LABELS: tuple[str, ...] = ("positive", "neutral", "negative")

# Words that make a sentence about government (ANNOTATION_GUIDE.md's list of government actors).
GOVERNMENT_ACTOR_RE = re.compile(
    r"\b(pemerintah\w*|pemkot|pemkab|pemprov|presiden|wakil presiden|menteri|kementerian|gubernur|"
    r"bupati|wali ?kota|walikota|camat|lurah|dinas|badan|dprd?|polri|polisi|polda|polres|kapolri|tni|"
    r"kejaksaan|kpk|istana|kabinet|pejabat|aparat|satpol|bumn|asn|pns)\b",
    re.IGNORECASE,
)
_SENTENCE_RE = re.compile(r"(?<=[.!?])[\"”’')]*\s+|\n+")
LEAD_SENTENCES = 2
MAX_ACTOR_SENTENCES = 4
# Enough for headline + lead + a few actor sentences; longer texts only cost time (see docs/models.md).
MAX_FOCUS_CHARS = 800
# Scales the lexicon block against unit-length TF-IDF blocks; chosen on SmSA valid (0.5/1/2 tried).
LEXICON_WEIGHT = 1.0
# Scales the sentiment prior inside the tone model; 1/2/4/8 tried in gov-tone-id CV (1 best, 0.66).
SENTIMENT_PRIOR_WEIGHT = 1.0
# Phrases in `tone_reason`.
REASON_TOP_K = 5
# Words that are no reason on their own: a feature made only of these (and punctuation) is never shown.
_POOR_REASON_WORDS = frozenset(
    (
        *("senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad"),
        *("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus"),
        *("september", "oktober", "november", "desember", "wib", "wita", "wit"),
    )
)


@runtime_checkable
class Classifier(Protocol):
    """What every backend offers: calibrated label probabilities and a short explanation."""

    version: str

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """One {label: probability} per text; probabilities over LABELS sum to 1."""
        ...

    def explain(self, text: str, top_k: int = 5) -> list[str]:
        """The phrases that pushed `text` toward its predicted label, strongest first."""
        ...


@lru_cache(maxsize=1)
def _inset_lexicon() -> dict[str, float]:
    weights: dict[str, float] = {}
    for name in ("positive.tsv", "negative.tsv"):
        path = _data_dir() / "inset-lexicon" / name
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                word = row["word"].strip().lower()
                if word and " " not in word:
                    weights[word] = weights.get(word, 0.0) + float(row["weight"])
    return weights


def lexicon_features(normalized_texts: Sequence[str]) -> sp.csr_matrix:
    """InSet polarity mass per text; a negated word ("neg_bagus") counts with the opposite sign."""
    lexicon = _inset_lexicon()
    rows = np.zeros((len(normalized_texts), 3), dtype=np.float64)
    for i, text in enumerate(normalized_texts):
        positive = negative = 0.0
        words = text.split()
        for word in words:
            sign = 1.0
            if word.startswith(NEGATION_PREFIX):
                word, sign = word[len(NEGATION_PREFIX) :], -1.0
            score = sign * lexicon.get(word, 0.0)
            if score > 0:
                positive += score
            elif score < 0:
                negative -= score
        n = max(len(words), 1)
        rows[i] = (math.log1p(positive), math.log1p(negative), (positive - negative) / n)
    rows *= LEXICON_WEIGHT / 4.0  # log1p of a lexicon mass reaches ~4 on long texts; keep it near 1
    return sp.csr_matrix(rows)


def _identity(text: str) -> str:
    return text


def _lower_clean(text: str) -> str:
    # Kept so bundles pickled before CODE_VERSION tone2 still load.
    return clean_text(text).lower()


class _Batch:
    """One batch's shared text preparation: each step runs once, however many models read it."""

    def __init__(self, texts: Sequence[str], normalized: Sequence[str] | None = None) -> None:
        self.texts = texts
        self._lowered: list[str] | None = None
        self._normalized = list(normalized) if normalized is not None else None
        self._terms: list[list[str]] | None = None
        self._lexicon: sp.csr_matrix | None = None

    @property
    def lowered(self) -> list[str]:
        """clean_text + lowercase: what the char n-grams read and what `model_text` starts from."""
        if self._lowered is None:
            self._lowered = [clean_text(t).lower() for t in self.texts]
        return self._lowered

    @property
    def normalized(self) -> list[str]:
        """`model_text` of every text."""
        if self._normalized is None:
            self._normalized = [model_text_lowered(t) for t in self.lowered]
        return self._normalized

    @property
    def word_terms(self) -> list[list[str]]:
        """Word 1-2 grams of the normalized texts (shared by the sentiment and tone vocabularies)."""
        if self._terms is None:
            terms = []
            for text in self.normalized:
                tokens = text.split()
                terms.append(tokens + [f"{a} {b}" for a, b in itertools.pairwise(tokens)])
            self._terms = terms
        return self._terms

    @property
    def lexicon(self) -> sp.csr_matrix:
        """`lexicon_features` of the normalized texts (both models use the same block)."""
        if self._lexicon is None:
            self._lexicon = lexicon_features(self.normalized)
        return self._lexicon


# Per-vectorizer caches that must not be pickled with the model: feature names for explanations and
# the char n-gram indices of each word seen (a word's char_wb n-grams do not depend on its context).
_NAMES: weakref.WeakKeyDictionary[TfidfVectorizer, tuple[np.ndarray, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)
_WORD_NGRAMS: weakref.WeakKeyDictionary[TfidfVectorizer, dict[str, np.ndarray]] = weakref.WeakKeyDictionary()
_WORD_NGRAM_CACHE_LIMIT = 300_000


def _fast_tfidf_ok(vectorizer: TfidfVectorizer, analyzer: str) -> bool:
    """True when `_tfidf` reproduces `vectorizer.transform` (the configurations this module builds)."""
    return (
        vectorizer.analyzer == analyzer
        and vectorizer.preprocessor is _identity
        and (analyzer != "word" or (vectorizer.token_pattern == r"\S+" and vectorizer.ngram_range == (1, 2)))
        and vectorizer.tokenizer is None
        and vectorizer.stop_words is None
        and not vectorizer.binary
        and vectorizer.use_idf
        and vectorizer.norm == "l2"
        and vectorizer.dtype == np.float64
    )


def _tfidf(
    vectorizer: TfidfVectorizer, cols: list[np.ndarray], counts: list[np.ndarray], n_docs: int
) -> sp.csr_matrix:
    """The TF-IDF rows sklearn would compute from per-document (vocabulary index, count) lists."""
    lengths = np.fromiter((len(c) for c in cols), dtype=np.int64, count=n_docs)
    rows = np.repeat(np.arange(n_docs), lengths)
    col = np.concatenate(cols) if n_docs else np.zeros(0, dtype=np.int64)
    data = np.concatenate(counts).astype(np.float64) if n_docs else np.zeros(0)
    matrix = sp.csr_matrix((data, (rows, col)), shape=(n_docs, len(vectorizer.vocabulary_)))
    matrix.sum_duplicates()
    if vectorizer.sublinear_tf:
        np.log(matrix.data, out=matrix.data)
        matrix.data += 1.0
    matrix.data *= vectorizer.idf_[matrix.indices]
    return sp.csr_matrix(_normalize_rows(matrix, norm="l2", copy=False))


def _word_tfidf(vectorizer: TfidfVectorizer, batch: _Batch) -> sp.csr_matrix:
    """`vectorizer.transform(batch.normalized)` for the word 1-2 gram vectorizers, without re-tokenizing."""
    if not _fast_tfidf_ok(vectorizer, "word"):
        return sp.csr_matrix(vectorizer.transform(batch.normalized))
    get = vectorizer.vocabulary_.get
    cols = []
    for terms in batch.word_terms:
        found = [i for i in map(get, terms) if i is not None]
        cols.append(np.asarray(found, dtype=np.int64))
    return _tfidf(vectorizer, cols, [np.ones(len(c), dtype=np.int64) for c in cols], len(cols))


def _char_tfidf(vectorizer: TfidfVectorizer, batch: _Batch) -> sp.csr_matrix:
    """`vectorizer.transform(batch.lowered)` for char_wb n-grams, from a per-word n-gram index cache."""
    if not _fast_tfidf_ok(vectorizer, "char_wb"):
        return sp.csr_matrix(vectorizer.transform(batch.lowered))
    cache = _WORD_NGRAMS.get(vectorizer)
    if cache is None or len(cache) > _WORD_NGRAM_CACHE_LIMIT:
        cache = _WORD_NGRAMS[vectorizer] = {}
    vocabulary = vectorizer.vocabulary_
    min_n, max_n = vectorizer.ngram_range
    cols, counts = [], []
    for text in batch.lowered:
        doc_cols, doc_counts = [], []
        for word, count in Counter(text.split()).items():
            found = cache.get(word)
            if found is None:
                found = cache[word] = np.asarray(
                    [i for i in map(vocabulary.get, _char_wb_ngrams(word, min_n, max_n)) if i is not None],
                    dtype=np.int64,
                )
            if found.size:
                doc_cols.append(found)
                doc_counts.append(np.full(found.size, count, dtype=np.int64))
        cols.append(np.concatenate(doc_cols) if doc_cols else np.zeros(0, dtype=np.int64))
        counts.append(np.concatenate(doc_counts) if doc_counts else np.zeros(0, dtype=np.int64))
    return _tfidf(vectorizer, cols, counts, len(cols))


def _char_wb_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """sklearn's char_wb n-grams of one whitespace-free word (padded with a space on each side)."""
    padded = f" {word} "
    ngrams: list[str] = []
    for n in range(min_n, max_n + 1):
        ngrams.extend(padded[i : i + n] for i in range(max(len(padded) - n, 0) + 1))
        if len(padded) <= n:  # a short word yields itself once, not once per n
            break
    return ngrams


def _readable(feature: str) -> str:
    """Feature → analyst-facing phrase: punctuation tokens dropped, "neg_x" shown as "(tidak) x"."""
    words: list[str] = []
    negated = False
    for token in feature.split():
        if not any(ch.isalnum() for ch in token):
            continue
        if token.startswith(NEGATION_PREFIX):
            token = token[len(NEGATION_PREFIX) :]
            if not negated and not (words and words[-1] in NEGATIONS):
                token = f"(tidak) {token}"
            negated = True
        else:
            negated = False
        words.append(token)
    return " ".join(words)


def _is_good_reason(phrase: str) -> bool:
    """A phrase worth showing: some word that is not a day/month name, a time zone or a number."""
    return any(
        w not in _POOR_REASON_WORDS and w != "(tidak)" and not w.replace(".", "").replace(",", "").isdigit()
        for w in phrase.split()
    )


def _reason_names(vectorizer: TfidfVectorizer) -> tuple[np.ndarray, np.ndarray]:
    """(readable phrase per feature, usable-as-a-reason mask), computed once per fitted vectorizer."""
    cached = _NAMES.get(vectorizer)
    if cached is None:
        names = np.empty(len(vectorizer.vocabulary_), dtype=object)
        for term, index in vectorizer.vocabulary_.items():
            names[index] = _readable(term)
        usable = np.fromiter((bool(n) and _is_good_reason(n) for n in names), dtype=bool, count=len(names))
        cached = _NAMES[vectorizer] = (names, usable)
    return cached


def _class_coefficients(classes: Sequence[str], coef: np.ndarray) -> np.ndarray:
    """One coefficient row per class (a binary model stores only the second class's row)."""
    if coef.shape[0] == 1 and len(classes) == 2:
        return np.vstack([-coef[0], coef[0]])
    return coef


def _top_phrases(
    block: sp.csr_matrix,
    coef: np.ndarray,
    rows: np.ndarray,
    vectorizer: TfidfVectorizer,
    top_k: int,
    start: Sequence[list[str]] | None = None,
) -> list[list[str]]:
    """Per document, the features with the largest positive contribution (tf-idf × coefficient) to
    its class row (`rows`, -1 = skip), strongest first, appended to `start`'s phrases.

    Works on the already-vectorized batch: one gather for all contributions, then a partial sort of the
    few positive ones per row.
    """
    names, usable = _reason_names(vectorizer)
    indptr, indices = block.indptr, block.indices
    per_row = np.repeat(np.maximum(rows, 0), np.diff(indptr))
    contributions = block.data * coef[per_row, indices]
    contributions[~usable[indices]] = 0.0
    pool = 4 * top_k  # dedup may drop a few candidates
    results = []
    for i in range(block.shape[0]):
        chosen = list(start[i]) if start is not None else []
        if rows[i] < 0 or len(chosen) >= top_k:
            results.append(chosen)
            continue
        lo, hi = indptr[i], indptr[i + 1]
        row = contributions[lo:hi]
        positive = np.flatnonzero(row > 0)
        candidates = positive
        if positive.size > pool:
            candidates = positive[np.argpartition(row[positive], -pool)[-pool:]]
        candidates = candidates[np.argsort(-row[candidates], kind="stable")]
        _pick(chosen, names[indices[lo + candidates]], top_k)
        if len(chosen) < top_k and positive.size > pool:  # rare: dedup ate the pool, take the rest
            rest = np.setdiff1d(positive, candidates)
            _pick(chosen, names[indices[lo + rest[np.argsort(-row[rest], kind="stable")]]], top_k)
        results.append(chosen)
    return results


def _pick(chosen: list[str], phrases: Sequence[str], top_k: int) -> None:
    """Add phrases in order; one already covered is skipped, one covering chosen ones replaces them."""
    for phrase in phrases:
        if len(chosen) >= top_k:
            return
        padded = f" {phrase} "
        if any(padded in f" {c} " for c in chosen):
            continue
        covered = [j for j, c in enumerate(chosen) if f" {c} " in padded]
        if covered:
            chosen[covered[0]] = phrase
            for j in reversed(covered[1:]):
                del chosen[j]
        else:
            chosen.append(phrase)


class LinearTextClassifier:
    """The default sentiment backend: word + char n-grams + lexicon, LinearSVC + multinomial calibration.

    Calibration: a class-balanced multinomial logistic regression over the SVC's out-of-fold decision
    scores (Platt scaling for three classes). sklearn's one-vs-rest sigmoid calibration
    (`CalibratedClassifierCV`) was tried first; it pulls decisions back toward the majority class and
    cost 3 points of SmSA macro-F1 (0.869 → 0.837). The probabilities sum to 1 and are calibrated
    under balanced class priors.
    """

    def __init__(self, *, c: float = 0.3, seed: int = 13, version: str = "untrained") -> None:
        self.c = c
        self.seed = seed
        self.version = version
        self.words = TfidfVectorizer(
            preprocessor=_identity, token_pattern=r"\S+", ngram_range=(1, 2), min_df=2, sublinear_tf=True
        )
        # Reads clean, lowercased text (`_Batch.lowered`), shared with the word features' normalization.
        self.chars = TfidfVectorizer(
            preprocessor=_identity, analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
        )
        self.svc: LinearSVC | None = None
        self.calibrator: LogisticRegression | None = None

    def _blocks(self, batch: _Batch, *, fit: bool = False) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """(all features, the word block alone: what explanations read)."""
        if fit:
            word_block = sp.csr_matrix(self.words.fit_transform(batch.normalized))
            char_block = sp.csr_matrix(self.chars.fit_transform(batch.lowered))
        else:
            word_block = _word_tfidf(self.words, batch)
            char_block = _char_tfidf(self.chars, batch)
        return sp.hstack([word_block, char_block, batch.lexicon], format="csr"), word_block

    def _features(
        self, texts: Sequence[str], normalized: Sequence[str] | None = None, *, fit: bool = False
    ) -> sp.csr_matrix:
        return self._blocks(_Batch(texts, normalized), fit=fit)[0]

    def fit(
        self, texts: Sequence[str], labels: Sequence[str], sample_weight: Sequence[float] | None = None
    ) -> LinearTextClassifier:
        """Fit vectorizers, the calibrator on 3-fold out-of-fold scores (seeded), then the final SVC."""
        features = self._features(texts, fit=True)
        y = np.asarray(labels)
        weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        svc = LinearSVC(C=self.c, class_weight="balanced", random_state=self.seed)
        folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=self.seed)
        out_of_fold = cross_val_predict(
            svc, features, y, cv=folds, method="decision_function", params={"sample_weight": weights}
        )
        self.calibrator = LogisticRegression(class_weight="balanced", max_iter=1000)
        self.calibrator.fit(out_of_fold, y, sample_weight=weights)
        self.svc = svc.fit(features, y, sample_weight=weights)
        return self

    def _proba_batch(self, batch: _Batch) -> tuple[np.ndarray, sp.csr_matrix]:
        """(probabilities in LABELS order, word block) for a prepared batch."""
        if self.svc is None or self.calibrator is None:
            raise RuntimeError("LinearTextClassifier used before fit()")
        features, word_block = self._blocks(batch)
        probabilities = self.calibrator.predict_proba(self.svc.decision_function(features))
        order = [list(self.calibrator.classes_).index(label) for label in LABELS]
        return np.asarray(probabilities[:, order]), word_block

    def proba_matrix(self, texts: Sequence[str], normalized: Sequence[str] | None = None) -> np.ndarray:
        """Probabilities as an array with columns in LABELS order (the fast path for stacking)."""
        return self._proba_batch(_Batch(texts, normalized))[0]

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Calibrated probabilities per text (empty text gets the model's prior)."""
        if not texts:
            return []
        return [dict(zip(LABELS, map(float, row), strict=True)) for row in self.proba_matrix(texts)]

    def _explain_rows(
        self,
        word_block: sp.csr_matrix,
        labels: Sequence[str | None],
        top_k: int,
        start: Sequence[list[str]] | None = None,
    ) -> list[list[str]]:
        """Word n-grams pushing each row toward its label (None = no explanation), after `start`."""
        if self.svc is None:
            return [list(s) for s in start] if start is not None else [[] for _ in labels]
        classes = [str(c) for c in self.svc.classes_]
        coef = _class_coefficients(classes, self.svc.coef_)[:, : len(self.words.vocabulary_)]
        rows = np.array([classes.index(lb) if lb in classes else -1 for lb in labels], dtype=np.int64)
        return _top_phrases(word_block, coef, rows, self.words, top_k, start)

    def explain(self, text: str, top_k: int = REASON_TOP_K, label: str | None = None) -> list[str]:
        """Word n-grams with the largest contribution toward `label` (default: the predicted one)."""
        if self.svc is None:
            return []
        batch = _Batch([text])
        probabilities, word_block = self._proba_batch(batch)
        chosen = label if label is not None else LABELS[int(probabilities[0].argmax())]
        return self._explain_rows(word_block, [chosen], top_k)[0]


class ToneClassifier:
    """Tone toward government: own word features stacked on the sentiment model's probabilities."""

    def __init__(self, sentiment: Classifier, *, c: float = 3.0, seed: int = 13, version: str = "untrained"):
        self.sentiment = sentiment
        self.c = c
        self.seed = seed
        self.version = version
        self.words = TfidfVectorizer(
            preprocessor=_identity, token_pattern=r"\S+", ngram_range=(1, 2), min_df=2, sublinear_tf=True
        )
        self.model: LogisticRegression | None = None

    def _sentiment_batch(self, batch: _Batch) -> tuple[np.ndarray, sp.csr_matrix | None]:
        if isinstance(self.sentiment, LinearTextClassifier):
            return self.sentiment._proba_batch(batch)
        scores = self.sentiment.predict_proba(batch.texts)
        return np.array([[s[label] for label in LABELS] for s in scores]).reshape(-1, len(LABELS)), None

    def sentiment_matrix(self, texts: Sequence[str], normalized: Sequence[str] | None = None) -> np.ndarray:
        """Sentiment probabilities (LABELS order), sharing the normalized text with the linear backend."""
        return self._sentiment_batch(_Batch(texts, normalized))[0]

    def _features(
        self, batch: _Batch, prior: np.ndarray, *, fit: bool = False
    ) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        words = (
            sp.csr_matrix(self.words.fit_transform(batch.normalized))
            if fit
            else _word_tfidf(self.words, batch)
        )
        features = sp.hstack(
            [words, sp.csr_matrix(prior * SENTIMENT_PRIOR_WEIGHT), batch.lexicon], format="csr"
        )
        return features, words

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        sample_weight: Sequence[float] | None = None,
        sentiment_prior: np.ndarray | None = None,
    ) -> ToneClassifier:
        """Fit on focus texts; pass a precomputed `sentiment_prior` to save time in cross-validation."""
        batch = _Batch(texts)
        prior = sentiment_prior if sentiment_prior is not None else self._sentiment_batch(batch)[0]
        features, _ = self._features(batch, prior, fit=True)
        self.model = LogisticRegression(
            C=self.c, class_weight="balanced", max_iter=2000, random_state=self.seed
        )
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.model.fit(features, list(labels), sample_weight=weights)
        return self

    def analyze(
        self, texts: Sequence[str], sentiment_prior: np.ndarray | None = None, *, top_k: int = 0
    ) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
        """(tone, sentiment) probabilities in LABELS order and, with top_k > 0, each text's reasons.

        One pass: each text is cleaned, normalized and vectorized once; the reasons are read off the
        same sparse rows (see `explain`).
        """
        if self.model is None:
            raise RuntimeError("ToneClassifier used before fit()")
        batch = _Batch(texts)
        sentiment_words = None
        if sentiment_prior is not None:
            prior = sentiment_prior
        else:
            prior, sentiment_words = self._sentiment_batch(batch)
        features, words = self._features(batch, prior)
        probabilities = self.model.predict_proba(features)
        order = [list(self.model.classes_).index(label) for label in LABELS]
        tone = np.asarray(probabilities[:, order])
        if top_k <= 0:
            return tone, prior, [[] for _ in texts]
        labels = [
            LABELS[j] if text.strip() else None for j, text in zip(tone.argmax(axis=1), texts, strict=True)
        ]
        return tone, prior, self._explain_rows(words, labels, top_k, sentiment_words)

    def _explain_rows(
        self,
        words: sp.csr_matrix,
        labels: Sequence[str | None],
        top_k: int,
        sentiment_words: sp.csr_matrix | None,
    ) -> list[list[str]]:
        if self.model is None:
            return [[] for _ in labels]
        classes = [str(c) for c in self.model.classes_]
        coef = _class_coefficients(classes, self.model.coef_)[:, : len(self.words.vocabulary_)]
        rows = np.array([classes.index(lb) if lb in classes else -1 for lb in labels], dtype=np.int64)
        phrases = _top_phrases(words, coef, rows, self.words, top_k)
        if sentiment_words is not None and isinstance(self.sentiment, LinearTextClassifier):
            # Too few tone phrases for a polar label: top up with the sentiment model's phrases.
            top_up = [
                lb if lb is not None and lb != "neutral" and len(p) < top_k else None
                for lb, p in zip(labels, phrases, strict=True)
            ]
            if any(top_up):
                phrases = self.sentiment._explain_rows(sentiment_words, top_up, top_k, phrases)
        return phrases

    def predict_matrices(
        self, texts: Sequence[str], sentiment_prior: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(tone, sentiment) probability arrays in LABELS order, normalizing each text once."""
        tone, prior, _ = self.analyze(texts, sentiment_prior)
        return tone, prior

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Tone probabilities for focus texts."""
        if not texts:
            return []
        return [dict(zip(LABELS, map(float, row), strict=True)) for row in self.predict_matrices(texts)[0]]

    def explain(self, text: str, top_k: int = REASON_TOP_K, label: str | None = None) -> list[str]:
        """Tone word features that drove the label, topped up with the sentiment model's phrases.

        A phrase's weight is its tf-idf × the label's coefficient; phrases made only of punctuation,
        day/month names or numbers are never shown, and a phrase inside a stronger one is not repeated.
        """
        if self.model is None:
            return []
        if label is None:
            return self.analyze([text], top_k=top_k)[2][0]
        batch = _Batch([text])
        prior, sentiment_words = self._sentiment_batch(batch)
        _, words = self._features(batch, prior)
        return self._explain_rows(words, [label if text.strip() else None], top_k, sentiment_words)[0]


class TransformerBackend:
    """A fine-tuned sequence-classification model in a local directory (Hugging Face layout).

    Nothing is downloaded: `local_files_only=True`. torch and transformers are optional dependencies,
    imported on first use so the default install stays small.
    """

    def __init__(self, path: str, *, max_length: int = 256, batch_size: int = 16) -> None:
        self.path = path
        self.max_length = max_length
        self.batch_size = batch_size
        self.version = f"transformer:{path}"
        self._loaded: tuple[Any, Any, Any, dict[int, str]] | None = None

    def _load(self) -> tuple[Any, Any, Any, dict[int, str]]:
        if self._loaded is not None:
            return self._loaded
        from gaung.analyze.modelstore import ModelError

        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
        except ImportError as exc:
            raise ModelError(
                f"The transformer backend configured at {self.path} needs torch and transformers "
                "(`pip install torch transformers`); or remove the setting to use the default linear models."
            ) from exc
        try:
            tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
            model = AutoModelForSequenceClassification.from_pretrained(self.path, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ModelError(f"Cannot load a transformer model from {self.path}: {exc}") from exc
        model.eval()
        id2label = {int(i): _map_label(str(name)) for i, name in model.config.id2label.items()}
        self._loaded = (torch, tokenizer, model, id2label)
        return self._loaded

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Softmax over the model's labels, mapped onto LABELS."""
        torch, tokenizer, model, id2label = self._load()
        results: list[dict[str, float]] = []
        for start in range(0, len(texts), self.batch_size):
            batch = [clean_text(t) for t in texts[start : start + self.batch_size]]
            encoded = tokenizer(
                batch, truncation=True, max_length=self.max_length, padding=True, return_tensors="pt"
            )
            with torch.no_grad():
                probabilities = torch.softmax(model(**encoded).logits, dim=-1).tolist()
            for row in probabilities:
                scores = dict.fromkeys(LABELS, 0.0)
                for i, p in enumerate(row):
                    scores[id2label[i]] += float(p)
                results.append(scores)
        return results

    def explain(self, text: str, top_k: int = 5) -> list[str]:
        """The sentences that most support the predicted label (cheap, model-agnostic)."""
        whole = self.predict_proba([text])[0]
        label = max(whole, key=lambda k: whole[k])
        sentences = [s for s in _SENTENCE_RE.split(clean_text(text)) if s.strip()]
        if len(sentences) <= 1:
            return sentences[:1]
        scored = self.predict_proba(sentences)
        ranked = sorted(zip(sentences, scored, strict=True), key=lambda pair: -pair[1][label])
        return [s.strip() for s, _ in ranked[:top_k]]


def _map_label(name: str) -> str:
    lowered = name.lower()
    for label in LABELS:
        if lowered.startswith(label[:3]):
            return label
    if lowered.startswith(("positif", "pos")):
        return "positive"
    if lowered.startswith(("negatif",)):
        return "negative"
    if lowered.startswith(("netral", "neu")):
        return "neutral"
    raise ValueError(f"transformer label {name!r} is not positive/neutral/negative")


def focus_text(title: str | None, text: str, watch_terms: Sequence[str] = ()) -> str:
    """Headline (twice) + lead + sentences naming government actors or watched entities, capped."""
    body = clean_text(text or "")
    headline = clean_text(title or "").strip()
    sentences = [s.strip() for s in _SENTENCE_RE.split(body) if s and s.strip()]
    chosen = sentences[:LEAD_SENTENCES]
    terms = [t.lower() for t in watch_terms if t]
    extra = 0
    for sentence in sentences[LEAD_SENTENCES:]:
        if extra >= MAX_ACTOR_SENTENCES:
            break
        lowered = sentence.lower()
        if GOVERNMENT_ACTOR_RE.search(sentence) or any(term in lowered for term in terms):
            chosen.append(sentence)
            extra += 1
    parts = [headline, headline] if headline else []
    return " ".join([*parts, *chosen])[:MAX_FOCUS_CHARS]


@dataclass(frozen=True)
class ToneResult:
    """Tone toward government with its probabilities and the phrases behind it (`tone_reason`)."""

    label: str
    scores: dict[str, float]
    reason: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TextAnalysis:
    """Sentiment and tone of one text, with the model version to store as analysis_version."""

    sentiment: str
    sentiment_scores: dict[str, float]
    tone: ToneResult
    version: str


def _argmax(scores: dict[str, float]) -> str:
    return max(LABELS, key=lambda label: scores[label])


def analyze_many(
    items: Sequence[tuple[str | None, str]],
    watch_terms: Sequence[str] = (),
    *,
    bundle: ModelBundle | None = None,
    explain: bool = True,
) -> list[TextAnalysis]:
    """Sentiment + tone for (title, text) pairs in one vectorized pass (the fast path for pipelines).

    Without `bundle`, the default models are loaded (and built on first use, see modelstore).
    """
    if bundle is None:
        from gaung.analyze.modelstore import ensure_models

        bundle = ensure_models()
    focused = [focus_text(title, text, watch_terms) for title, text in items]
    tone_model = bundle.tone
    if isinstance(tone_model, ToneClassifier):
        tone_matrix, sentiment_matrix, reasons = tone_model.analyze(
            focused, top_k=REASON_TOP_K if explain else 0
        )
        tone_scores = [dict(zip(LABELS, map(float, row), strict=True)) for row in tone_matrix]
        sentiment_scores = [dict(zip(LABELS, map(float, row), strict=True)) for row in sentiment_matrix]
    else:
        sentiment_scores = bundle.sentiment.predict_proba(focused)
        tone_scores = tone_model.predict_proba(focused)
        reasons = [
            tone_model.explain(text, REASON_TOP_K) if explain and text.strip() else [] for text in focused
        ]
    return [
        TextAnalysis(_argmax(sentiment), sentiment, ToneResult(_argmax(tone), tone, reason), bundle.version)
        for tone, sentiment, reason in zip(tone_scores, sentiment_scores, reasons, strict=True)
    ]


def analyze_tone(
    title: str | None, text: str, watch_terms: Sequence[str] = (), *, bundle: ModelBundle | None = None
) -> ToneResult:
    """Tone toward government of one article or post, weighing headline, lead and actor sentences."""
    return analyze_many([(title, text)], watch_terms, bundle=bundle)[0].tone
