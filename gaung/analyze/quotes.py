"""Quotes: who said what, in Indonesian news.

Indonesian news attributes speech in a handful of fixed shapes, and this module reads exactly those:

1. Direct quote, attribution after it: ``"…," kata/ujar/tegas/tutur/… X`` or ``"…," katanya``.
2. Direct quote, attribution before it: ``X mengatakan, "…"`` / ``X menegaskan: "…"``.
3. A paragraph that is only a quote: the previous speaker goes on talking.
4. Indirect: ``Menurut X, …`` / ``…, menurut X, …`` / ``…, kata X, …`` / ``X mengatakan (bahwa) …``.

The speaker is found in the attribution by, in order: a watchlist person (so "tegas Wali Kota Helmi"
gives the watched mayor and his id), an NER person, an anaphor ("katanya", "ujar dia", "pria itu") that
points back to the last speaker, and finally the attribution's own words ("juru bicara Samsung"). A short
name is expanded to the fullest earlier mention ("Muhaimin" -> "Muhaimin Moeftie").

Measured on a hand-labelled IndoSum sample (``gaung/data/eval/quotes_labelled.jsonl``); the numbers and
how they were taken are in docs/entities-and-quotes.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gaung.analyze.entities import Entity, extract_entities
from gaung.analyze.ner import NerModel
from gaung.analyze.watchlist import WatchlistMatcher, strip_titles, words_with_offsets

QUOTES_VERSION = "quotes-rules-1"

# Verbs that follow a direct quote ("…," kata X); each may take -nya ("katanya") for "he/she".
AFTER_VERBS = [
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
    "tandas",
    "papar",
    "tulis",
    "cuit",
    "tutup",
    "pungkas",
    "sambung",
    "timpal",
    "jawab",
    "tanya",
    "seru",
    "bilang",
    "katakan",
    "ungkapnya",
]
# Verbs that introduce speech from a subject before them (X mengatakan, "…" / X mengatakan bahwa …).
SAY_VERBS = [
    "mengatakan",
    "menyatakan",
    "menegaskan",
    "menjelaskan",
    "mengungkapkan",
    "menuturkan",
    "menambahkan",
    "menerangkan",
    "menyebut",
    "menyebutkan",
    "mengaku",
    "berkata",
    "berujar",
    "bilang",
    "berbisik",
    "menulis",
    "mencuit",
    "melanjutkan",
    "memaparkan",
]
# A speaker phrase that ends like this points back to someone already named ("pria berusia 32 tahun itu").
ANAPHORS = frozenset(["dia", "ia", "beliau", "dirinya", "nya", "itu", "tersebut", "ini", "mereka"])
# Sources that are documents, not people: "menurut laporan Reuters", "menurut Undang-Undang".
NOT_SPEAKERS = frozenset(
    [
        "laporan",
        "studi",
        "penelitian",
        "riset",
        "data",
        "undang-undang",
        "undang",
        "peraturan",
        "survei",
        "hasil",
        "media",
        "situs",
        "berita",
        "catatan",
        "informasi",
        "keterangan",
        "sumber",
        "saya",
        "kami",
        "kita",
        "aku",
    ]
)
# A one-word subject that is an office, not a name ("Menag menjelaskan …"): it means someone named before.
ROLE_WORDS = frozenset(
    [
        "menag",
        "menkeu",
        "mendagri",
        "menlu",
        "menhan",
        "menkes",
        "mendikbud",
        "kapolri",
        "kapolda",
        "kapolres",
        "gubernur",
        "bupati",
        "walikota",
        "wali",
        "presiden",
        "wapres",
        "jubir",
        "ketua",
        "kepala",
        "direktur",
        "pelatih",
        "sang",
    ]
)
PRONOUNS = frozenset(["dia", "ia", "beliau", "dirinya"])
# Adverbs between a subject and its verb ("Montella pun kini mengaku"); a modal means it is no speech act.
FILLERS = frozenset(
    [
        "pun",
        "kini",
        "juga",
        "sendiri",
        "lagi",
        "sudah",
        "telah",
        "secara",
        "langsung",
        "lebih",
        "jauh",
        "masih",
        "sempat",
        "pernah",
    ]
)
MODALS = frozenset(["dapat", "bisa", "akan", "harus", "mau", "ingin", "perlu", "boleh"])
# Words that end the speaker part of an attribution: "kata Budi saat ditemui di …".
SPEAKER_STOP = frozenset(
    [
        "saat",
        "ketika",
        "usai",
        "seusai",
        "setelah",
        "sebelum",
        "kepada",
        "pada",
        "di",
        "dalam",
        "melalui",
        "lewat",
        "seperti",
        "sebagaimana",
        "dengan",
        "yang",
        "kala",
        "sambil",
        "seraya",
        "lagi",
        "menambahkan",
        "dikutip",
        "dilansir",
        "beberapa",
        "senin",
        "selasa",
        "rabu",
        "kamis",
        "jumat",
        "sabtu",
        "minggu",
        "kemarin",
        "hari",
        "sore",
        "pagi",
        "malam",
        "soal",
        "terkait",
        "tentang",
        "akhir",
        "usai",
        "bulan",
    ]
)
MIN_STANDALONE_WORDS = 4  # shorter quoted bits without attribution are titles or scare quotes
MAX_SPEAKER_WORDS = 14

OPEN_MARKS = '"“„«”'  # ” also opens: some outlets type the closing mark at both ends
CLOSE_MARKS = '"”»“'
_QUOTE_MARK = re.compile(r'["“”„«»]')
_WORD_RE = re.compile(r"[\w’'\-]+")
_AFTER_RE = re.compile(
    r"\s*[,.]?\s*(?P<verb>(?:" + "|".join(AFTER_VERBS) + r"))(?P<nya>nya)?\b(?P<rest>[^\n]*)", re.IGNORECASE
)
_SAY_BEFORE_RE = re.compile(
    r"(?P<verb>\b(?:" + "|".join(SAY_VERBS) + r"|angkat bicara))\b(?:\s+kepada\s+\w+)?\s*[,:.]?\s*$",
    re.IGNORECASE,
)
# A sentence ends at . ! or ? followed by space and a capital, a quote mark or a bracket ("08.00" does not).
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[\"“”A-Z(\[])")
_MENURUT_RE = re.compile(r"\bmenurut(?P<nya>nya)?\b", re.IGNORECASE)
_INSERTED_RE = re.compile(
    r",\s*(?P<verb>" + "|".join(AFTER_VERBS) + r")\s+(?P<who>[^,.]{2,80}?)\s*(?:,|\.\s*$|$)", re.IGNORECASE
)
_SAY_RE = re.compile(
    r"\b(?P<verb>" + "|".join(SAY_VERBS) + r")(?P<nya>nya)?\b\s*,?\s*(?:bahwa\s+)?", re.IGNORECASE
)


@dataclass(frozen=True)
class Quote:
    """One attributed quote; ``start``/``end`` are character offsets of the quoted words in the text."""

    speaker: str | None
    text: str
    verb: str | None
    speaker_watch_id: str | None
    start: int
    end: int

    def to_json_dict(self) -> dict[str, object]:
        """The shape `gaung analyze --jsonl` prints."""
        return {"speaker": self.speaker, "text": self.text, "verb": self.verb}


@dataclass
class _Speaker:
    name: str
    watch_id: str | None
    position: int


class _Context:
    """What the reader remembers while going through an article: people seen and the last speaker."""

    def __init__(self, text: str, entities: Sequence[Entity]):
        self.text = text
        self.people = [e for e in entities if e.type == "PERSON"]
        self.organizations = [e for e in entities if e.type == "ORGANIZATION"]
        self.last: _Speaker | None = None

    def person_in(self, start: int, end: int) -> Entity | None:
        hits = [e for e in self.people if start <= e.start < end and e.text.lower() not in ROLE_WORDS]
        watched = [e for e in hits if e.watch_id]
        chosen = watched or hits
        return chosen[0] if chosen else None

    def organization_in(self, start: int, end: int) -> Entity | None:
        hits = [e for e in self.organizations if start <= e.start and e.end <= end]
        return hits[0] if hits else None

    def person_before(self, position: int, since: int) -> Entity | None:
        hits = [e for e in self.people if since <= e.start and e.end <= position]
        return hits[-1] if hits else None

    def fullest(self, entity_text: str, watch_id: str | None, position: int) -> str:
        """The longest earlier (or same) mention containing all words of ``entity_text``."""
        words = set(_name_words(entity_text))
        best = entity_text
        for other in self.people:
            if other.start > position:
                break
            other_words = _name_words(other.text)
            if words and words <= set(other_words) and len(other_words) > len(_name_words(best)):
                best = other.text
        last_words = _name_words(self.last.name) if self.last else []
        if self.last and words and words <= set(last_words) and len(last_words) > len(_name_words(best)):
            best = self.last.name
        return _clean_name(best)

    def anaphor(self, position: int, paragraph_start: int) -> _Speaker | None:
        """Who "-nya"/"dia" means: a person named earlier in this paragraph, else the last speaker."""
        person = self.person_before(position, paragraph_start)
        if person is not None:
            return _Speaker(
                self.fullest(person.text, person.watch_id, person.start), person.watch_id, position
            )
        if self.last is not None:
            return self.last
        person = self.person_before(position, 0)
        if person is not None:
            return _Speaker(
                self.fullest(person.text, person.watch_id, person.start), person.watch_id, position
            )
        return None

    def speaker_from(self, start: int, end: int, paragraph_start: int) -> _Speaker | None:
        """Resolve the speaker named in ``text[start:end]`` (an attribution's words)."""
        phrase_end = _phrase_end(self.text, start, end)
        # Names often follow the office after a comma ("ujar Plt Gubernur DKI, Djarot Saiful Hidayat"):
        # people are looked for up to the first stop word, commas included.
        region_end = _phrase_end(self.text, start, end, stop_at_comma=False)
        phrase = self.text[start:phrase_end].strip(" ,:")
        phrase_words = [w.lower() for w in _WORD_RE.findall(phrase)]
        if not phrase_words or phrase_words[-1] in ANAPHORS or phrase_words[0] in ANAPHORS:
            return self.anaphor(start, paragraph_start)
        if phrase_words[0] in NOT_SPEAKERS:
            return None
        if len(phrase_words) == 1 and phrase_words[0] in ROLE_WORDS:
            return self.anaphor(start, paragraph_start)
        person = self.person_in(start, region_end + 1)
        if person is not None:
            return _Speaker(self.fullest(person.text, person.watch_id, person.start), person.watch_id, start)
        if phrase[:1].isupper():
            organization = self.organization_in(start, phrase_end + 1)
            tail = self.text[organization.end : phrase_end] if organization else phrase
            capitalised = _capitalised_name(tail)
            if capitalised:
                return _Speaker(self.fullest(capitalised, None, start), None, start)
        return _Speaker(_clean_name(phrase), None, start) if len(phrase_words) <= 10 else None


def _name_words(name: str) -> list[str]:
    return [w for w, _, _ in words_with_offsets(name)]


def _clean_name(name: str) -> str:
    """Drop titles in front of a name ("Kapolsek Kompol Supriyanto" keeps working; "Pak Budi" -> "Budi")."""
    words = _name_words(name)
    core = strip_titles(words)
    if core and len(core) < len(words):
        spans = words_with_offsets(name)
        first = spans[len(words) - len(core) if tuple(words[-len(core) :]) == core else 0][1]
        return name[first:].strip(" ,")
    return name.strip(" ,")


def _phrase_end(text: str, start: int, end: int, *, stop_at_comma: bool = True) -> int:
    """End of the speaker phrase: the first stop word or punctuation after ``start``, within ``end``."""
    stops = ",.;:()[]\n" if stop_at_comma else ".;:[]\n"
    for count, match in enumerate(re.finditer(r"[\w’'\-]+|[,.;:()\[\]\n]", text[start:end]), start=1):
        token = match.group()
        if token in stops or token.lower() in SPEAKER_STOP:
            return start + match.start()
        if count >= MAX_SPEAKER_WORDS:
            return start + match.end()
    return end


def _capitalised_name(phrase: str) -> str | None:
    """The last run of capitalised words in ``phrase`` (a name when NER is off or missed it)."""
    runs: list[list[str]] = [[]]
    for word in phrase.split():
        if word[:1].isupper():
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    names = [run for run in runs if run]
    return " ".join(names[-1]) if names else None


def extract_quotes(
    text: str,
    watchlist_matcher: WatchlistMatcher | None = None,
    ner_model: NerModel | None = None,
    entities: Sequence[Entity] | None = None,
) -> list[Quote]:
    """Direct and indirect quotes of ``text`` (paragraphs separated by newlines), in text order.

    Pass ``entities`` when the caller already has them (the pipeline does), to avoid tagging twice.
    """
    if entities is None:
        entities = extract_entities(text, watchlist_matcher, ner_model)
    context = _Context(text, entities)
    quotes: list[Quote] = []
    offset = 0
    for paragraph in text.split("\n"):
        quotes.extend(_paragraph_quotes(paragraph, offset, context))
        offset += len(paragraph) + 1
    return quotes


def _quoted_segments(paragraph: str) -> list[tuple[int, int, int, int]]:
    """(open mark, content start, content end, after close mark) for each quoted stretch."""
    marks = [m.start() for m in _QUOTE_MARK.finditer(paragraph)]
    segments = []
    for i in range(0, len(marks), 2):
        opening = marks[i]
        closing = marks[i + 1] if i + 1 < len(marks) else len(paragraph)  # runs on to the paragraph's end
        segments.append((opening, opening + 1, closing, min(closing + 1, len(paragraph))))
    return segments


def _paragraph_quotes(paragraph: str, offset: int, context: _Context) -> list[Quote]:
    text = context.text
    found: list[Quote] = []
    direct_spans: list[tuple[int, int]] = []
    for opening, start, end, after in _quoted_segments(paragraph):
        content = paragraph[start:end].strip(" ,.")
        if not content:
            continue
        words = len(content.split())
        q_start = offset + start + (len(paragraph[start:end]) - len(paragraph[start:end].lstrip()))
        q_end = offset + start + len(paragraph[start:end].rstrip(" ,"))
        speaker: _Speaker | None = None
        verb: str | None = None
        after_match = _AFTER_RE.match(paragraph, after)
        before = paragraph[:opening]
        before_match = _SAY_BEFORE_RE.search(before)
        if after_match and after > start:
            verb = after_match.group("verb").lower() + (after_match.group("nya") or "").lower()
            if after_match.group("nya"):
                speaker = context.anaphor(offset + opening, offset)
            else:
                rest_start = offset + after_match.start("rest")
                speaker = context.speaker_from(rest_start, offset + len(paragraph), offset)
        elif before_match and words >= 2:
            verb = before_match.group("verb").lower()
            subject_start = _sentence_start(before, before_match.start())
            speaker = _subject_speaker(context, offset + subject_start, offset + before_match.start(), offset)
        elif words >= MIN_STANDALONE_WORDS and (
            not before.strip() or before.rstrip().endswith((".", "!", "?"))
        ):
            # A paragraph (or sentence) that is only a quote: the last speaker goes on.
            speaker = context.anaphor(offset + opening, offset) if before.strip() else context.last
        else:
            continue
        if speaker is None:
            continue
        context.last = speaker
        direct_spans.append((offset + opening, offset + after))
        found.append(Quote(speaker.name, text[q_start:q_end], verb, speaker.watch_id, q_start, q_end))
    found.extend(_indirect_quotes(paragraph, offset, context, direct_spans))
    found.sort(key=lambda quote: quote.start)
    return found


def _sentence_start(before: str, limit: int) -> int:
    """Start of the sentence that ends at ``limit``, after any leading "Sementara itu," style connective."""
    cut = max(before.rfind(". ", 0, limit), before.rfind("! ", 0, limit), before.rfind("? ", 0, limit))
    return cut + 2 if cut >= 0 else 0


def _subject_speaker(context: _Context, start: int, end: int, paragraph_start: int) -> _Speaker | None:
    """The speaker who is the subject before a say-verb: a person in it, an anaphor, or its words."""
    subject = context.text[start:end]
    person = context.person_in(start, end)
    if person is not None:
        return _Speaker(context.fullest(person.text, person.watch_id, person.start), person.watch_id, start)
    # Drop a leading connective ("Sementara itu, Prajin …") before reading the subject's own words.
    if "," in subject and subject.rsplit(",", 1)[-1].strip():
        subject = subject.rsplit(",", 1)[-1]
    words = [w.lower() for w in _WORD_RE.findall(subject)]
    while words and words[-1] in FILLERS:
        words.pop()
        subject = subject.rstrip()[: subject.rstrip().rfind(" ") + 1] if " " in subject.strip() else ""
    if not words or len(words) > 8 or words[-1] in MODALS:
        return None
    if len(words) <= 2 and words[-1] in ROLE_WORDS and context.last is not None:
        return context.last  # "Menag menjelaskan": the minister quoted before
    if words[-1] in ANAPHORS or words[0] in ANAPHORS or PRONOUNS & set(words[-3:]):
        return context.anaphor(start, paragraph_start)
    if words[-1] in ROLE_WORDS or (len(words) <= 2 and words[0] in ROLE_WORDS):
        return context.anaphor(start, paragraph_start)
    if words[0] in NOT_SPEAKERS:
        return None
    # A name is the capitalised words right before the verb ("Todung mengatakan"), not any capital.
    capitalised = _capitalised_name(subject)
    if capitalised and subject.rstrip(" ,").endswith(capitalised.split()[-1]):
        return _Speaker(context.fullest(capitalised, None, start), None, start)
    return _Speaker(subject.strip(" ,"), None, start) if len(words) <= 6 else None


def _indirect_quotes(
    paragraph: str, offset: int, context: _Context, direct_spans: list[tuple[int, int]]
) -> list[Quote]:
    found: list[Quote] = []
    for sentence_start, sentence_end in _sentences(paragraph):
        sentence = paragraph[sentence_start:sentence_end]
        s_start = offset + sentence_start
        s_end = s_start + len(sentence.rstrip())
        if not sentence.strip() or any(a < s_end and s_start < b for a, b in direct_spans):
            continue
        if _QUOTE_MARK.search(sentence) and len(_QUOTE_MARK.findall(sentence)) >= 2 and '"' in sentence[:2]:
            continue
        quote = _indirect_in_sentence(sentence, s_start, offset, context)
        if quote is not None:
            found.append(quote)
    return found


def _sentences(paragraph: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in _SENTENCE_BREAK.finditer(paragraph):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(paragraph)))
    return spans


