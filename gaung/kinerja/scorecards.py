"""SKP scorecards: per person and period, the Rencana Hasil Kerja, its indicators and the predikat.

How a scorecard is made, in order:
1. Who: the staff member must have been employed during the period (`joined_on` ≤ period end, `left_on`
   ≥ period start); otherwise there is no scorecard (`NoScorecard`).
2. Credit: a post published in the period is credited through the assignment it came out of
   (`assignment_outputs.post_id`): its members share it by the office's role weights, normalised over
   the roles present and split equally among the people holding a role. A post linked to no assignment
   credits `posts.credited_staff` fully; a linked post still gives the person it credits a writer's
   share when they are not a member. Work published after someone's `left_on` earns them nothing.
3. Realisation of each indicator (`INDICATORS`), computed from the data with its evidence (bukti dukung):
   the posts or assignments behind the number, each with a link and the person's share.
4. Target: the `skp_targets` row for the person and period, else the office default from gaung.toml
   `[kinerja.targets]` (per month; counts scale with the months of a quarter or year). 0 or missing →
   "no target". Capaian = realisation ÷ target × 100; every built-in indicator is "higher is better".
5. Rating hasil kerja by the configured rule (`gaung.kinerja.rating`), rating perilaku and umpan balik
   from the supervisor's `skp_reviews` row, predikat from the PermenPAN-RB 6/2022 matrix.
Nothing is computed from attendance. "No data" is None, shown as "no data", never as 0 %.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from gaung.config import KinerjaSettings
from gaung.content.metrics import engagement_rate_by_reach
from gaung.kinerja.credit import (
    AssignmentWork,
    PeriodWork,
    PostWork,
    credit_shares,
    employed_during,
    employed_on,
    load_period_work,
)
from gaung.kinerja.errors import KinerjaError
from gaung.kinerja.periods import Period, parse_period
from gaung.kinerja.rating import Reason, predikat, rate_hasil_kerja
from gaung.kinerja.staff import list_staff

__all__ = [
    "INDICATORS",
    "Evidence",
    "IndicatorDefinition",
    "IndicatorResult",
    "NoScorecard",
    "Scorecard",
    "credit_shares",
    "default_target",
    "employed_during",
    "format_number",
    "history",
    "scorecard",
    "team_scorecards",
]


class NoScorecard(KinerjaError):
    """The person was not employed during the period (joined later or left before it)."""


@dataclass(frozen=True)
class IndicatorDefinition:
    """A built-in Indikator Kinerja Individu: what it measures and how its realisation is computed."""

    key: str
    label: str  # English; translated by the web layer
    rhk: str  # the default Rencana Hasil Kerja it belongs to
    unit: str  # "" for counts, "%" for percentages
    formula: str
    per_month: bool  # office default targets scale with the months of the period


INDICATORS: dict[str, IndicatorDefinition] = {
    d.key: d
    for d in (
        IndicatorDefinition(
            "posts_published",
            "Posts published",
            "Published content that informs the public about the office's programmes",
            "",
            "Posts published in the period that credit the person, each counted by the person's share.",
            True,
        ),
        IndicatorDefinition(
            "total_reach",
            "Total reach",
            "Published content that informs the public about the office's programmes",
            "",
            "Sum over those posts of reach (newest snapshot) × the person's share.",
            True,
        ),
        IndicatorDefinition(
            "median_engagement_rate",
            "Median engagement rate",
            "Content the public engages with",
            "%",
            "Median over those posts of the engagement rate by reach = engagements ÷ reach × 100"
            " (engagements = likes + comments + shares + saves, newest snapshot); shares do not weight it.",
            False,
        ),
        IndicatorDefinition(
            "negative_answered_within",
            "Negative issues answered in time",
            "Quick responses to negative coverage",
            "%",
            "Response assignments (klarifikasi, hak jawab, siaran pers from an issue) the person worked on"
            " whose issue was first mentioned in the period: share published within N hours of the first"
            " mention × 100 (still open and not yet late: not counted).",
            False,
        ),
        IndicatorDefinition(
            "assignments_on_time",
            "Assignments on time",
            "Assignments completed as agreed",
            "%",
            "Assignments the person worked on that were due in the period: share that reached terbit or"
            " selesai by the due date × 100 (still open and not yet due: not counted).",
            False,
        ),
    )
}


@dataclass
class Evidence:
    """One item behind a number (bukti dukung): a post or an assignment, with a link and the share."""

    kind: str  # post | assignment
    id: int
    title: str
    url: str  # /content/posts/{id} or /assignments/{id}
    share: float  # the person's share of the credit, 0–1
    value: float | None = None  # what the item adds to the number (reach × share, a rate, hours, …)
    note: str = ""  # in English, e.g. "writer: published 5.2 h after the first mention (late)"
    roles: list[str] = field(
        default_factory=list
    )  # the person's roles on it ("credited": posts.credited_staff)
    # what happened, as a code the pages translate: answered | answered_late | not_published | on_time |
    # late | not_done | pending | a metric's reason for "not available" ("no reach", …)
    outcome: str = ""
    hours: float | None = None  # time to respond, for answered / answered_late
    permalink: str | None = None  # the public post, when there is one
    at: datetime | None = None  # published / first mention / due (naive UTC)
    counted: bool = True  # False: listed for context but outside the number (pending, unmeasurable)


@dataclass
class IndicatorResult:
    """One indicator of one scorecard."""

    key: str
    label: str
    rhk: str
    unit: str
    formula: str
    target: float | None
    target_source: str  # set | default | months (built from the monthly targets) | none
    realisation: float | None
    evidence: list[Evidence] = field(default_factory=list)
    detail: str = ""  # e.g. "n=5"

    @property
    def capaian(self) -> float | None:
        """Realisation ÷ target × 100; None with no data or no target (never 0 % or infinity)."""
        if self.realisation is None or not self.target:
            return None
        return self.realisation / self.target * 100

    @property
    def status(self) -> str:
        """ok | no_data | no_target (what the page shows instead of a number)."""
        if self.realisation is None:
            return "no_data"
        if not self.target:
            return "no_target"
        return "ok"


@dataclass
class Scorecard:
    """A person's SKP scorecard for one period."""

    staff_id: int
    person: str
    team: str | None
    position: str | None
    supervisor_id: int | None
    supervisor_name: str | None
    left_on: date | None
    period: Period
    indicators: list[IndicatorResult]
    rating_hasil_kerja: str | None
    rating_reason: Reason
    rating_perilaku: str | None = None
    perilaku_notes: dict[str, str] = field(default_factory=dict)
    feedback: str | None = None
    reviewed_by: str | None = None
    reviewed_at: datetime | None = None

    @property
    def predikat(self) -> str | None:
        return predikat(self.rating_hasil_kerja, self.rating_perilaku)

    @property
    def average_capaian(self) -> float | None:
        """Mean capaian of the indicators that have one, uncapped (comparing months: see
        `gaung.kinerja.recognition.compare_capaian`, which compares like with like)."""
        values = [i.capaian for i in self.indicators if i.capaian is not None]
        return sum(values) / len(values) if values else None

    def indicator(self, key: str) -> IndicatorResult:
        return next(i for i in self.indicators if i.key == key)

    def to_json(self) -> dict[str, Any]:
        """The documented shape of `gaung scorecards --json` (null where there is no data)."""
        return {
            "person": self.person,
            "period": self.period.key,
            "indicators": [
                {
                    "name": i.key,
                    "target": i.target if i.target else None,
                    "realisation": _round(i.realisation),
                    "capaian": _round(i.capaian, 1),
                }
                for i in self.indicators
            ],
            "rating_hasil_kerja": self.rating_hasil_kerja,
            "rating_perilaku": self.rating_perilaku,
            "predikat": self.predikat,
        }


