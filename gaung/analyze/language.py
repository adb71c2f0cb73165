"""Offline language identification tuned for what an Indonesian monitoring office receives.

Decision (documented in docs/models.md): `detect_language` answers with the *family the pipeline should
treat the text as*, not a fine-grained language:

- "id" — Indonesian, and also Malay (short Malay and Indonesian texts are indistinguishable for any
  detector, and the same models serve both) and Javanese/Sundanese-heavy posts (regional-language
  noise in Indonesian social media; the office still wants them, and the Indonesian models are the best
  we have for them);
- "en" — English;
- "other" — anything else that has letters (other scripts, other Latin-script languages);
- "und" — nothing to judge: empty, digits/punctuation/emoji only.

`guess_language` keeps the fine-grained guess ("id", "ms", "jv", "su", "en", "other", "und") for
callers that care. The method is a function-word vote: these words are frequent, short, and
distinctive, so a handful of them decide even a tweet, and no model file is needed.
A Latin-script text with no evidence either way defaults to "id" (Indonesian first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["LanguageGuess", "detect_language", "guess_language"]

_WORD_RE = re.compile(r"[^\W\d_]+", re.UNICODE)

# Distinctive function words per language. Words shared by Indonesian and Malay count for both, so
# Malay wins only on its own markers (tidak vs tak is not one of them: both use both).
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "id": frozenset(
        [
            "yang",
            "dan",
            "di",
            "ini",
            "itu",
            "dengan",
            "untuk",
            "tidak",
            "dari",
            "dalam",
            "akan",
            "pada",
            "juga",
            "ke",
            "karena",
            "tersebut",
            "bisa",
            "ada",
            "mereka",
            "kami",
            "kita",
            "saya",
            "sudah",
            "telah",
            "oleh",
            "atau",
            "sebagai",
            "harus",
            "lebih",
            "masih",
            "namun",
            "bahwa",
            "jika",
            "agar",
            "saat",
            "setelah",
            "secara",
            "para",
            "pun",
            "hanya",
            "belum",
            "kata",
            "ujar",
            "menjadi",
            "adalah",
            "dapat",
            "banyak",
            "baru",
            "sangat",
            "serta",
            "hingga",
            "sejak",
            "tetapi",
            "tapi",
            "nggak",
            "gak",
            "enggak",
            "banget",
            "aja",
            "udah",
            "kalau",
            "gimana",
            "lagi",
            "sih",
            "dong",
        ]
    ),
    "ms": frozenset(
        [
            "yang",
            "dan",
            "di",
            "ini",
            "itu",
            "dengan",
            "untuk",
            "tidak",
            "dari",
            "dalam",
            "akan",
            "pada",
            "juga",
            "ke",
            "kerana",
            "tersebut",
            "boleh",
            "ada",
            "mereka",
            "kami",
            "kita",
            "saya",
            "sudah",
            "telah",
            "oleh",
            "atau",
            "sebagai",
            "harus",
            "lebih",
            "masih",
            "namun",
            "bahawa",
            "jika",
            "agar",
            "selepas",
            "secara",
            "hanya",
            "belum",
            "menjadi",
            "adalah",
            "dapat",
            "banyak",
            "baru",
            "sangat",
            "serta",
            "hingga",
            "sejak",
            "tetapi",
            "kerajaan",
            "beliau",
            "iaitu",
            "ialah",
            "daripada",
            "kepada",
            "pelbagai",
            "bagaimanapun",
            "manakala",
            "sahaja",
            "semasa",
            "mahkamah",
            "negeri",
            "pihak",
            "tuan",
        ]
    ),
    "jv": frozenset(
        [
            "aku",
            "kowe",
            "ora",
            "iki",
            "iku",
            "lan",
            "karo",
            "sing",
            "opo",
            "apa",
            "wis",
            "durung",
            "arep",
            "ning",
            "neng",
            "ing",
            "mboten",
            "nggih",
            "sampun",
            "kulo",
            "kula",
            "panjenengan",
            "dhewe",
            "ngerti",
            "piye",
            "kepiye",
            "mau",
            "saiki",
            "banjur",
            "uga",
            "yen",
            "menawa",
            "amarga",
        ]
    ),
    "su": frozenset(
        [
            "abdi",
            "anjeun",
            "teu",
            "moal",
            "jeung",
            "nu",
            "ieu",
            "eta",
            "kana",
            "ka",
            "di",
            "geus",
            "acan",
            "keur",
            "bakal",
            "urang",
            "mah",
            "oge",
            "sanes",
            "pisan",
            "kitu",
            "kumaha",
            "naon",
            "saha",
            "iraha",
            "ayeuna",
            "tiasa",
            "hoyong",
            "atuh",
            "euy",
            "mangga",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "and",
            "of",
            "to",
            "in",
            "is",
            "that",
            "for",
            "it",
            "with",
            "as",
            "was",
            "on",
            "be",
            "by",
            "this",
            "are",
            "from",
            "at",
            "an",
            "have",
            "has",
            "not",
            "but",
            "or",
            "which",
            "they",
            "their",
            "will",
            "would",
            "there",
            "been",
            "were",
            "its",
            "we",
            "he",
            "she",
            "his",
            "her",
            "also",
            "who",
            "said",
            "can",
            "more",
            "than",
            "about",
            "after",
            "into",
            "when",
            "what",
            "our",
            "you",
            "your",
        ]
    ),
}
# Words that belong to Malay and (almost) never to Indonesian news; one of these outweighs shared words.
_MALAY_MARKERS = frozenset(
    [
        "kerana",
        "bahawa",
        "boleh",
        "kerajaan",
        "beliau",
        "iaitu",
        "ialah",
        "pelbagai",
        "manakala",
        "sahaja",
        "selepas",
        "semasa",
    ]
)
_MARKER_WEIGHT = 3.0
# Below this share of Latin letters the text is in another script (Arabic, Chinese, ...).
MIN_LATIN_SHARE = 0.5
# A regional language must out-score Indonesian by this factor, because Indonesian posts borrow
# single Javanese/Sundanese words ("ora", "mah") all the time.
REGIONAL_MARGIN = 1.5


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The fine-grained guess, the family the pipeline uses, and the per-language evidence."""

    code: str
    family: str
    scores: dict[str, float]


