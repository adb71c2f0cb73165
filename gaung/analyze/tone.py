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
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.svm import LinearSVC

from gaung.analyze.normalize import NEGATION_PREFIX, _data_dir, clean_text, model_text

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
    return clean_text(text).lower()


def _readable(feature: str) -> str:
    return " ".join(
        f"(tidak) {w[len(NEGATION_PREFIX) :]}" if w.startswith(NEGATION_PREFIX) else w
        for w in feature.split()
    )


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
        self.chars = TfidfVectorizer(
            preprocessor=_lower_clean, analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
        )
        self.svc: LinearSVC | None = None
        self.calibrator: LogisticRegression | None = None

    def _features(
        self, texts: Sequence[str], normalized: Sequence[str] | None = None, *, fit: bool = False
    ) -> sp.csr_matrix:
        if normalized is None:
            normalized = [model_text(t) for t in texts]
        if fit:
            word_block = self.words.fit_transform(normalized)
            char_block = self.chars.fit_transform(texts)
        else:
            word_block = self.words.transform(normalized)
            char_block = self.chars.transform(texts)
        return sp.hstack([word_block, char_block, lexicon_features(normalized)], format="csr")

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

    def proba_matrix(self, texts: Sequence[str], normalized: Sequence[str] | None = None) -> np.ndarray:
        """Probabilities as an array with columns in LABELS order (the fast path for stacking)."""
        if self.svc is None or self.calibrator is None:
            raise RuntimeError("LinearTextClassifier used before fit()")
        probabilities = self.calibrator.predict_proba(
            self.svc.decision_function(self._features(texts, normalized))
        )
        order = [list(self.calibrator.classes_).index(label) for label in LABELS]
        return np.asarray(probabilities[:, order])

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Calibrated probabilities per text (empty text gets the model's prior)."""
        if not texts:
            return []
        return [dict(zip(LABELS, map(float, row), strict=True)) for row in self.proba_matrix(texts)]

    def explain(self, text: str, top_k: int = 5, label: str | None = None) -> list[str]:
        """Word n-grams with the largest contribution toward `label` (default: the predicted one)."""
        if self.svc is None:
            return []
        if label is None:
            scores = self.predict_proba([text])[0]
            label = max(scores, key=lambda k: scores[k])
        row = list(self.svc.classes_).index(label)
        n_words = len(self.words.vocabulary_)
        vector = self.words.transform([model_text(text)])
        return _top_features(vector, self.svc.coef_[row, :n_words], _names(self.words), top_k)


def _top_features(vector: sp.csr_matrix, weights: np.ndarray, names: np.ndarray, top_k: int) -> list[str]:
    contributions = vector.multiply(weights).tocsr()
    order = np.argsort(-contributions.data)
    phrases: list[str] = []
    for idx in order:
        if contributions.data[idx] <= 0 or len(phrases) >= top_k:
            break
        phrase = _readable(str(names[contributions.indices[idx]]))
        # Skip a unigram already covered by a chosen bigram: the bigram is the more readable reason.
        if not any(phrase in chosen for chosen in phrases):
            phrases.append(phrase)
    return phrases


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

    def sentiment_matrix(self, texts: Sequence[str], normalized: Sequence[str] | None = None) -> np.ndarray:
        """Sentiment probabilities (LABELS order), sharing the normalized text with the linear backend."""
        if isinstance(self.sentiment, LinearTextClassifier):
            return self.sentiment.proba_matrix(texts, normalized)
        return np.array([[s[label] for label in LABELS] for s in self.sentiment.predict_proba(texts)])

    def _features(self, normalized: Sequence[str], prior: np.ndarray, *, fit: bool = False) -> sp.csr_matrix:
        words = self.words.fit_transform(normalized) if fit else self.words.transform(normalized)
        return sp.hstack(
            [words, sp.csr_matrix(prior * SENTIMENT_PRIOR_WEIGHT), lexicon_features(normalized)], format="csr"
        )

    def fit(
        self,
        texts: Sequence[str],
        labels: Sequence[str],
        sample_weight: Sequence[float] | None = None,
        sentiment_prior: np.ndarray | None = None,
    ) -> ToneClassifier:
        """Fit on focus texts; pass a precomputed `sentiment_prior` to save time in cross-validation."""
        normalized = [model_text(t) for t in texts]
        prior = sentiment_prior if sentiment_prior is not None else self.sentiment_matrix(texts, normalized)
        features = self._features(normalized, prior, fit=True)
        self.model = LogisticRegression(
            C=self.c, class_weight="balanced", max_iter=2000, random_state=self.seed
        )
        weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.model.fit(features, list(labels), sample_weight=weights)
        return self

    def predict_matrices(
        self, texts: Sequence[str], sentiment_prior: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(tone, sentiment) probability arrays in LABELS order, normalizing each text once."""
        if self.model is None:
            raise RuntimeError("ToneClassifier used before fit()")
        normalized = [model_text(t) for t in texts]
        prior = sentiment_prior if sentiment_prior is not None else self.sentiment_matrix(texts, normalized)
        probabilities = self.model.predict_proba(self._features(normalized, prior))
        order = [list(self.model.classes_).index(label) for label in LABELS]
        return np.asarray(probabilities[:, order]), prior

    def predict_proba(self, texts: Sequence[str]) -> list[dict[str, float]]:
        """Tone probabilities for focus texts."""
        if not texts:
            return []
        return [dict(zip(LABELS, map(float, row), strict=True)) for row in self.predict_matrices(texts)[0]]

    def explain(self, text: str, top_k: int = 5, label: str | None = None) -> list[str]:
        """Tone word features that drove the label, topped up with the sentiment model's phrases."""
        if self.model is None:
            return []
        if label is None:
            scores = self.predict_proba([text])[0]
            label = max(scores, key=lambda k: scores[k])
        row = list(self.model.classes_).index(label)
        n_words = len(self.words.vocabulary_)
        vector = self.words.transform([model_text(text)])
        phrases = _top_features(vector, self.model.coef_[row, :n_words], _names(self.words), top_k)
        if len(phrases) < top_k and label != "neutral" and isinstance(self.sentiment, LinearTextClassifier):
            phrases += [p for p in self.sentiment.explain(text, top_k, label) if p not in phrases]
        return phrases[:top_k]


def _names(vectorizer: TfidfVectorizer) -> np.ndarray:
    """Feature names, cached on the vectorizer: building them costs more than a prediction."""
    cached = getattr(vectorizer, "_gaung_names", None)
    if cached is None:
        cached = vectorizer.get_feature_names_out()
        vectorizer._gaung_names = cached
    return cached


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
        tone_matrix, sentiment_matrix = tone_model.predict_matrices(focused)
        tone_scores = [dict(zip(LABELS, map(float, row), strict=True)) for row in tone_matrix]
        sentiment_scores = [dict(zip(LABELS, map(float, row), strict=True)) for row in sentiment_matrix]
    else:
        sentiment_scores = bundle.sentiment.predict_proba(focused)
        tone_scores = tone_model.predict_proba(focused)
    results = []
    for text, tone, sentiment in zip(focused, tone_scores, sentiment_scores, strict=True):
        label = _argmax(tone)
        reason: list[str] = []
        if explain and text.strip():
            if isinstance(tone_model, ToneClassifier):
                reason = tone_model.explain(text, 5, label)
            else:
                reason = tone_model.explain(text, 5)
        results.append(
            TextAnalysis(_argmax(sentiment), sentiment, ToneResult(label, tone, reason), bundle.version)
        )
    return results


def analyze_tone(
    title: str | None, text: str, watch_terms: Sequence[str] = (), *, bundle: ModelBundle | None = None
) -> ToneResult:
    """Tone toward government of one article or post, weighing headline, lead and actor sentences."""
    return analyze_many([(title, text)], watch_terms, bundle=bundle)[0].tone
