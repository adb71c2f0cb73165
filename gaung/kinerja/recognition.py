"""Catatan tinta emas: the month's hall of fame, each entry linked to the work that earned it.

Four awards, all computed from the same scorecards (so the hall of fame never disagrees with them):
- top reach: the highest credited total reach (reach × share, newest snapshots);
- best engagement: the highest median engagement rate by reach among people with at least
  `[kinerja] recognition_min_posts` credited posts (one lucky post is not a pattern);
- fastest response: the response assignment published soonest after its issue's first mention;
- most improved: the largest rise in average capaian over the previous month, like for like: only the
  indicators with a capaian in both months count (at least `MIN_SHARED` of them), each capped at
  `CAPAIAN_CAP` % so one runaway number (a target set far too low) cannot win it alone.
An award nobody qualifies for is left out rather than handed to a zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.config import KinerjaSettings
from gaung.kinerja.credit import employed_on, load_period_work
from gaung.kinerja.errors import KinerjaError
from gaung.kinerja.periods import Period, month_of, parse_period
from gaung.kinerja.scorecards import Evidence, Scorecard, team_scorecards
from gaung.store.schema import assignment_outputs, channels, posts, skp_reviews, skp_targets

__all__ = ["AWARDS", "Award", "HallOfFame", "compare_capaian", "hall_of_fame", "latest_month"]

# key → English label (translated by the web layer)
AWARDS = {
    "top_reach": "Top reach",
    "best_engagement": "Best engagement",
    "fastest_response": "Fastest response",
    "most_improved": "Most improved",
}
TOP_LINKS = 3
CAPAIAN_CAP = 150.0  # percent: beyond this a capaian says more about the target than the work
MIN_SHARED = 2  # indicators with a capaian in both months, for a fair comparison


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
    compared: int = 0  # most improved: how many indicators were compared


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


def compare_capaian(now: Scorecard, then: Scorecard) -> tuple[float, float, int] | None:
    """(then, now, n): the mean capaian of both months over the n indicators with a capaian in both,
    each capped at CAPAIAN_CAP; None when fewer than MIN_SHARED indicators can be compared."""
    before = {i.key: i.capaian for i in then.indicators if i.capaian is not None}
    pairs = [
        (min(before[i.key], CAPAIAN_CAP), min(i.capaian, CAPAIAN_CAP))
        for i in now.indicators
        if i.capaian is not None and i.key in before
    ]
    if len(pairs) < MIN_SHARED:
        return None
    return sum(p[0] for p in pairs) / len(pairs), sum(p[1] for p in pairs) / len(pairs), len(pairs)


def _most_improved(cards: list[Scorecard], previous: list[Scorecard]) -> Award | None:
    before = {c.staff_id: c for c in previous}
    ranked = []
    for card in cards:
        then = before.get(card.staff_id)
        compared = compare_capaian(card, then) if then is not None else None
        if compared is not None and compared[1] > compared[0]:
            ranked.append((compared[1] - compared[0], card, compared))
    if not ranked:
        return None
    gain, card, (then_avg, now_avg, n) = min(ranked, key=lambda r: (-r[0], r[1].person))
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
        f"average capaian over {n} indicators measured in both months, each capped at {CAPAIAN_CAP:.0f}%:"
        f" {then_avg:.0f}% → {now_avg:.0f}%",
        work,
        compared=n,
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


def latest_month(conn: Connection, *, now: datetime | None = None) -> Period | None:
    """The natural month for the dashboard and the Kinerja page; None with no SKP rows and no posts.

    The newest month (up to the current one) for which the office set monthly SKP targets or wrote
    reviews: the month it is judging, usually the current one. Posts keep arriving after a month is
    judged, so the month of the newest post would show a month nobody set targets for. Without any
    monthly targets or reviews, the month of the office's newest own post.
    """
    current = month_of(now or datetime.now(UTC))
    judged: list[Period] = []
    for table in (skp_targets, skp_reviews):
        for key in conn.execute(sa.select(table.c.period).distinct()).scalars():
            try:
                period = parse_period(key)
            except KinerjaError:
                continue  # a hand-written odd key must not break the dashboard
            if period.kind == "month" and period.start <= current.start:
                judged.append(period)
    if judged:
        return max(judged)
    newest = conn.execute(
        sa.select(sa.func.max(posts.c.published_at))
        .join(channels, channels.c.id == posts.c.channel_id)
        .where(channels.c.is_reference.is_(False))
    ).scalar_one_or_none()
    return month_of(newest) if newest is not None else None
