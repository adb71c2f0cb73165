"""Extractive summaries of one issue: the few sentences that say what its articles say.

The daily brief shows each top issue with a two- or three-sentence summary built from its articles
(often several syndicated copies of one story). The steps, in the order `summarize` runs them:

1. each text goes through the site-insert cleanup (`gaung.extract.cleanup.clean_text`) and is cut into
   sentences by `split_sentences`, which knows Indonesian abbreviations ("dr.", "H.", "Prof.", "Rp."),
   initials, decimals ("1.000") and quotations (kept whole, even when they hold several sentences);
2. boilerplate sentences ("Baca juga", "Simak video", "(ant)", bylines, photo credits) are dropped and
   datelines ("Jakarta, CNN Indonesia --") are cut off the lead, because they are not news;
3. sentences repeated verbatim across copies become one node that remembers how many copies carry it;
4. TextRank: a graph of TF-IDF cosine similarity between sentences, ranked by PageRank (power iteration)
   whose teleport vector favours early sentences (news puts the point first), sentences near the title,
   sentences carried by several copies, and disfavours sentences that open with a quotation (a summary
   reports; it rarely quotes);
5. greedy selection by rank that skips any sentence too similar to one already chosen, so near-identical
   sentences from syndicated copies never appear twice;
6. the chosen sentences are put back in reading order (position in the article, then article order).

`lead` is the lead-N baseline over the same sentences (also the fallback for a caller who wants no
ranking). Parameters live in `SummaryOptions`; the shipped defaults were tuned on IndoSum dev folds 01-02
only (see `gaung.analyze.summarize_eval` and docs/summaries.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from gaung.analyze.normalize import stopwords
from gaung.extract.cleanup import INLINE_PHOTO_CREDIT_RE, clean_text, insert_kind

__all__ = [
    "DEFAULT_OPTIONS",
    "SUMMARIZER_VERSION",
    "SummaryOptions",
    "lead",
    "split_sentences",
    "strip_dateline",
    "summarize",
]

SUMMARIZER_VERSION = "textrank-1"

# --- Sentence splitting -------------------------------------------------------------------------------
# Words written with a full stop that does not end the sentence (lower-cased, without the dot): titles
# ("dr.", "Prof.", "H.", "Hj.", "Ir."), name abbreviations ("Moh.", "Muh."), and what precedes a number
# or a name ("No.", "Rp.", "Jl.", "Kab.", "Kec."). Words that may also end a sentence ("dll.", "dkk.",
# "Tbk.", "km.") are deliberately absent: a capital after them starts a new sentence.
ABBREVIATIONS = frozenset(
    {
        "dr", "drg", "prof", "h", "hj", "ir", "drs", "dra", "moh", "muh", "mohd", "abd", "tn", "ny",
        "nn", "sdr", "sdri", "bpk", "bp", "yth", "pdt", "mgr", "kh", "jend", "brigjen", "kol", "no",
        "nomor", "rp", "jl", "jln", "gg", "kab", "kec", "kel", "kep", "prov", "tgl", "hlm", "vol",
        "mr", "mrs", "ms", "jr", "sr", "st", "vs", "sdn", "bhd", "lc", "sp",
    }
)  # fmt: skip
# A sentence ends at ., !, ? or an ellipsis, after any closing quotes or brackets, before white space and
# the capital (or digit) that opens the next one, possibly behind an opening quote or bracket.
_BOUNDARY_RE = re.compile(r"(?P<end>[.!?…]+)(?P<closers>[\"”’')\]]*)\s+(?=[\"“‘'(\[]?(?P<next>\w))")
# A quotation is kept whole ("Apa itu? Aplikasi yang merekam pesan," cuit dia.), since a fragment of it
# reads badly on its own in a summary; an unbalanced quote mark stops protecting after this many characters.
MAX_QUOTED_SENTENCE_CHARS = 400
_WORD_BEFORE_RE = re.compile(r"(\S+)$")
_SPACES_RE = re.compile(r"\s+")


def _is_abbreviation(word: str) -> bool:
    """Whether `word` (the text right before a full stop) is an abbreviation, not a sentence end."""
    word = word.lstrip("\"“‘'([")
    if not word:
        return False
    if word.lower() in ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha() and word.isupper():  # an initial: "B. J. Habibie", "H. Rahmat"
        return True
    # Dotted abbreviations and initials: "S.H.", "M.Si.", "B.J.", "a.n." (but not "Kompas.com").
    parts = word.split(".")
    return len(parts) > 1 and word[0].isalpha() and all(0 < len(part) <= 3 for part in parts)


def _inside_quote(before: str) -> bool:
    """Whether a quotation opened in `before` is still open (straight quotes counted in pairs)."""
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”")


def split_sentences(text: str) -> list[str]:
    """Cut text into sentences; line breaks always end one, and the result has no empty strings.

    Indonesian-aware: no cut after abbreviations and titles ("dr.", "H.", "Prof.", "No.", "Rp."),
    initials ("B.J. Habibie"), inside numbers ("1.000", "10.30"), after a list number ("1. Tidur"),
    before a lower-case word, or inside a quotation (`"Siap. Kami berangkat," kata dia.` is one sentence).
    """
    sentences: list[str] = []
    for line in text.replace("\r", "\n").split("\n"):
        line = _SPACES_RE.sub(" ", line).strip()
        if not line:
            continue
        start = 0
        for match in _BOUNDARY_RE.finditer(line):
            following = match.group("next")
            if not (following.isupper() or following.isdigit()):
                continue
            before = line[start : match.start()]
            if _inside_quote(line[start : match.end("closers")]) and len(before) < MAX_QUOTED_SENTENCE_CHARS:
                continue
            if match.group("end") == "." and not match.group("closers"):
                word = _WORD_BEFORE_RE.search(before)
                if word and _is_abbreviation(word.group(1)):
                    continue
                if before.strip().isdigit() and len(before.strip()) <= 2:  # "1. Tidur lama"
                    continue
            cut = match.end("closers")
            sentence = line[start:cut].strip()
            if sentence:
                sentences.append(sentence)
            start = cut
        rest = line[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences


# --- Boilerplate and datelines --------------------------------------------------------------------------
# Agency and editor tags closing a story: "(ant)", "(kid/kid)", "(red)", "(Antara)", "(ant/ab)".
_TRAILING_TAG_RE = re.compile(
    r"\s*[(\[](?:antara|[a-z]{1,5}(?:\s*/\s*[a-z]{1,5})*)[)\]]\s*\.?$", re.IGNORECASE
)
# Sentences that are page furniture rather than news (beyond what `insert_kind` already knows).
_BOILERPLATE_SENTENCE_RE = re.compile(
    r"^(?:baca|lihat|simak|tonton|saksikan)\s+(?:juga|pula|video|berita|selengkapnya)\b"
    r"|^advertisement\b|^scroll\s+to\s+continue"
    r"|^(?:laporan|reporter|penulis|editor|pewarta|kontributor|fotografer)\b\s*(?:wartawan\b|:)"
    r"|^\(?(?:foto|photo|ilustrasi|dok)\s*[:.]"
    r"|^(?:ikuti|follow)\s+(?:kami|berita|akun)\b"
    r"|\b(?:whatsapp|telegram)\s+channel\b"
    r"|^(?:sumber|source)\s*:",
    re.IGNORECASE,
)
# Outlet names that appear in datelines ("Jakarta, CNN Indonesia --", "Suara.com -", "Jakarta (ANTARA) -").
_OUTLET_HINT_RE = re.compile(
    r"\.com|\.co\.id|\.id\b|\bcnn\b|antara|kompas|detik|tribun|suara|merdeka|kumparan|okezone|liputan6|"
    r"tempo|republika|viva|sindo|jpnn|bisnis|kontan|inews|idntimes|tirto|beritasatu|poskota|rimanews",
    re.IGNORECASE,
)
# The dash after a dateline is typed every way: "JAKARTA - ", "JAKARTA- ", "JAKARTA– ", "KOMPAS.com -Harga"
# (space before, none after), "JAKARTA—Harga". A bare hyphen needs a space on one side at least, so
# "Indonesia-Rusia" is never a dateline; the prefix must still look like one (see strip_dateline).
_DATELINE_RE = re.compile(
    r"^(?P<prefix>[^\n]{2,60}?)(?:\s*(?:--|- -|—|–|-)\s+|\s+(?:--|—|–|-)|\s*(?:--|—|–))(?=\S)"
)
_CITY_OUTLET_RE = re.compile(r"^[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2}\s*(?:,|\()\s*[A-Z][\w. ]{1,30}\)?$")
# A bare city in capitals ("JAKARTA", "TANGERANG SELATAN"): how Indonesian outlets open a story; a title-case
# word is not enough ("Persib - Persija berakhir imbang").
_CAPS_CITY_RE = re.compile(r"^[A-Z][A-Z.'’]+(?:\s+[A-Z][A-Z.'’]+){0,2}$")


def strip_dateline(sentence: str) -> str:
    """`sentence` without a leading dateline ("JAKARTA, KOMPAS.com - ", "Suara.com - ")."""
    match = _DATELINE_RE.match(sentence)
    if not match:
        return sentence
    prefix = match.group("prefix").strip()
    if len(prefix.split()) > 6:
        return sentence
    rest = sentence[match.end() :]
    if _OUTLET_HINT_RE.search(prefix) or _CITY_OUTLET_RE.match(prefix):
        return rest
    # a city in capitals is followed by the story's capitalised first word ("PSSI —resmi …" is not)
    if _CAPS_CITY_RE.match(prefix) and (rest[:1].isupper() or rest[:1] in "\"“'‘"):
        return rest
    return sentence


def _is_boilerplate(sentence: str) -> bool:
    return bool(insert_kind(sentence) or _BOILERPLATE_SENTENCE_RE.search(sentence))


def _clean_sentence(sentence: str) -> str:
    sentence = INLINE_PHOTO_CREDIT_RE.sub("", sentence)
    return _TRAILING_TAG_RE.sub("", sentence).strip()


# --- Ranking ----------------------------------------------------------------------------------------------
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)
_QUOTE_OPENERS = frozenset("\"“‘'")


@dataclass(frozen=True, slots=True)
class SummaryOptions:
    """Parameters of the summariser. The first four were swept on IndoSum dev folds 01-02 only
    (`summarize_eval.tune`, ROUGE-1/2/L F1 of 3-sentence summaries of 1,465 articles); every setting near
    the chosen one scored within 0.003 ROUGE-1, so the middle of that plateau is taken.
    """

    # PageRank damping: the share of a sentence's score that flows from similar sentences rather than the
    # teleport prior. 0.15 best (R1 0.694); 0.3 gave 0.690, the textbook 0.85 only 0.54, and 0 (prior
    # only, no graph) 0.693. So on single news articles the graph adds little; with several articles it
    # is what lets sentences that many articles echo rise.
    damping: float = 0.15
    # Teleport weight of the sentence at position p (0-based, within its article) is 1 / (1 + p) ** this.
    # Swept 0.5-5: 0.5-1.0 tie within 0.0015 R1; steeper priors fall (2.0: -0.01, 5.0: -0.08), because
    # the flow from a dominant lead then decides every other pick.
    position_exponent: float = 0.75
    # Teleport weight is multiplied by (1 + title_weight * cosine(sentence, title)) when a title is given.
    # Swept 0-2 with IndoSum titles rebuilt from URL slugs: 1.0 best, by +0.002 R1 over 0 (2.0: -0.002).
    title_weight: float = 1.0
    # Teleport weight of a sentence that opens with a quotation is multiplied by this: summaries report,
    # they rarely quote (in IndoSum dev 01-02, 2.3% of quote-led sentences after the lead are in the gold
    # summary against 9.8% of the others). 0.2-0.5 tie; 1.0 (no penalty) loses 0.022 R1 and ties lead-3:
    # this prior, not the graph, is most of what TextRank gains over lead-3 on IndoSum.
    quote_weight: float = 0.3
    # A candidate whose cosine (TF-IDF) with an already chosen sentence reaches this is redundant and
    # skipped. Syndicated near-copies score above 0.9; on single articles 0.5 and 0.7 tie, 0.3 loses 0.007 R1.
    # Without the cap, 36 of 50 groups of three copies repeat a sentence (`multi_document_check`).
    redundancy_cosine: float = 0.5
    # Sentences with fewer content words are not candidates (captions, fragments, "Ia mengatakan."),
    # unless nothing longer exists.
    min_words: int = 4
    # Sentences with more words are not candidates (tables and lists run together into one "sentence").
    max_words: int = 80
    # Bounds that keep time and memory small whatever the input (the similarity matrix is quadratic):
    # only the first characters and kept sentences of each article are read (news is front-loaded), and
    # at most `max_candidates` sentences overall, taken lead-first across articles.
    max_chars_per_text: int = 30_000
    max_sentences_per_text: int = 60
    max_candidates: int = 300


DEFAULT_OPTIONS = SummaryOptions()


@dataclass(slots=True)
class _Candidate:
    text: str
    position: int  # index among the article's kept sentences
    text_index: int  # which input text
    words: list[str]
    copies: int = 1


def _content_words(sentence: str, stop: frozenset[str]) -> list[str]:
    return [
        w for w in (m.group().lower() for m in _WORD_RE.finditer(sentence)) if len(w) > 1 and w not in stop
    ]


def _candidates(texts: Sequence[str], options: SummaryOptions) -> list[_Candidate]:
    """Kept sentences of all texts, verbatim repeats merged, in (position, text) order, capped."""
    stop = stopwords()
    per_text: list[list[_Candidate]] = []
    for text_index, text in enumerate(texts):
        kept: list[_Candidate] = []
        for raw in split_sentences(clean_text((text or "")[: options.max_chars_per_text])):
            if len(kept) >= options.max_sentences_per_text:
                break
            sentence = _clean_sentence(strip_dateline(raw) if not kept else raw)
            if not sentence or _is_boilerplate(sentence):
                continue
            words = _content_words(sentence, stop)
            if not options.min_words <= len(words) <= options.max_words:
                continue
            kept.append(_Candidate(sentence, len(kept), text_index, words))
        per_text.append(kept)
    ordered = sorted((c for kept in per_text for c in kept), key=lambda c: (c.position, c.text_index))
    merged: dict[str, _Candidate] = {}
    for candidate in ordered:
        key = " ".join(candidate.words)
        if key in merged:
            merged[key].copies += 1
        elif len(merged) < options.max_candidates:
            merged[key] = candidate
    return list(merged.values())


def _candidates_or_short(texts: Sequence[str], options: SummaryOptions) -> list[_Candidate]:
    """Like `_candidates`, but a text of only short sentences ("Banjir surut.") still yields them."""
    candidates = _candidates(texts, options)
    if not candidates and options.min_words > 1:
        candidates = _candidates(texts, replace(options, min_words=1))
    return candidates


def _tfidf(docs: list[list[str]]) -> np.ndarray:
    """L2-normalised TF-IDF rows (smoothed IDF, log-scaled TF) over the vocabulary of `docs`."""
    vocabulary: dict[str, int] = {}
    for words in docs:
        for word in words:
            vocabulary.setdefault(word, len(vocabulary))
    matrix = np.zeros((len(docs), max(len(vocabulary), 1)))
    for row, words in enumerate(docs):
        for word in words:
            matrix[row, vocabulary[word]] += 1.0
    document_frequency = (matrix > 0).sum(axis=0)
    idf = np.log((1 + len(docs)) / (1 + document_frequency)) + 1.0
    matrix = np.where(matrix > 0, 1.0 + np.log(np.maximum(matrix, 1.0)), 0.0) * idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1.0, norms)


def _pagerank(weights: np.ndarray, teleport: np.ndarray, damping: float) -> np.ndarray:
    """Personalised PageRank by power iteration; a sentence with no neighbour teleports."""
    out_weight = weights.sum(axis=1, keepdims=True)
    transition = np.divide(weights, out_weight, out=np.zeros_like(weights), where=out_weight > 0)
    dangling = out_weight[:, 0] == 0
    scores = teleport.copy()
    for _ in range(100):
        spread = damping * (scores @ transition + scores[dangling].sum() * teleport)
        updated = spread + (1.0 - damping) * teleport
        if np.abs(updated - scores).sum() < 1e-10:
            return updated
        scores = updated
    return scores


def _rank(
    candidates: list[_Candidate], title: str | None, options: SummaryOptions
) -> tuple[np.ndarray, np.ndarray]:
    """TextRank scores of the candidates and their pairwise cosine similarity."""
    title_words = _content_words(title, stopwords()) if title else []
    vectors = _tfidf([c.words for c in candidates] + [title_words])
    sentence_vectors, title_vector = vectors[:-1], vectors[-1]
    similarity = sentence_vectors @ sentence_vectors.T
    np.fill_diagonal(similarity, 0.0)
    teleport = np.array(
        [
            c.copies
            / (1.0 + c.position) ** options.position_exponent
            * (options.quote_weight if c.text[:1] in _QUOTE_OPENERS else 1.0)
            for c in candidates
        ],
        dtype=float,
    )
    if title_words:
        teleport *= 1.0 + options.title_weight * (sentence_vectors @ title_vector)
    teleport /= teleport.sum()
    return _pagerank(similarity, teleport, options.damping), similarity


def summarize(
    texts: Sequence[str] | str,
    *,
    max_sentences: int = 3,
    title: str | None = None,
    options: SummaryOptions | None = None,
) -> list[str]:
    """The `max_sentences` most central sentences of one issue's articles, in reading order.

    `texts` are article bodies about one issue (a single string counts as one article); pass them oldest
    first, since ties in reading order follow that order. `title` (the issue's label or headline) pulls
    the summary towards what the headline names. Returns fewer sentences when the texts have fewer, and
    `[]` for empty input. The result never holds two near-identical sentences (see
    `SummaryOptions.redundancy_cosine`), and the same input always gives the same output.
    """
    options = options or DEFAULT_OPTIONS
    if isinstance(texts, str):
        texts = [texts]
    if max_sentences <= 0:
        return []
    candidates = _candidates_or_short(texts, options)
    if len(candidates) <= 1:
        return [c.text for c in candidates][:max_sentences]
    scores, similarity = _rank(candidates, title, options)
    # Stable order for equal scores: earlier sentences first, so the output is deterministic.
    by_score = sorted(range(len(candidates)), key=lambda i: (-round(float(scores[i]), 12), i))
    chosen: list[int] = []
    for index in by_score:
        if len(chosen) == max_sentences:
            break
        if any(similarity[index, other] >= options.redundancy_cosine for other in chosen):
            continue
        chosen.append(index)
    chosen.sort(key=lambda i: (candidates[i].position, candidates[i].text_index))
    return [candidates[i].text for i in chosen]


def lead(
    texts: Sequence[str] | str, *, max_sentences: int = 3, options: SummaryOptions | None = None
) -> list[str]:
    """The lead-N baseline: the first `max_sentences` kept sentences, after the same cleanup as `summarize`.

    With several texts, the first sentences of each are interleaved (verbatim repeats merged), which is
    what lead-N means for a group of articles.
    """
    options = options or DEFAULT_OPTIONS
    if isinstance(texts, str):
        texts = [texts]
    if max_sentences <= 0:
        return []
    return [c.text for c in _candidates_or_short(texts, options)[:max_sentences]]
