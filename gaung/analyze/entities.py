"""Entities of a text: the watchlist's hits first, then the statistical NER's for everybody else.

The watchlist is what the office configured, so where a watchlist hit and an NER span overlap the
watchlist wins (it knows the entry id and the right type, e.g. PROGRAM, which NER has no notion of).
Offsets are character offsets into the text given, so the web UI can highlight them.
"""

from __future__ import annotations

from dataclasses import dataclass

from gaung.analyze.ner import NerModel
from gaung.analyze.watchlist import WatchlistMatcher

# Shorter NER spans are mostly noise: a lone capitalised letter or a stray symbol.
MIN_NER_SPAN_CHARS = 2


@dataclass(frozen=True)
class Entity:
    """One entity mention; ``watch_id`` is the watchlist entry id, or None for an NER-only find."""

    text: str
    type: str  # PERSON | ORGANIZATION | PLACE | PROGRAM
    start: int
    end: int
    watch_id: str | None = None

    def to_json_dict(self) -> dict[str, object]:
        """The shape `gaung analyze --jsonl` prints."""
        return {
            "text": self.text,
            "type": self.type,
            "start": self.start,
            "end": self.end,
            "watch_id": self.watch_id,
        }


def extract_entities(
    text: str, watchlist_matcher: WatchlistMatcher | None, ner_model: NerModel | None
) -> list[Entity]:
    """Watchlist hits plus NER spans that do not overlap them, sorted by position.

    Either source may be None (no watchlist configured; NER disabled), which gives the other alone.
    """
    found: list[Entity] = []
    if watchlist_matcher is not None:
        found = [
            Entity(hit.text, hit.entry.type, hit.start, hit.end, hit.entry.id)
            for hit in watchlist_matcher.find(text)
        ]
    if ner_model is not None and text.strip():
        taken = sorted((entity.start, entity.end) for entity in found)
        for start, end, kind in ner_model.spans(text):
            if end - start < MIN_NER_SPAN_CHARS or _overlaps(taken, start, end):
                continue
            found.append(Entity(text[start:end], kind, start, end, None))
    return sorted(found, key=lambda entity: (entity.start, entity.end))


def _overlaps(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    # Watchlist hits per text are few (tens), so a linear check is cheaper than an interval tree.
    return any(start < taken_end and taken_start < end for taken_start, taken_end in taken)