def format_number(value: float, unit: str = "") -> str:
    """A number the Indonesian way (1.234,5): whole counts without decimals, shares of a post with two."""
    if unit == "%":
        text = f"{value:,.1f}"
    elif float(value).is_integer() or abs(value) >= 1000:
        text = f"{value:,.0f}"
    else:
        text = f"{value:,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") + unit


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


# -- the indicators ---------------------------------------------------------------------------------


def _post_evidence(post: PostWork, staff_id: int, value: float | None = None, outcome: str = "") -> Evidence:
    roles = post.roles.get(staff_id, [])
    return Evidence(
        kind="post",
        id=post.id,
        title=post.title,
        url=f"/content/posts/{post.id}",
        share=post.shares[staff_id],
        value=value,
        note=", ".join(roles) + (f": {outcome}" if outcome else ""),
        roles=list(roles),
        outcome=outcome,
        permalink=post.permalink if (post.permalink or "").startswith(("https://", "http://")) else None,
        at=post.published_at,
        counted=not outcome,
    )


OUTCOME_NOTES = {
    "answered": "published %(hours).1f h after the first mention",
    "answered_late": "published %(hours).1f h after the first mention (late)",
    "not_published": "not published in time",
    "on_time": "done by the due date",
    "late": "done after the due date",
    "not_done": "not done by the due date",
    "pending": "still open, not yet due",
}