def _family(code: str) -> str:
    return "id" if code in {"id", "ms", "jv", "su"} else code


def guess_language(text: str) -> LanguageGuess:
    """Guess the language of `text`; see the module docstring for the codes."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return LanguageGuess("und", "und", {})
    latin = sum(1 for ch in letters if ch.isascii() or "\u00c0" <= ch <= "\u024f")
    if latin / len(letters) < MIN_LATIN_SHARE:
        return LanguageGuess("other", "other", {})
    words = [w.lower() for w in _WORD_RE.findall(text)]
    scores = {lang: 0.0 for lang in _FUNCTION_WORDS}
    for word in words:
        for lang, vocab in _FUNCTION_WORDS.items():
            if word in vocab:
                scores[lang] += 1.0
        if word in _MALAY_MARKERS:
            scores["ms"] += _MARKER_WEIGHT
    if not any(scores.values()):
        # Latin script but none of our function words: a name, a hashtag, or another language.
        # Long texts without a single function word are not Indonesian; short ones get the prior.
        code = "other" if len(words) >= 8 else "id"
        return LanguageGuess(code, _family(code), scores)
    best = max(scores, key=lambda lang: scores[lang])
    if best == "ms" and scores["ms"] <= scores["id"]:
        best = "id"
    if best in {"jv", "su"} and scores[best] < REGIONAL_MARGIN * scores["id"]:
        best = "id"
    return LanguageGuess(best, _family(best), scores)


def detect_language(text: str) -> str:
    """Return "id" (Indonesian family, incl. Malay/Javanese/Sundanese), "en", "other" or "und"."""
    return guess_language(text).family
