"""Rekomendasi: what the reader can act on, each with the evidence that proves it.

- klarifikasi — an issue with at least NEGATIVE_ISSUE_MIN_STORIES negative stories that day making up at least
  NEGATIVE_ISSUE_MIN_SHARE of its stories, with no response assignment yet, and (with a watchlist) naming
  the organisation: a land case in another province is not the office's to answer;
- hak jawab — instead of klarifikasi when one outlet carries most of those negative stories;
- amplify — the day's best "kebaikan" stories about a watched name that nobody has taken up.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.brief.clippings import canonical_in, evidence_link
from gaung.brief.relevance import Relevance
from gaung.store.schema import assignments, mentions

# An issue is "negative" for the recommendations when at least this many of its stories that day are
# negative and they are at least this share of its stories: one angry story is noise, two with a
# negative majority-ish share is what an analyst would flag for a response.
NEGATIVE_ISSUE_MIN_STORIES = 2
NEGATIVE_ISSUE_MIN_SHARE = 0.4
# Hak jawab (UU Pers No. 40/1999) is addressed to one outlet; suggest it instead of a general klarifikasi
# when one outlet carries at least this share of the issue's negative stories.
HAK_JAWAB_OUTLET_SHARE = 0.6
MAX_RESPONSE_RECOMMENDATIONS = 3
MAX_AMPLIFY_RECOMMENDATIONS = 2
# An assignment of one of these kinds on an issue means the office is already answering it.
RESPONSE_KINDS = ("klarifikasi", "hak_jawab", "siaran_pers")


@dataclass
class Recommendation:
    kind: str  # klarifikasi | hak_jawab | amplify
    title: str  # the issue label or the story's headline
    negative: int = 0
    stories: int = 0
    outlet: str | None = None  # the outlet a hak jawab goes to
    evidence: list[tuple[str, str | None]] = field(default_factory=list)  # (label, link or None)
    related: list[str] = field(default_factory=list)  # the watchlist names that tie it to the office


def recommendations(
    conn: Connection,
    start: datetime,
    end: datetime,
    base: str,
    issue_hits: dict[int, list[str]],
    watch: Relevance,
) -> list[Recommendation]:
    found = _respond_to_negative_issues(conn, start, end, base, issue_hits if watch.active else None)
    found += _amplify_good_stories(conn, end, base, watch)
    return found


def _respond_to_negative_issues(
    conn: Connection, start: datetime, end: datetime, base: str, issue_hits: dict[int, list[str]] | None
) -> list[Recommendation]:
    """Negative issues of the day without a response assignment → klarifikasi, or hak jawab to one outlet.

    With a watchlist (`issue_hits` not None) only issues whose stories name it are the office's to
    answer: a land case in another province is not, however negative.
    """
    from gaung.store.schema import issues

    negative = sa.func.sum(sa.case((mentions.c.tone == "negative", 1), else_=0)).label("negative")
    total = sa.func.count().label("total")
    candidates = conn.execute(
        sa.select(mentions.c.issue_id, negative, total)
        .where(*canonical_in(start, end), mentions.c.issue_id.is_not(None))
        .group_by(mentions.c.issue_id)
        .having(negative >= NEGATIVE_ISSUE_MIN_STORIES)
        .order_by(negative.desc(), mentions.c.issue_id)
    ).all()
    candidates = [
        c
        for c in candidates
        if int(c.negative) / int(c.total) >= NEGATIVE_ISSUE_MIN_SHARE
        and (issue_hits is None or int(c.issue_id) in issue_hits)
    ]
    if not candidates:
        return []
    ids = [int(c.issue_id) for c in candidates]
    answered = {
        int(i)
        for (i,) in conn.execute(
            sa.select(assignments.c.issue_id).where(
                assignments.c.issue_id.in_(ids), assignments.c.kind.in_(RESPONSE_KINDS)
            )
        )
    }
    labels = dict(conn.execute(sa.select(issues.c.id, issues.c.label).where(issues.c.id.in_(ids))).all())
    found = []
    for candidate in candidates:
        issue_id = int(candidate.issue_id)
        if issue_id in answered:
            continue
        rows = conn.execute(
            sa.select(mentions.c.id, mentions.c.site, mentions.c.title)
            .where(*canonical_in(start, end), mentions.c.issue_id == issue_id, mentions.c.tone == "negative")
            .order_by(mentions.c.published_at, mentions.c.id)
        ).all()
        by_outlet: dict[str, int] = defaultdict(int)
        for row in rows:
            by_outlet[row.site or "-"] += 1
        outlet, most = max(sorted(by_outlet.items()), key=lambda pair: pair[1])
        hak_jawab = outlet != "-" and most / len(rows) >= HAK_JAWAB_OUTLET_SHARE
        label = str(labels.get(issue_id) or f"#{issue_id}")
        evidence = [(label, evidence_link(base, f"/issues/{issue_id}"))]
        evidence += [
            (row.title or f"#{row.id}", evidence_link(base, f"/mentions/{row.id}")) for row in rows[:2]
        ]
        found.append(
            Recommendation(
                kind="hak_jawab" if hak_jawab else "klarifikasi",
                title=label,
                negative=int(candidate.negative),
                stories=int(candidate.total),
                outlet=outlet if hak_jawab else None,
                evidence=evidence,
                related=(issue_hits or {}).get(issue_id, []),
            )
        )
        if len(found) == MAX_RESPONSE_RECOMMENDATIONS:
            break
    return found


def _amplify_good_stories(
    conn: Connection, end: datetime, base: str, watch: Relevance
) -> list[Recommendation]:
    """The day's best "kebaikan" stories (see `gaung.store.monitoring.good_stories`) not yet taken up.

    `good_stories` counts any watchlist match, places included; the brief keeps those that name an entry
    that counts for relevance (a painting contest that only names "Jakarta" is not the office's to share).
    """
    from gaung.store.monitoring import good_stories

    ranked = good_stories(conn, end.replace(tzinfo=UTC), days=1, limit=MAX_AMPLIFY_RECOMMENDATIONS + 10)
    ids = [int(r.story.id) for r in ranked]
    hits = watch.story_hits(conn, [mentions.c.id.in_(ids)]) if ids else {}
    taken = (
        {
            int(i)
            for (i,) in conn.execute(
                sa.select(assignments.c.mention_id).where(assignments.c.mention_id.in_(ids))
            )
        }
        if ids
        else set()
    )
    found = []
    for ranked_story in ranked:
        story = ranked_story.story
        if int(story.id) in taken or (watch.active and int(story.id) not in hits):
            continue
        evidence = [(story.title or f"#{story.id}", evidence_link(base, f"/mentions/{story.id}"))]
        found.append(
            Recommendation(
                kind="amplify",
                title=story.title,
                stories=story.outlets,
                evidence=evidence,
                related=hits.get(int(story.id), []),
            )
        )
        if len(found) == MAX_AMPLIFY_RECOMMENDATIONS:
            break
    return found