def _assignment_evidence(
    item: AssignmentWork, staff_id: int, outcome: str, at: datetime | None, hours: float | None = None
) -> Evidence:
    roles = item.members.get(staff_id, [])
    return Evidence(
        kind="assignment",
        id=item.id,
        title=item.title,
        url=f"/assignments/{item.id}",
        share=1.0,
        value=hours,
        note=f"{', '.join(roles)}: {OUTCOME_NOTES[outcome] % {'hours': hours or 0}}",
        roles=list(roles),
        outcome=outcome,
        hours=hours,
        at=at,
        counted=outcome != "pending",
    )


def _posts_published(data: PeriodWork, staff_id: int) -> tuple[float | None, list[Evidence], str]:
    mine = [p for p in data.posts if staff_id in p.shares]
    evidence = [_post_evidence(p, staff_id, value=p.shares[staff_id]) for p in mine]
    if not data.office_has_posts:
        return None, evidence, "no posts imported for the period"
    return sum(p.shares[staff_id] for p in mine), evidence, f"n={len(mine)}"


def _total_reach(data: PeriodWork, staff_id: int) -> tuple[float | None, list[Evidence], str]:
    mine = [p for p in data.posts if staff_id in p.shares]
    evidence, total, measured = [], 0.0, 0
    for post in mine:
        reach = (post.snapshot or {}).get("reach")
        if reach is None:
            evidence.append(_post_evidence(post, staff_id, None, "no reach"))
            continue
        contribution = float(reach) * post.shares[staff_id]
        total += contribution
        measured += 1
        evidence.append(_post_evidence(post, staff_id, contribution))
    if not data.office_has_posts or (mine and measured == 0):
        return None, evidence, "no reach data for the period"
    return total, evidence, f"n={measured}"


def _median_engagement(data: PeriodWork, staff_id: int) -> tuple[float | None, list[Evidence], str]:
    rates, evidence = [], []
    for post in (p for p in data.posts if staff_id in p.shares):
        rate = engagement_rate_by_reach(post.snapshot or {})
        evidence.append(_post_evidence(post, staff_id, rate.value, "" if rate.available else rate.reason))
        if rate.value is not None:
            rates.append(rate.value)
    if not rates:
        return None, evidence, "no post with engagements and reach"
    return statistics.median(rates), evidence, f"n={len(rates)}"


def _percentage(
    evidence: list[Evidence], hits: int, judged: int, empty: str
) -> tuple[float | None, list[Evidence], str]:
    if judged == 0:
        return None, evidence, empty
    return hits / judged * 100, evidence, f"{hits}/{judged}"


