"""Text normalization for Indonesian news and social posts.

The order matters and is the order `clean_text` runs:

1. `strip_html` — news feeds and platform exports hand us fragments with tags and entities;
2. `fix_mojibake` — UTF-8 read as cp1252 ("â€œ" for "“") is common in scraped corpora;
3. `replace_emoji` — emoji carry sentiment on social posts, so the few that matter become words and
   the rest are dropped rather than left as noise for character n-grams.

`model_text` goes further for the classifiers: lowercase, colloquial → formal spelling from the shipped
colloquial-indonesian-lexicon ("gak" → "tidak", "bgt" → "banget"), and negation scope marking.
`tokenize` keeps character offsets so entities, explanations and highlights can point into the text.
"""

from __future__ import annotations

import csv
import html
import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

__all__ = [
    "NEGATIONS",
    "Token",
    "clean_text",
    "colloquial_lexicon",
    "fix_mojibake",
    "formalize",
    "mark_negation",
    "model_text",
    "model_text_lowered",
    "remove_stopwords",
    "replace_emoji",
    "stopwords",
    "strip_html",
    "tokenize",
]

# Kept out of the stopword list on purpose: dropping them turns "tidak puas" into "puas".
NEGATIONS = frozenset({"tidak", "belum", "kurang", "bukan", "tak", "jangan", "tiada", "enggak", "nggak"})
# How many following words a negation flips ("tidak terlalu buruk" still reaches "buruk").
NEGATION_SCOPE = 3
NEGATION_PREFIX = "neg_"

_TOKEN_RE = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)
_TAG_HINT_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|&[a-zA-Z]+;|&#\d+;")
# A run that starts with a UTF-8 lead byte seen as Latin-1/cp1252 and continues with what continuation
# bytes look like in cp1252 (0x80-0xBF map to these characters).
_MOJIBAKE_RE = re.compile(
    r"[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]{1,3}"
)
# cp1252 has no character at 0x9D, so the closing quote "”" often arrives as a bare "â€".
_BROKEN_QUOTE_RE = re.compile(r"â€(?![\u0080-\u00bf\u0152-\u2122])")

_POSITIVE_EMOJI = frozenset("😀😁😂😃😄😅😆😊😍😘🥰😎👍👏🙏❤💕💖💯🎉✨🥳🤩☺🙂💪🌹")
_NEGATIVE_EMOJI = frozenset("😡😠🤬😤😢😭😞😔😟😒🙄👎💔😩😫🤮😱😨😰☹🙁😣😖")


@dataclass(frozen=True, slots=True)
class Token:
    """A word or punctuation mark with its [start, end) character offsets in the source string."""

    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    """Split into words (hyphenated reduplication like "pecah-pecah" stays one word) and punctuation."""
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]


class _TextCollector(HTMLParser):
    """Collect text outside script/style; block tags become line breaks so sentences do not merge."""

    _SKIP = frozenset({"script", "style", "noscript", "template"})
    _BLOCK = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP and self._skipping:
            self._skipping -= 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def strip_html(text: str) -> str:
    """Remove tags and decode entities; text without markup is returned unchanged (cheap check first)."""
    if not _TAG_HINT_RE.search(text):
        return text
    parser = _TextCollector()
    parser.feed(text)
    parser.close()
    joined = html.unescape("".join(parser.parts))
    lines = (re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in joined.split("\n"))
    return "\n".join(line for line in lines if line)


def _redecode(match: re.Match[str]) -> str:
    chunk = match.group()
    # Browsers decode as cp1252, but its five undefined bytes (0x81, 0x8d, 0x8f, 0x90, 0x9d) come through
    # as C1 control characters: map each character back to its byte, whichever of the two it came from.
    raw = bytearray()
    for ch in chunk:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:
                return chunk
            raw.append(ord(ch))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return chunk


def fix_mojibake(text: str) -> str:
    """Repair UTF-8 that was decoded as cp1252/Latin-1, e.g. "â€œ" → "“", "Ã©" → "é".

    ftfy is used when installed (it handles rarer cases); otherwise a small fixer re-decodes only the
    suspicious runs, so correct text next to them is never touched.
    """
    if not text or not any(ch in text for ch in "âÃÂÅ"):
        return text
    try:
        import ftfy  # optional: `pip install ftfy`
    except ImportError:
        pass
    else:
        return str(ftfy.fix_text(text, normalization="NFC"))
    fixed = _MOJIBAKE_RE.sub(_redecode, text)
    return _BROKEN_QUOTE_RE.sub("”", fixed).replace("Â\u00a0", " ").replace("Â ", " ")


