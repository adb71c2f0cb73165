"""Narasumber: who was quoted on the day, counted only when the "speaker" is plausibly a person, and the
tone of what they said.

The quote attributor (`gaung.analyze.quotes`) falls back to the attribution's own words when it finds no
name, so `mention_quotes.speaker` also holds role phrases ("juru bicara militer Israel"), titles ("dr"),
places the tagger took for a subject ("Iran") and words glued by the scraper ("Nasir Ktelat.Nasir"). On
the demo's 19 June 2025 that made "705 narasumber" out of 722 stories. A speaker is counted here when:

1. the name has the form of a person's name (`plausible_name`): capitalised tokens of at least two
   letters (a capital initial may stand before a longer token: "M Ismail Riyadi"), no digits, no glued
   tokens ("Ktelat.Nasir", "KebudayaanFadli"), not a bare title;
2. when the named-entity tagger ran on the day (some PERSON entity is stored), the name is tagged PERSON
   in at least one of the speaker's stories and is not tagged more often as a place or an organisation
   than as a person that day ("Iran": 92 PLACE, 6 PERSON); a speaker matched to a watched person
   (`speaker_watch_id`) always counts, under the watchlist's name.

The tone shown for the top speakers is the tone of their quoted statements, classified by the project's
tone model (the same bundle the pipeline uses, see `gaung.analyze.tone.analyze_many`); only the listed
speakers' quotes are classified, at most QUOTE_TONE_MAX_PER_SPEAKER each. Without a model the brief
falls back to the tone of the stories quoting them, and says so.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.analyze.watchlist import strip_titles, words_with_offsets
from gaung.config import WatchEntry
from gaung.store.reports import TONE_LABELS
from gaung.store.schema import mention_entities, mention_quotes, mentions

log = logging.getLogger(__name__)

TOP_SPEAKERS = 10
QUOTE_MAX_CHARS = 220
QUOTE_MIN_CHARS = 30  # the quote shown: long enough to say something, short enough for a table cell
# Statements classified per listed speaker: the tone model runs in the brief, not in the pipeline, so the
# work is bounded (10 speakers × 12 quotes ≈ a second on the demo machine).
QUOTE_TONE_MAX_PER_SPEAKER = 12
# Lower-case words that may stand inside a name ("Muhammad bin Salman", "Robin van Persie").
NAME_PARTICLES = frozenset(["bin", "binti", "van", "der", "den", "de", "da", "di", "la", "le", "al", "el"])
_GLUED_DOT_RE = re.compile(r"[^\W\d_]\.[^\W\d_]")  # "Ktelat.Nasir", "kepadaKompas.com"
_GLUED_CASE_RE = re.compile(r"[a-z]{2}[A-Z]")  # "KebudayaanFadli", "diESPN" (not "McDonald")
_INITIAL_RE = re.compile(r"^[A-Z]\.?$")

# Classifies quote texts into positive | neutral | negative, one label per text.
QuoteTone = Callable[[Sequence[str]], list[str]]


@dataclass
class SpeakerItem:
    name: str
    stories: int
    tones: dict[str, int]  # statements (quote_tone) or stories quoting the speaker, per tone
    quote: str | None
    quote_link: str | None
    watch_id: str | None = None


@dataclass
class Speakers:
    """The day's plausible speakers: how many, the top ones, and what their tone counts."""

    count: int = 0
    top: list[SpeakerItem] = field(default_factory=list)
    tone_of: str = "statements"  # statements: the quotes were classified; stories: model unavailable


def plausible_name(name: str) -> bool:
    """Does `name` have the form of a person's name? (Not a role phrase, title, number or glued text.)"""
    tokens = name.split()
    if not tokens or len(tokens) > 6:
        return False
    for index, token in enumerate(tokens):
        if any(ch.isdigit() for ch in token) or _GLUED_DOT_RE.search(token) or _GLUED_CASE_RE.search(token):
            return False
        if not token[:1].isalpha():
            return False
        if token[0].islower():
            if 0 < index < len(tokens) - 1 and token in NAME_PARTICLES:
                continue
            return False
        letters = sum(ch.isalpha() for ch in token)
        if letters < 2 and not (_INITIAL_RE.match(token) and index < len(tokens) - 1):
            return False
    words = tuple(word for word, _, _ in words_with_offsets(name))
    return bool(strip_titles(words))  # "Dr", "Prof" alone are titles, not names


def _normal(text: str) -> str:
    return " ".join(text.lower().split())  # as mention_entities.normalized is stored


