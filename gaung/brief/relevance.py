"""Which of the day's stories and issues touch the organisation: those naming an entry of its watchlist.

The pipeline stores every watchlist match as a `mention_entities` row with its `watch_id`; the brief reads
those rows, it does not match again. Places are left out when the watchlist has any other entry: a place
is where news happens, not who it is about, and a capital's press names it everywhere (on the demo's
19 June 2025, 443 of 722 stories named "Jakarta", most of them only in the dateline "Liputan6.com,
Jakarta -"), so a place alone would tie a national corruption case to the provincial office. A watchlist
of places only is used as it is. An empty watchlist switches relevance off: the brief then behaves as if
everything may concern the office (every negative issue can be recommended for a response).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.config import WatchEntry
from gaung.store.schema import mention_entities, mentions

PLACE = "PLACE"


@dataclass(frozen=True)
class Relevance:
    """The watchlist entries that tie a story to the organisation: watch id → the name the brief shows."""

    names: dict[str, str]

    @property
    def active(self) -> bool:
        """False with an empty watchlist: nothing is filtered, nothing is marked."""
        return bool(self.names)

    def story_hits(self, conn: Connection, where: Sequence[Any]) -> dict[int, list[str]]:
        """Mention id → the names of the entries it mentions, for the mentions matching `where`."""
        if not self.active:
            return {}
        found: dict[int, list[str]] = defaultdict(list)
        for mention_id, watch_id in conn.execute(
            sa.select(mention_entities.c.mention_id, mention_entities.c.watch_id)
            .distinct()
            .join(mentions, mentions.c.id == mention_entities.c.mention_id)
            .where(*where, mention_entities.c.watch_id.in_(list(self.names)))
        ):
            found[int(mention_id)].append(str(watch_id))
        order = list(self.names)
        return {
            mention_id: [self.names[w] for w in sorted(ids, key=order.index)]
            for mention_id, ids in found.items()
        }

    def issue_hits(self, conn: Connection, where: Sequence[Any]) -> dict[int, list[str]]:
        """Issue id → the names its matching stories mention, most stories first, for the mentions `where`."""
        if not self.active:
            return {}
        counts: dict[int, Counter[str]] = defaultdict(Counter)
        for issue_id, watch_id, stories in conn.execute(
            sa.select(
                mentions.c.issue_id,
                mention_entities.c.watch_id,
                sa.func.count(sa.distinct(mentions.c.id)),
            )
            .join(mentions, mentions.c.id == mention_entities.c.mention_id)
            .where(
                *where, mentions.c.issue_id.is_not(None), mention_entities.c.watch_id.in_(list(self.names))
            )
            .group_by(mentions.c.issue_id, mention_entities.c.watch_id)
        ):
            counts[int(issue_id)][str(watch_id)] += int(stories)
        order = list(self.names)
        return {
            issue_id: [self.names[w] for w in sorted(hits, key=lambda w: (-hits[w], order.index(w)))]
            for issue_id, hits in counts.items()
        }


def relevance(watchlist: Sequence[WatchEntry]) -> Relevance:
    """The entries that count (places only when there is nothing else), in the watchlist's order."""
    counted = [entry for entry in watchlist if entry.type.upper() != PLACE] or list(watchlist)
    return Relevance({entry.id: entry.name for entry in counted})