@lru_cache(maxsize=1)
def _pictograph_re() -> re.Pattern[str]:
    """Every character `replace_emoji` rewrites: sentiment emoji, other symbols (So), joiners, skin tones.

    Built once from unicodedata (~0.2 s) so cleaning runs as one regex pass instead of a per-character loop.
    """
    wanted = [
        cp
        for cp in range(sys.maxunicode + 1)
        if unicodedata.category(chr(cp)) == "So" or 0x1F3FB <= cp <= 0x1F3FF
    ]
    wanted += [ord(ch) for ch in "\ufe0f\u200d" + "".join(_POSITIVE_EMOJI | _NEGATIVE_EMOJI)]
    ranges: list[tuple[int, int]] = []
    for cp in sorted(set(wanted)):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    body = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges
    )
    return re.compile(f"[{body}]")


def _emoji_word(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _POSITIVE_EMOJI:
        return " emojipositif "
    if ch in _NEGATIVE_EMOJI:
        return " emojinegatif "
    return " "


def replace_emoji(text: str) -> str:
    """Turn sentiment-bearing emoji into words the models know and drop the other pictographs."""
    if text.isascii():
        return text
    return _pictograph_re().sub(_emoji_word, text)


def clean_text(text: str) -> str:
    """HTML, mojibake and emoji repair: what every stage should see instead of the raw string."""
    return replace_emoji(fix_mojibake(strip_html(text)))


def _data_dir() -> Path:
    # Package data on disk (we never ship as a zip), next to the package so installs find it too.
    return Path(__file__).resolve().parent.parent / "data" / "training"


@lru_cache(maxsize=1)
def colloquial_lexicon() -> dict[str, str]:
    """Slang → formal spelling, from the shipped lexicon; the most frequent formal form wins."""
    counts: dict[str, dict[str, int]] = {}
    path = _data_dir() / "colloquial-indonesian-lexicon" / "colloquial-indonesian-lexicon.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            slang, formal = row["slang"].strip().lower(), row["formal"].strip().lower()
            if slang and formal and slang != formal:
                counts.setdefault(slang, {}).setdefault(formal, 0)
                counts[slang][formal] += 1
    return {slang: max(forms, key=lambda f: forms[f]) for slang, forms in counts.items()}


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The shipped Indonesian stopword list minus negations (see NEGATIONS for why)."""
    path = _data_dir() / "stopwords-id" / "stopwords-id.txt"
    words = {line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines()}
    return frozenset(words - NEGATIONS - {""})


def formalize(words: list[str]) -> list[str]:
    """Map lowercase colloquial words to their formal spelling; a mapping may yield several words."""
    lexicon = colloquial_lexicon()
    out: list[str] = []
    for word in words:
        out.extend(lexicon.get(word, word).split())
    return out


def remove_stopwords(words: list[str]) -> list[str]:
    """Drop stopwords (case-insensitive) but keep negations."""
    stop = stopwords()
    return [w for w in words if w.lower() not in stop]


def mark_negation(words: list[str]) -> list[str]:
    """Prefix the words after a negation so "tidak bagus" and "bagus" become different features.

    Punctuation ends the scope, as it usually ends the clause.
    """
    out: list[str] = []
    remaining = 0
    for word in words:
        if word in NEGATIONS:
            remaining = NEGATION_SCOPE
            out.append(word)
        elif not word[0].isalnum():
            remaining = 0
            out.append(word)
        elif remaining:
            out.append(NEGATION_PREFIX + word)
            remaining -= 1
        else:
            out.append(word)
    return out


def model_text(text: str) -> str:
    """The string the classifiers' word features see: cleaned, lowercased, formal, negation-marked."""
    return model_text_lowered(clean_text(text).lower())


def model_text_lowered(lowered: str) -> str:
    """`model_text` of an already cleaned, lowercased string (lets callers reuse that step)."""
    return " ".join(mark_negation(formalize(_TOKEN_RE.findall(lowered))))