def day_speakers(
    conn: Connection,
    where: list[Any],
    link: Callable[[int], str | None],
    *,
    watchlist: Sequence[WatchEntry] = (),
    quote_tone: QuoteTone | None = None,
) -> Speakers:
    """The plausible speakers quoted in the stories matching `where` (the day's canonical stories)."""
    watched = {entry.id: entry.name for entry in watchlist}
    rows = conn.execute(
        sa.select(
            mention_quotes.c.speaker,
            mention_quotes.c.speaker_watch_id,
            mention_quotes.c.text,
            mentions.c.id,
            mentions.c.tone,
        )
        .join(mentions, mentions.c.id == mention_quotes.c.mention_id)
        .where(*where, mention_quotes.c.speaker.is_not(None))
        .order_by(mentions.c.published_at, mentions.c.id, mention_quotes.c.start)
    ).all()
    if not rows:
        return Speakers()
    person_in: set[tuple[int, str]] = set()
    types: dict[str, Counter[str]] = defaultdict(Counter)
    for mention_id, kind, normalized in conn.execute(
        sa.select(mention_entities.c.mention_id, mention_entities.c.type, mention_entities.c.normalized)
        .join(mentions, mentions.c.id == mention_entities.c.mention_id)
        .where(*where)
    ):
        key = normalized or ""
        types[key][kind] += 1
        if kind == "PERSON":
            person_in.add((int(mention_id), key))
    tagger_ran = bool(person_in)

    def is_person(name: str, mention_ids: set[int]) -> bool:
        if not plausible_name(name):
            return False
        if not tagger_ran:
            return True
        key = _normal(name)
        votes = types.get(key, Counter())
        if votes["PERSON"] < max((n for kind, n in votes.items() if kind != "PERSON"), default=0):
            return False  # "Iran": a place the tagger once took for a subject
        return any((mention_id, key) in person_in for mention_id in mention_ids)

    stories: dict[str, set[int]] = defaultdict(set)
    story_tones: dict[str, dict[int, str]] = defaultdict(dict)
    statements: dict[str, list[tuple[str, int]]] = defaultdict(list)
    watch_of: dict[str, str] = {}
    for speaker, watch_id, text, mention_id, tone in rows:
        name = watched.get(watch_id) or " ".join(str(speaker).split())
        if watch_id in watched:
            watch_of[name] = watch_id
        stories[name].add(int(mention_id))
        story_tones[name][int(mention_id)] = tone if tone in TONE_LABELS else "neutral"
        clean = " ".join((text or "").split())
        if clean:
            statements[name].append((clean, int(mention_id)))
    people = [name for name in stories if name in watch_of or is_person(name, stories[name])]
    people.sort(key=lambda name: (-len(stories[name]), name))
    result = Speakers(count=len(people))
    top = people[:TOP_SPEAKERS]
    tones = _statement_tones(top, statements, quote_tone)
    if tones is None:
        result.tone_of = "stories"
        tones = {name: Counter(story_tones[name].values()) for name in top}
    for name in top:
        shown = next(
            ((t, m) for t, m in statements[name] if QUOTE_MIN_CHARS <= len(t) <= QUOTE_MAX_CHARS), None
        )
        result.top.append(
            SpeakerItem(
                name=name,
                stories=len(stories[name]),
                tones={tone: int(tones[name].get(tone, 0)) for tone in TONE_LABELS},
                quote=shown[0] if shown else None,
                quote_link=link(shown[1]) if shown else None,
                watch_id=watch_of.get(name),
            )
        )
    return result


def _statement_tones(
    names: list[str], statements: dict[str, list[tuple[str, int]]], quote_tone: QuoteTone | None
) -> dict[str, Counter[str]] | None:
    """Tone counts of each speaker's distinct statements, or None when there is no model to classify them."""
    if quote_tone is None:
        return None
    batch: list[tuple[str, str]] = []
    for name in names:
        distinct = list(dict.fromkeys(text for text, _ in statements[name]))
        batch += [(name, text) for text in distinct[:QUOTE_TONE_MAX_PER_SPEAKER]]
    try:
        labels = quote_tone([text for _, text in batch]) if batch else []
    except Exception as exc:  # a broken model must not cost the brief: fall back to story tone
        log.warning("quote tone unavailable, using the tone of the stories instead: %s", exc)
        return None
    counts: dict[str, Counter[str]] = {name: Counter() for name in names}
    for (name, _), label in zip(batch, labels, strict=True):
        counts[name][label if label in TONE_LABELS else "neutral"] += 1
    return counts


def quote_tone_model(watchlist: Sequence[WatchEntry] = ()) -> QuoteTone | None:
    """The project's tone model as a quote classifier, or None when no model is built (it is never built
    here: building takes minutes, and a brief must not wait for it)."""
    from gaung.analyze.modelstore import load_bundle
    from gaung.analyze.tone import analyze_many
    from gaung.errors import GaungError

    try:
        bundle = load_bundle()
    except (GaungError, OSError) as exc:
        log.warning("no tone model for the speakers' statements: %s", exc)
        return None
    if bundle is None:
        return None
    terms = [term for entry in watchlist for term in (entry.name, *entry.aliases)]
    model = bundle

    def classify(texts: Sequence[str]) -> list[str]:
        results = analyze_many([(None, text) for text in texts], terms, bundle=model, explain=False)
        return [result.tone.label for result in results]

    return classify