def _indirect_in_sentence(
    sentence: str, s_start: int, paragraph_start: int, context: _Context
) -> Quote | None:
    text = context.text
    body_end = s_start + len(sentence.rstrip().rstrip(".!?"))
    menurut = _MENURUT_RE.search(sentence)
    if menurut:
        # "Menurut X, CLAUSE." or "CLAUSE, menurut X, CLAUSE" / "… ini menurut X terbukti …".
        who_start = s_start + menurut.end()
        comma = sentence.find(",", menurut.end())
        who_end = s_start + comma if comma >= 0 else body_end
        if menurut.group("nya"):
            speaker = context.anaphor(s_start + menurut.start(), paragraph_start)
        else:
            speaker = context.speaker_from(who_start, who_end, paragraph_start)
        if speaker is None:
            return None
        if menurut.start() <= 3 and comma >= 0:
            q_start = s_start + comma + 1
            q_start += len(text[q_start:body_end]) - len(text[q_start:body_end].lstrip())
        else:
            q_start = s_start + (len(sentence) - len(sentence.lstrip()))
        return _make(context, speaker, "menurut", q_start, body_end)
    inserted = _INSERTED_RE.search(sentence)
    if inserted and not _QUOTE_MARK.search(sentence):
        who_start = s_start + inserted.start("who")
        speaker = (
            context.anaphor(who_start, paragraph_start)
            if inserted.group("who").strip().lower() in ANAPHORS
            else context.speaker_from(who_start, s_start + inserted.end("who"), paragraph_start)
        )
        if speaker is None:
            return None
        q_start = s_start + (len(sentence) - len(sentence.lstrip()))
        return _make(context, speaker, inserted.group("verb").lower(), q_start, body_end)
    say = _SAY_RE.search(sentence)
    if say and not say.group("nya"):
        clause_start = s_start + say.end()
        bahwa = re.search(r"\bbahwa\s+", text[clause_start:body_end])
        if bahwa and bahwa.start() < 40:  # "mengatakan pada Jumat (19/1) bahwa …"
            clause_start += bahwa.end()
        if len(text[clause_start:body_end].split()) < 2:
            return None
        subject_start = s_start + (len(sentence) - len(sentence.lstrip()))
        speaker = _subject_speaker(context, subject_start, s_start + say.start(), paragraph_start)
        if speaker is None:
            return None
        return _make(context, speaker, say.group("verb").lower(), clause_start, body_end)
    return None


