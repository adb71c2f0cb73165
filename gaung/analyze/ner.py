"""Statistical named-entity recognition: a CRF over PERSON, ORGANIZATION and PLACE.

Why a CRF: it trains in about a minute on two cores from the shipped corpora, tags thousands of
sentences a second, and needs no download — the watchlist covers the names the office cares most about,
the CRF catches everybody else.

Training data (package data under ``gaung/data/ner``, each folder with its SOURCE.md and license), train
splits only; their tag sets are mapped onto ours by ``TAG_MAPS``:

- NERGrit (IndoNLU): PERSON, PLACE, ORGANISATION.
- NERP (IndoNLU, Prosa): PPL, PLC, IND (companies, media, clubs, institutions); EVT and FNB are dropped.
  NERP is lower-cased, so its sentences are kept but the model learns not to trust case blindly.
- idner-news-2k: PER, ORG, LOC.

IndoLEM's NER UGM is *not* used: 209 of the 367 idner-news-2k dev sentences appear in it verbatim, so
training on it would inflate the dev score we report.

The model is saved as a native crfsuite file next to a small JSON card (version, scores, training time)
in the models directory (``$GAUNG_MODELS`` or ``$GAUNG_HOME/models``); ``load_ner`` builds it on first use.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

NER_MODEL_VERSION = "ner-crf-1"
ENTITY_TYPES = ("PERSON", "ORGANIZATION", "PLACE")
NER_DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "ner"

# Corpus tag -> our tag; tags not listed become "O".
TAG_MAPS: dict[str, dict[str, str]] = {
    "nergrit": {"PERSON": "PERSON", "PLACE": "PLACE", "ORGANISATION": "ORGANIZATION"},
    "nerp": {"PPL": "PERSON", "PLC": "PLACE", "IND": "ORGANIZATION"},
    "idner": {"PER": "PERSON", "LOC": "PLACE", "ORG": "ORGANIZATION"},
}


@dataclass(frozen=True)
class Corpus:
    """One shipped NER corpus: where its splits are and how to read its tags."""

    name: str
    train: str
    dev: str

    def path(self, split: str) -> Path:
        return NER_DATA_DIR / (self.train if split == "train" else self.dev)


CORPORA: dict[str, Corpus] = {
    "nergrit": Corpus(
        "nergrit", "nergrit_ner-grit/train_preprocess.txt", "nergrit_ner-grit/valid_preprocess.txt"
    ),
    "nerp": Corpus("nerp", "nerp_ner-prosa/train_preprocess.txt", "nerp_ner-prosa/valid_preprocess.txt"),
    "idner": Corpus("idner", "idner-news-2k/train.txt", "idner-news-2k/dev.txt"),
}

# NERP is left out of the default model: it is lower-cased and labels organisations differently (IND
# covers brands and products), and adding it cost 0.05 F1 on idner-news-2k dev (0.818 -> 0.769) for
# +0.005 on NERGrit valid while doubling training time. It ships so that the comparison can be re-run.
DEFAULT_CORPORA = ("nergrit", "idner")

# Training knobs. Chosen on the dev splits reported below (there is no separate tuning split), kept coarse
# so they are not fitted to the last decimal: c1/c2 from {0.05, 0.1, 0.2}; 100 L-BFGS iterations keep
# training under two minutes on a shared 2-core machine with < 0.005 F1 lost against 200 iterations.
CRF_C1 = 0.1
CRF_C2 = 0.05
CRF_MAX_ITERATIONS = 100

Sentence = list[tuple[str, str]]

# Words that announce a name next to them; a cheap "gazetteer" that carries across corpora.
PERSON_CUES = frozenset(
    [
        "pak",
        "bu",
        "bapak",
        "ibu",
        "sdr",
        "saudara",
        "saudari",
        "presiden",
        "wapres",
        "menteri",
        "gubernur",
        "wagub",
        "bupati",
        "wabup",
        "walikota",
        "wali",
        "camat",
        "lurah",
        "kapolri",
        "kapolda",
        "kapolres",
        "kapolsek",
        "kapten",
        "jenderal",
        "letjen",
        "mayjen",
        "brigjen",
        "kolonel",
        "kombes",
        "akbp",
        "kompol",
        "ketua",
        "wakil",
        "direktur",
        "dirut",
        "kepala",
        "sekretaris",
        "sekjen",
        "juru",
        "bicara",
        "jubir",
        "anggota",
        "pelatih",
        "kata",
        "ujar",
        "ucap",
        "tegas",
        "tutur",
        "jelas",
        "ungkap",
        "terang",
        "sebut",
        "imbuh",
        "tambah",
        "lanjut",
        "menurut",
        "dr",
        "ir",
        "drs",
        "hj",
        "h",
        "prof",
        "kh",
        "haji",
        "mr",
        "mrs",
        "ms",
    ]
)
ORG_CUES = frozenset(
    [
        "pt",
        "cv",
        "tbk",
        "partai",
        "dinas",
        "badan",
        "kementerian",
        "kemenkes",
        "kementrian",
        "dewan",
        "komisi",
        "universitas",
        "institut",
        "sekolah",
        "bank",
        "rumah",
        "sakit",
        "rs",
        "polres",
        "polda",
        "polsek",
        "pemkot",
        "pemkab",
        "pemprov",
        "pemerintah",
        "dprd",
        "dpr",
        "mpr",
        "kpk",
        "kpu",
        "bawaslu",
        "lembaga",
        "yayasan",
        "persatuan",
        "asosiasi",
        "klub",
        "fc",
        "perusahaan",
        "organisasi",
    ]
)
PLACE_CUES = frozenset(
    [
        "di",
        "ke",
        "dari",
        "kota",
        "kabupaten",
        "kab",
        "provinsi",
        "prov",
        "desa",
        "kelurahan",
        "kecamatan",
        "kampung",
        "jalan",
        "jl",
        "pulau",
        "gunung",
        "sungai",
        "negara",
        "wilayah",
        "daerah",
        "selatan",
        "utara",
        "barat",
        "timur",
        "tengah",
    ]
)


def read_conll(path: Path, tag_map: dict[str, str] | None = None) -> list[Sentence]:
    """Read a CoNLL-style file (token first, BIO tag last on each line; blank line between sentences).

    Tags are mapped with ``tag_map`` (corpus type -> our type); unmapped types become ``O``.
    """
    sentences: list[Sentence] = []
    current: Sentence = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if not parts:
                if current:
                    sentences.append(current)
                    current = []
                continue
            token, tag = parts[0], parts[-1] if len(parts) > 1 else "O"
            if tag_map is not None and tag != "O":
                prefix, _, kind = tag.partition("-")
                mapped = tag_map.get(kind)
                tag = f"{prefix}-{mapped}" if mapped else "O"
            current.append((token, tag))
    if current:
        sentences.append(current)
    return sentences


def load_corpus(name: str, split: str) -> list[Sentence]:
    """One shipped corpus split ("train" or "dev") with tags mapped to PERSON/ORGANIZATION/PLACE."""
    corpus = CORPORA[name]
    return read_conll(corpus.path(split), TAG_MAPS[name])


_SHAPE_TABLE = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "X" * 26 + "x" * 26 + "d" * 10
)
_REPEATS = re.compile(r"(.)\1+")
# News vocabulary repeats heavily, so per-word features are cached: tagging is dominated by them.
_WORD_CACHE_SIZE = 1 << 18


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _shape(word: str) -> str:
    return _REPEATS.sub(r"\1\1", word.translate(_SHAPE_TABLE))


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _word_base(word: str) -> tuple[tuple[str, Any], ...]:
    lower = word.lower()
    return (
        ("w", lower),
        ("title", word[:1].isupper()),
        ("upper", word.isupper() and len(word) > 1),
        ("shape", _shape(word)),
        ("pcue", lower in PERSON_CUES),
        ("ocue", lower in ORG_CUES),
        ("lcue", lower in PLACE_CUES),
    )


def _word_features(word: str, prefix: str) -> dict[str, Any]:
    return {f"{prefix}{key}": value for key, value in _word_base(word)}


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def _token_base(word: str) -> tuple[tuple[str, Any], ...]:
    lower = word.lower()
    return (
        ("bias", 1.0),
        ("w", lower),
        ("p2", lower[:2]),
        ("p3", lower[:3]),
        ("s2", lower[-2:]),
        ("s3", lower[-3:]),
        ("s4", lower[-4:]),
        ("title", word[:1].isupper()),
        ("upper", word.isupper() and len(word) > 1),
        ("digit", word.isdigit()),
        ("hasdigit", any(c.isdigit() for c in word)),
        ("punct", not any(c.isalnum() for c in word)),
        ("shape", _shape(word)),
        ("len", min(len(word), 8)),
        ("pcue", lower in PERSON_CUES),
        ("ocue", lower in ORG_CUES),
        ("lcue", lower in PLACE_CUES),
    )


def token_features(tokens: Sequence[str], i: int) -> dict[str, Any]:
    """Features of token ``i``: the word, its shape and affixes, and its two neighbours on each side."""
    word = tokens[i]
    lower = word.lower()
    features: dict[str, Any] = dict(_token_base(word))
    if i == 0:
        features["BOS"] = True
    if i == len(tokens) - 1:
        features["EOS"] = True
    for offset in (-2, -1, 1, 2):
        j = i + offset
        if 0 <= j < len(tokens):
            features.update(_word_features(tokens[j], f"{offset:+d}:"))
    if i > 0:
        features["-1w|w"] = f"{tokens[i - 1].lower()}|{lower}"
    if i < len(tokens) - 1:
        features["w|+1w"] = f"{lower}|{tokens[i + 1].lower()}"
    return features


def sentence_features(tokens: Sequence[str]) -> list[dict[str, Any]]:
    """Features for every token of a sentence."""
    return [token_features(tokens, i) for i in range(len(tokens))]


def default_models_dir() -> Path:
    """Where model artifacts live: ``$GAUNG_MODELS``, else ``$GAUNG_HOME/models`` (``./var/models``)."""
    if os.environ.get("GAUNG_MODELS"):
        return Path(os.environ["GAUNG_MODELS"])
    return Path(os.environ.get("GAUNG_HOME", "var")) / "models"


def default_model_path() -> Path:
    """The default NER artifact path (a native crfsuite model; its JSON card sits beside it)."""
    return default_models_dir() / f"{NER_MODEL_VERSION}.crfsuite"


@dataclass
class NerModel:
    """A trained CRF tagger plus what we know about it (version, training time, dev scores)."""

    path: Path
    card: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        import pycrfsuite  # sklearn-crfsuite's backend; imported late so `import gaung` stays light

        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(self.path))

    @property
    def version(self) -> str:
        return str(self.card.get("version", NER_MODEL_VERSION))

    def tag(self, tokens: Sequence[str]) -> list[str]:
        """BIO tags (over PERSON/ORGANIZATION/PLACE) for one tokenised sentence."""
        if not tokens:
            return []
        return list(self._tagger.tag(sentence_features(tokens)))

    def tag_many(self, sentences: Iterable[Sequence[str]]) -> list[list[str]]:
        """BIO tags for many sentences."""
        return [self.tag(tokens) for tokens in sentences]

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """Entity spans ``(start, end, type)`` as character offsets into ``text``."""
        found: list[tuple[int, int, str]] = []
        offset = 0
        for paragraph in text.split("\n"):  # an entity never spans paragraphs ("R&B.\nSebelumnya Agnez")
            for sentence in split_sentences(tokenize(paragraph)):
                tags = self.tag([token for token, _, _ in sentence])
                for first, last, kind in bio_chunks(tags):
                    found.append((offset + sentence[first][1], offset + sentence[last - 1][2], kind))
            offset += len(paragraph) + 1
        return found


# Numbers with separators ("1.500,5"), words with inner dots, hyphens or apostrophes ("Kompas.com",
# "Jawa-Bali", "Jum'at"), then any single non-space symbol.
_TOKEN = re.compile(r"\d+(?:[.,]\d+)+|\w+(?:[.'’\-]\w+)*|[^\w\s]")
_SENTENCE_END = frozenset(".!?")
MAX_SENTENCE_TOKENS = 120  # long run-on "sentences" (lists, tables) are cut so tagging stays linear


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Tokens of raw text with their character offsets ``(token, start, end)``."""
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def split_sentences(tokens: list[tuple[str, int, int]]) -> list[list[tuple[str, int, int]]]:
    """Cut a token stream into sentences at ., ! and ? (and at MAX_SENTENCE_TOKENS)."""
    sentences: list[list[tuple[str, int, int]]] = []
    current: list[tuple[str, int, int]] = []
    for token in tokens:
        current.append(token)
        # "Dr. Helmi", "H. Rahmat": a dot after a short capitalised word is an abbreviation, not an end.
        after_abbreviation = (
            token[0] == "." and len(current) > 1 and len(current[-2][0]) <= 3 and current[-2][0][:1].isupper()
        )
        if (token[0] in _SENTENCE_END and not after_abbreviation) or len(current) >= MAX_SENTENCE_TOKENS:
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def bio_chunks(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entity chunks ``(first, end, type)`` (token indices, end exclusive) from BIO tags, conlleval-style.

    As in conlleval, an ``I-`` tag that does not continue a chunk of its type starts a new chunk.
    """
    chunks: list[tuple[int, int, str]] = []
    start: int | None = None
    kind = ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, tag_kind = tag.partition("-")
        continues = prefix == "I" and start is not None and tag_kind == kind
        if start is not None and not continues:
            chunks.append((start, i, kind))
            start = None
        if prefix in ("B", "I") and not continues:
            start, kind = i, tag_kind
    return chunks


@dataclass
class NerScores:
    """Entity-level (exact span and type) precision, recall and F1, overall and per type."""

    precision: float
    recall: float
    f1: float
    per_type: dict[str, float]
    gold: int
    predicted: int

    @property
    def macro_f1(self) -> float:
        """Mean of per-type F1, the figure IndoNLU reports (conlleval itself reports ``f1``)."""
        return sum(self.per_type.values()) / len(self.per_type) if self.per_type else 0.0


def score_chunks(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> NerScores:
    """conlleval-style scores: a predicted entity counts only if its span and type match exactly."""
    counts = {kind: [0, 0, 0] for kind in ENTITY_TYPES}  # correct, gold, predicted
    for gold_tags, predicted_tags in zip(gold, predicted, strict=True):
        gold_chunks = set(bio_chunks(gold_tags))
        predicted_chunks = set(bio_chunks(predicted_tags))
        for chunk in gold_chunks:
            counts.setdefault(chunk[2], [0, 0, 0])[1] += 1
        for chunk in predicted_chunks:
            counts.setdefault(chunk[2], [0, 0, 0])[2] += 1
            if chunk in gold_chunks:
                counts[chunk[2]][0] += 1

    def prf(correct: int, n_gold: int, n_predicted: int) -> tuple[float, float, float]:
        precision = correct / n_predicted if n_predicted else 0.0
        recall = correct / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1

    total = [sum(c[k] for c in counts.values()) for k in range(3)]
    precision, recall, f1 = prf(*total)
    per_type = {kind: prf(*c)[2] for kind, c in counts.items() if c[1]}
    return NerScores(precision, recall, f1, per_type, gold=total[1], predicted=total[2])


def train_ner(
    path: Path | None = None,
    corpora: Sequence[str] = DEFAULT_CORPORA,
    *,
    max_iterations: int = CRF_MAX_ITERATIONS,
    evaluate: bool = True,
    max_sentences: int | None = None,
) -> NerModel:
    """Train the CRF on the train splits of ``corpora``, save it to ``path`` and return it.

    L-BFGS is deterministic, so the same data and knobs give the same model (no seed to set).
    When ``evaluate`` is true, dev scores are written into the model card. ``max_sentences`` caps each
    corpus (tests build a tiny model in seconds with it).
    """
    import sklearn_crfsuite

    path = path or default_model_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    features: list[list[dict[str, Any]]] = []
    labels: list[list[str]] = []
    for name in corpora:
        for sentence in load_corpus(name, "train")[:max_sentences]:
            features.append(sentence_features([token for token, _ in sentence]))
            labels.append([tag for _, tag in sentence])
    # Write to a temporary name and rename, so a crash never leaves a half-written model behind.
    partial = path.with_suffix(".partial")
    crf = sklearn_crfsuite.CRF(
        algorithm="lbfgs",
        c1=CRF_C1,
        c2=CRF_C2,
        max_iterations=max_iterations,
        all_possible_transitions=True,
        model_filename=str(partial),
    )
    crf.fit(features, labels)
    seconds = time.perf_counter() - started
    os.replace(partial, path)
    card: dict[str, Any] = {
        "version": NER_MODEL_VERSION,
        "corpora": list(corpora),
        "sentences": len(features),
        "train_seconds": round(seconds, 1),
        "c1": CRF_C1,
        "c2": CRF_C2,
        "max_iterations": max_iterations,
    }
    model = NerModel(path, card)
    _LOADED[path.resolve()] = model
    if evaluate:
        card["dev_f1"] = {name: round(evaluate_ner(model, name).f1, 4) for name in ("nergrit", "idner")}
    card_path(path).write_text(json.dumps(card, indent=2), encoding="utf-8")
    log.info("trained NER model %s in %.0f s: %s", path, seconds, card.get("dev_f1"))
    return model


def card_path(model_path: Path) -> Path:
    """The JSON card that describes a model file."""
    return model_path.with_suffix(".json")


def evaluate_ner(model: NerModel, corpus: str = "nergrit") -> NerScores:
    """Entity-level scores of ``model`` on a corpus's dev/valid split (never used for training)."""
    sentences = load_corpus(corpus, "dev")
    gold = [[tag for _, tag in sentence] for sentence in sentences]
    predicted = model.tag_many([[token for token, _ in sentence] for sentence in sentences])
    return score_chunks(gold, predicted)


def build_ner(path: Path | None = None, *, force: bool = False) -> NerModel:
    """Build the default NER model unless it exists (``gaung models build`` calls this)."""
    path = path or default_model_path()
    if path.exists() and not force:
        return load_ner(path, build_if_missing=False)
    return train_ner(path)


_LOADED: dict[Path, NerModel] = {}  # one tagger per model file per process: opening one costs ~0.1 s


def load_ner(path: Path | None = None, *, build_if_missing: bool = True) -> NerModel:
    """Load the NER model, training it first when it is missing so a new user never meets an error."""
    path = path or default_model_path()
    cached = _LOADED.get(path.resolve())
    if cached is not None and path.exists():
        return cached
    if not path.exists():
        if not build_if_missing:
            raise FileNotFoundError(f"{path}: no NER model; run `gaung models build`")
        log.warning("no NER model at %s; training one now (about a minute)", path)
        return train_ner(path)
    card: dict[str, Any] = {}
    if card_path(path).exists():
        card = json.loads(card_path(path).read_text(encoding="utf-8"))
    model = NerModel(path, card)
    _LOADED[path.resolve()] = model
    return model