def _negative_answered(
    data: PeriodWork, staff_id: int, settings: KinerjaSettings, now: datetime
) -> tuple[float | None, list[Evidence], str]:
    window = timedelta(hours=settings.response_hours)
    evidence, hits, judged = [], 0, 0
    person = data.staff[staff_id]
    for item in data.responses:
        if staff_id not in item.members or not employed_on(person, item.first_seen_at):
            continue
        assert item.first_seen_at is not None  # selected on it
        answered = item.published_at
        if answered is not None:
            hours = (answered - item.first_seen_at).total_seconds() / 3600
            ok = answered - item.first_seen_at <= window
            hits += ok
            judged += 1
            outcome = "answered" if ok else "answered_late"
            evidence.append(_assignment_evidence(item, staff_id, outcome, item.first_seen_at, hours))
        elif now - item.first_seen_at > window:
            judged += 1
            evidence.append(_assignment_evidence(item, staff_id, "not_published", item.first_seen_at))
        else:
            evidence.append(_assignment_evidence(item, staff_id, "pending", item.first_seen_at))
    return _percentage(evidence, hits, judged, "no response assignments in the period")


def _on_time(data: PeriodWork, staff_id: int, now: datetime) -> tuple[float | None, list[Evidence], str]:
    evidence, hits, judged = [], 0, 0
    person = data.staff[staff_id]
    for item in data.due:
        if staff_id not in item.members or not employed_on(person, item.due_at):
            continue
        assert item.due_at is not None  # selected on it
        # the first time it reached terbit (or its first output went public) or selesai
        done = min((t for t in (item.published_at, item.closed_at) if t is not None), default=None)
        if done is not None:
            ok = done <= item.due_at
            hits += ok
            judged += 1
            evidence.append(_assignment_evidence(item, staff_id, "on_time" if ok else "late", item.due_at))
        elif item.due_at < now:
            judged += 1
            evidence.append(_assignment_evidence(item, staff_id, "not_done", item.due_at))
        else:
            evidence.append(_assignment_evidence(item, staff_id, "pending", item.due_at))
    return _percentage(evidence, hits, judged, "no assignments due in the period")


def _target(
    data: PeriodWork, staff_id: int, key: str, settings: KinerjaSettings
) -> tuple[float | None, str, str]:
    definition = INDICATORS[key]
    row = data.targets.get((staff_id, key))
    if row is not None:
        value = row["target"]
        return (
            (float(value) if value else None),
            ("set" if value else "none"),
            row.get("rhk") or definition.rhk,
        )
    months = data.month_targets.get((staff_id, key))
    if months:  # a quarter or year without its own target: built from the months' plans
        return _from_months(data.period, key, months, settings)
    default = default_target(key, data.period, settings)
    if default is None:
        return None, "none", definition.rhk
    return default, "default", definition.rhk


def _from_months(
    period: Period, key: str, rows: dict[str, dict[str, Any]], settings: KinerjaSettings
) -> tuple[float | None, str, str]:
    """A quarter's or year's target from its monthly ones (a month without its own row takes the office
    default): counts add up, rates and percentages average over the months that have a target."""
    values: list[float] = []
    for month in period.month_periods():
        row = rows.get(month.key)
        if row is None:
            value = default_target(key, month, settings)
        else:
            value = float(row["target"]) if row["target"] else None
        if value is not None:
            values.append(value)
    rhk = next((r["rhk"] for r in rows.values() if r.get("rhk")), None) or INDICATORS[key].rhk
    if not values:
        return None, "none", rhk
    total = sum(values) if INDICATORS[key].per_month else sum(values) / len(values)
    return total, "months", rhk


def default_target(key: str, period: Period, settings: KinerjaSettings) -> float | None:
    """The office default target of an indicator for a period (counts scale with its months); None: none."""
    default = settings.targets.get(key)
    if not default:
        return None
    return float(default) * (period.months if INDICATORS[key].per_month else 1)