def _make(context: _Context, speaker: _Speaker, verb: str, start: int, end: int) -> Quote | None:
    if end - start < 3:
        return None
    context.last = speaker
    return Quote(speaker.name, context.text[start:end], verb, speaker.watch_id, start, end)


def same_speaker(gold: str | None, predicted: str | None) -> bool:
    """Speakers match when, titles and case aside, one name's words contain the other's."""
    if not gold or not predicted:
        return False
    gold_words = set(strip_titles(_name_words(gold))) or set(_name_words(gold))
    predicted_words = set(strip_titles(_name_words(predicted))) or set(_name_words(predicted))
    return (
        bool(gold_words)
        and bool(predicted_words)
        and (gold_words <= predicted_words or predicted_words <= gold_words)
    )


QUOTES_EVAL_PATH = Path(__file__).resolve().parent.parent / "data" / "eval" / "quotes_labelled.jsonl"


@dataclass
class QuoteScores:
    """Precision/recall of quotes against hand labels (match: same speaker, overlapping text)."""

    precision: float
    recall: float
    gold: int
    predicted: int
    articles: int

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def evaluate_quotes(
    split: str = "test",
    ner_model: NerModel | None = None,
    watchlist_matcher: WatchlistMatcher | None = None,
    path: Path = QUOTES_EVAL_PATH,
) -> QuoteScores:
    """Score ``extract_quotes`` on one split ("dev" was used to build the rules; report "test")."""
    gold_total = predicted_total = gold_found = predicted_right = articles = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["split"] != split:
            continue
        articles += 1
        predicted = extract_quotes(item["text"], watchlist_matcher, ner_model)
        gold = item["quotes"]

        def matches(g: dict[str, Any], p: Quote) -> bool:
            return p.start < g["end"] and g["start"] < p.end and same_speaker(g["speaker"], p.speaker)

        gold_total += len(gold)
        predicted_total += len(predicted)
        gold_found += sum(any(matches(g, p) for p in predicted) for g in gold)
        predicted_right += sum(any(matches(g, p) for g in gold) for p in predicted)
    return QuoteScores(
        precision=predicted_right / predicted_total if predicted_total else 0.0,
        recall=gold_found / gold_total if gold_total else 0.0,
        gold=gold_total,
        predicted=predicted_total,
        articles=articles,
    )
