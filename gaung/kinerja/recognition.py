"""Catatan tinta emas: the month's hall of fame, each entry linked to the work that earned it.

Four awards, all computed from the same scorecards (so the hall of fame never disagrees with them):
- top reach: the highest credited total reach (reach × share, newest snapshots);
- best engagement: the highest median engagement rate by reach among people with at least
  `[kinerja] recognition_min_posts` credited posts (one lucky post is not a pattern);
- fastest response: the response assignment published soonest after its issue's first mention;
- most improved: the largest rise in average capaian over the previous month (both months rated).
An award nobody qualifies for is left out rather than handed to a zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.config import KinerjaSettings
from gaung.kinerja.credit import employed_on, load_period_work
from gaung.kinerja.errors import KinerjaError
from gaung.kinerja.periods import Period, month_of, parse_period
from gaung.kinerja.scorecards import Evidence, Scorecard, team_scorecards
from gaung.store.schema import assignment_outputs, channels, posts

__all__ = ["AWARDS", "Award", "HallOfFame", "hall_of_fame", "latest_month"]

# key → English label (translated by the web layer)
AWARDS = {
    "top_reach": "Top reach",
    "best_engagement": "Best engagement",
    "fastest_response": "Fastest response",
    "most_improved": "Most improved",
}
TOP_LINKS = 3


@dataclass
class Award:
    """One hall-of-fame entry: who, the number, and links to the work itself."""

    key: str
    label: str
    people: list[tuple[int, str]]  # (staff id, name)
    value: float
    unit: str  # "" reach, "%" rates and capaian points, "h" hours
    detail: str  # English, e.g. "from 3 posts"
    work: list[Evidence] = field(default_factory=list)


@dataclass
class HallOfFame:
    period: Period
    awards: list[Award]


def _top(evidence: list[Evidence]) -> list[Evidence]:
    counted = [e for e in evidence if e.counted and e.value is not None]
    return sorted(counted, key=lambda e: (-(e.value or 0), e.id))[:TOP_LINKS]


def _top_reach(cards: list[Scorecard]) -> Award | None:
    ranked = [c for c in cards if (c.indicator("total_reach").realisation or 0) > 0]
    if not ranked:
        return None
    best = min(ranked, key=lambda c: (-(c.indicator("total_reach").realisation or 0), c.person))
    indicator = best.indicator("total_reach")
    return Award(
        "top_reach",
        AWARDS["top_reach"],
        [(best.staff_id, best.person)],
        indicator.realisation or 0,
        "",
        f"from {len([e for e in indicator.evidence if e.counted])} posts",
        _top(indicator.evidence),
    )


def _best_engagement(cards: list[Scorecard], settings: KinerjaSettings) -> Award | None:
    ranked = []
    for card in cards:
        indicator = card.indicator("median_engagement_rate")
        counted = [e for e in indicator.evidence if e.counted]
        if indicator.realisation is not None and len(counted) >= max(settings.recognition_min_posts, 1):
            ranked.append((card, indicator, len(counted)))
    if not ranked:
        return None
    card, indicator, n = min(ranked, key=lambda r: (-(r[1].realisation or 0), r[0].person))
    return Award(
        "best_engagement",
        AWARDS["best_engagement"],
        [(card.staff_id, card.person)],
        indicator.realisation or 0,
        "%",
        f"median of {n} posts",
        _top(indicator.evidence),
    )


def _fastest_response(conn: Connection, period: Period, settings: KinerjaSettings) -> Award | None:
    data = load_period_work(conn, period, settings)
    best = None
    for item in data.responses:
        if item.published_at is None or item.first_seen_at is None or not item.members:
            continue
        hours = (item.published_at - item.first_seen_at).total_seconds() / 3600
        people = [
            (person, data.staff[person]["name"])
            for person in sorted(item.members)
            if person in data.staff and employed_on(data.staff[person], item.first_seen_at)
        ]
        if people and (best is None or (hours, item.id) < (best[0], best[1].id)):
            best = (hours, item, people)
    if best is None:
        return None
    hours, item, people = best
    work = [Evidence("assignment", item.id, item.title, f"/assignments/{item.id}", 1.0, hours, item.kind)]
    for post_id, title, caption, permalink in conn.execute(
        sa.select(posts.c.id, posts.c.title, posts.c.caption, posts.c.permalink)
        .join(assignment_outputs, assignment_outputs.c.post_id == posts.c.id)
        .where(assignment_outputs.c.assignment_id == item.id)
        .order_by(posts.c.id)
        .limit(TOP_LINKS)
    ):
        text = " ".join((title or caption or f"post {post_id}").split())[:140]
        work.append(
            Evidence("post", int(post_id), text, f"/content/posts/{post_id}", 1.0, permalink=permalink)
        )
    return Award(
        "fastest_response", AWARDS["fastest_response"], people, hours, "h", "after the first mention", work
    )


def _most_improved(cards: list[Scorecard], previous: list[Scorecard]) -> Award | None:
    before = {c.staff_id: c.average_capaian for c in previous}
    ranked = []
    for card in cards:
        now_avg, then_avg = card.average_capaian, before.get(card.staff_id)
        if now_avg is not None and then_avg is not None and now_avg > then_avg:
            ranked.append((now_avg - then_avg, card, then_avg))
    if not ranked:
        return None
    gain, card, then_avg = min(ranked, key=lambda r: (-r[0], r[1].person))
    work = [
        Evidence(
            "scorecard",
            card.staff_id,
            f"{card.person} · {card.period.key}",
            f"/kinerja/{card.staff_id}/{card.period.key}",
            1.0,
        )
    ]
    work += _top(card.indicator("total_reach").evidence)[:2]
    return Award(
        "most_improved",
        AWARDS["most_improved"],
        [(card.staff_id, card.person)],
        gain,
        "%",
        f"average capaian {then_avg:.0f}% → {card.average_capaian or 0:.0f}%",
        work,
    )


def hall_of_fame(
    conn: Connection, month: str | Period, settings: KinerjaSettings, *, now: datetime | None = None
) -> HallOfFame:
    """The month's awards; the hall of fame is monthly (a quarter or year is refused)."""
    period = parse_period(month)
    if period.kind != "month":
        raise KinerjaError(f"the hall of fame is monthly: use YYYY-MM, not {period.key}")
    cards = team_scorecards(conn, period, settings, now=now)
    previous = team_scorecards(conn, period.previous(), settings, now=now)
    awards = [
        _top_reach(cards),
        _best_engagement(cards, settings),
        _fastest_response(conn, period, settings),
        _most_improved(cards, previous),
    ]
    return HallOfFame(period, [a for a in awards if a is not None])


def latest_month(conn: Connection) -> Period | None:
    """The month of the office's newest own post, the natural month for the dashboard; None without posts."""
    newest = conn.execute(
        sa.select(sa.func.max(posts.c.published_at))
        .join(channels, channels.c.id == posts.c.channel_id)
        .where(channels.c.is_reference.is_(False))
    ).scalar_one_or_none()
    return month_of(newest) if newest is not None else None