def _build(data: PeriodWork, staff_id: int, settings: KinerjaSettings, now: datetime) -> Scorecard:
    person = data.staff[staff_id]
    computed = {
        "posts_published": _posts_published(data, staff_id),
        "total_reach": _total_reach(data, staff_id),
        "median_engagement_rate": _median_engagement(data, staff_id),
        "negative_answered_within": _negative_answered(data, staff_id, settings, now),
        "assignments_on_time": _on_time(data, staff_id, now),
    }
    results = []
    for key, definition in INDICATORS.items():
        realisation, evidence, detail = computed[key]
        target, source, rhk = _target(data, staff_id, key, settings)
        formula = definition.formula.replace("N hours", f"{settings.response_hours:g} hours")
        results.append(
            IndicatorResult(
                key,
                definition.label,
                rhk,
                definition.unit,
                formula,
                target,
                source,
                realisation,
                evidence,
                detail,
            )
        )
    rating, reason = rate_hasil_kerja([r.capaian for r in results], settings)
    review = data.reviews.get(staff_id) or {}
    return Scorecard(
        staff_id=staff_id,
        person=person["name"],
        team=person.get("team"),
        position=person.get("position"),
        supervisor_id=person.get("supervisor_id"),
        supervisor_name=person.get("supervisor_name"),
        left_on=person.get("left_on"),
        period=data.period,
        indicators=results,
        rating_hasil_kerja=rating,
        rating_reason=reason,
        rating_perilaku=review.get("rating_perilaku"),
        perilaku_notes=dict(review.get("perilaku_notes") or {}),
        feedback=review.get("feedback"),
        reviewed_by=review.get("reviewed_by"),
        reviewed_at=review.get("reviewed_at"),
    )


# -- the public functions ---------------------------------------------------------------------------


def scorecard(
    conn: Connection,
    staff_id: int,
    period: str | Period,
    settings: KinerjaSettings,
    *,
    now: datetime | None = None,
) -> Scorecard:
    """One person's scorecard; KinerjaError for an unknown person, NoScorecard outside their employment."""
    period = parse_period(period)
    staff_rows = list_staff(conn, include_left=True)
    person = next((p for p in staff_rows if int(p["id"]) == staff_id), None)
    if person is None:
        raise KinerjaError(f"no staff member with id {staff_id}")
    if not employed_during(person, period):
        when = f"left on {person['left_on']}" if person.get("left_on") else f"joined on {person['joined_on']}"
        raise NoScorecard(f"{person['name']} {when}: no scorecard for {period.key}")
    return _build(load_period_work(conn, period, settings, staff_rows), staff_id, settings, now or _now())


def team_scorecards(
    conn: Connection,
    period: str | Period,
    settings: KinerjaSettings,
    visible: set[int] | None = None,
    *,
    now: datetime | None = None,
) -> list[Scorecard]:
    """Scorecards of everyone employed during the period (only `visible` ids unless None), by name."""
    period = parse_period(period)
    data = load_period_work(conn, period, settings)
    people = sorted(data.staff.values(), key=lambda p: (p["name"].lower(), p["id"]))
    return [
        _build(data, int(p["id"]), settings, now or _now())
        for p in people
        if (visible is None or int(p["id"]) in visible) and employed_during(p, period)
    ]


def history(
    conn: Connection,
    staff_id: int,
    periods: Sequence[Period],
    settings: KinerjaSettings,
    *,
    now: datetime | None = None,
) -> list[tuple[Period, Scorecard | None]]:
    """The person's scorecards over several periods (None where they were not employed), for charts."""
    staff_rows = list_staff(conn, include_left=True)
    person = next((p for p in staff_rows if int(p["id"]) == staff_id), None)
    if person is None:
        raise KinerjaError(f"no staff member with id {staff_id}")
    result: list[tuple[Period, Scorecard | None]] = []
    for period in periods:
        if not employed_during(person, period):
            result.append((period, None))
            continue
        result.append(
            (
                period,
                _build(
                    load_period_work(conn, period, settings, staff_rows), staff_id, settings, now or _now()
                ),
            )
        )
    return result
