"""Who gets credit for what in a period: the posts and assignments behind every scorecard number.

`load_period_work` reads one period's work for everybody at once (a few queries, whatever the team's
size), so a team table costs the same as one scorecard:
- posts of the office's own channels published in the period, each with its newest metric snapshot
  and its credit shares (`credit_shares`: through the assignment it came out of, by role weights;
  otherwise `posts.credited_staff` gets it all). The person named in `posts.credited_staff` keeps a
  share when the post is linked to an assignment they are not on: they count as one more writer, so
  linking someone else's post to one's own assignment can never take their credit away;
- response assignments (klarifikasi, hak jawab, siaran pers from an issue) whose issue was first
  mentioned in the period, and assignments due in the period, with their members and the moment the
  work went public (`gaung.kinerja.assignments.response_moment`);
- the period's `skp_targets` and `skp_reviews` rows.
An assignment keeps counting when its issue was later deleted or merged: nothing here joins `issues`.
Someone who left keeps the credit for work dated up to their `left_on` and earns none after it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.config import KinerjaSettings
from gaung.content.model import METRICS as SNAPSHOT_FIELDS
from gaung.kinerja.assignments import RESPONSE_KINDS, response_moment
from gaung.kinerja.periods import Period
from gaung.kinerja.staff import list_staff
from gaung.store.schema import (
    assignment_members,
    assignment_outputs,
    assignments,
    channels,
    metric_snapshots,
    posts,
    skp_reviews,
    skp_targets,
)

__all__ = [
    "AssignmentWork",
    "PeriodWork",
    "PostWork",
    "credit_shares",
    "employed_during",
    "employed_on",
    "load_period_work",
]


def _local_day(moment: datetime) -> date:
    from gaung.store.reports import OFFICE_TZ

    return moment.replace(tzinfo=UTC).astimezone(OFFICE_TZ).date()


def employed_during(person: dict[str, Any], period: Period) -> bool:
    """True when the person worked for the office on at least one day of the period."""
    joined, left = person.get("joined_on"), person.get("left_on")
    if joined is not None and joined >= period.end:
        return False
    return left is None or left >= period.start


def employed_on(person: dict[str, Any], moment: datetime | None) -> bool:
    """Work dated `moment` (naive UTC) earns this person credit: not after the day they left."""
    left = person.get("left_on")
    return left is None or moment is None or _local_day(moment) <= left


def credit_shares(members: Iterable[tuple[int, str]], role_weights: dict[str, float]) -> dict[int, float]:
    """Each person's share of one output from its (staff id, role) members; shares sum to 1.

    A role's weight is normalised over the roles present (a post without a videographer gives the
    videographer's weight to the others in proportion), then split equally among the people in that
    role; someone with two roles gets both parts. Roles without a weight count 0; if no present role
    has a weight, everyone shares equally.
    """
    by_role: dict[str, set[int]] = defaultdict(set)
    for staff_id, role in members:
        by_role[role].add(staff_id)
    if not by_role:
        return {}
    weights = {role: role_weights.get(role, 0.0) for role in by_role}
    total = sum(weights.values())
    shares: dict[int, float] = defaultdict(float)
    if total <= 0:
        everyone = sorted({person for group in by_role.values() for person in group})
        return {person: 1 / len(everyone) for person in everyone}
    for role, people in by_role.items():
        for person in people:
            shares[person] += weights[role] / total / len(people)
    return dict(shares)


# -- loading one period's data, for everybody at once ----------------------------------------------


@dataclass
class PostWork:
    id: int
    title: str
    permalink: str | None
    published_at: datetime
    credited_staff: str | None
    snapshot: dict[str, Any] | None
    shares: dict[int, float] = field(default_factory=dict)
    roles: dict[int, list[str]] = field(default_factory=dict)


@dataclass
class AssignmentWork:
    id: int
    title: str
    kind: str
    origin: str
    status: str
    due_at: datetime | None
    first_seen_at: datetime | None
    published_at: datetime | None  # the earliest of the status change to terbit and the outputs' times
    closed_at: datetime | None
    members: dict[int, list[str]] = field(default_factory=dict)


@dataclass
class PeriodWork:
    period: Period
    staff: dict[int, dict[str, Any]]
    posts: list[PostWork]
    office_has_posts: bool
    responses: list[AssignmentWork]
    due: list[AssignmentWork]
    targets: dict[tuple[int, str], dict[str, Any]]
    reviews: dict[int, dict[str, Any]]
    # for a quarter or year: the monthly target rows of its months, {(staff, indicator): {month key: row}}
    month_targets: dict[tuple[int, str], dict[str, dict[str, Any]]] = field(default_factory=dict)


def _chunks(values: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _latest_snapshots(conn: Connection, post_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    latest: dict[int, dict[str, Any]] = {}
    columns = [metric_snapshots.c[name] for name in SNAPSHOT_FIELDS]
    for chunk in _chunks(post_ids):
        rows = conn.execute(
            sa.select(metric_snapshots.c.post_id, metric_snapshots.c.captured_at, *columns)
            .where(metric_snapshots.c.post_id.in_(chunk))
            .order_by(metric_snapshots.c.captured_at.desc(), metric_snapshots.c.id.desc())
        ).mappings()
        for row in rows:
            latest.setdefault(int(row["post_id"]), dict(row))  # newest first: keep the first seen
    return latest


def _load_posts(
    conn: Connection, period: Period, staff: dict[int, dict[str, Any]], settings: KinerjaSettings
) -> list[PostWork]:
    rows = conn.execute(
        sa.select(
            posts.c.id,
            posts.c.title,
            posts.c.caption,
            posts.c.permalink,
            posts.c.published_at,
            posts.c.credited_staff,
        )
        .join(channels, channels.c.id == posts.c.channel_id)
        .where(
            channels.c.is_reference.is_(False),  # other offices' accounts are benchmarks, not work
            posts.c.published_at >= period.start_utc,
            posts.c.published_at < period.end_utc,
        )
        .order_by(posts.c.published_at, posts.c.id)
    ).all()
    ids = [int(r.id) for r in rows]
    snapshots = _latest_snapshots(conn, ids)
    linked: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for chunk in _chunks(ids):
        for post_id, staff_id, role in conn.execute(
            sa.select(assignment_outputs.c.post_id, assignment_members.c.staff_id, assignment_members.c.role)
            .join(
                assignment_members, assignment_members.c.assignment_id == assignment_outputs.c.assignment_id
            )
            .where(assignment_outputs.c.post_id.in_(chunk))
        ):
            roles = linked[int(post_id)][int(staff_id)]
            if role not in roles:
                roles.append(role)
    by_name = {" ".join(p["name"].split()).lower(): int(p["id"]) for p in staff.values()}
    result = []
    for row in rows:
        text = row.title or row.caption or f"post {row.id}"
        post = PostWork(
            id=int(row.id),
            title=" ".join(text.split())[:140],
            permalink=row.permalink,
            published_at=row.published_at,
            credited_staff=row.credited_staff,
            snapshot=snapshots.get(int(row.id)),
        )
        members = linked.get(post.id)
        credited = by_name.get(" ".join(row.credited_staff.split()).lower()) if row.credited_staff else None
        if members:
            pairs = [(person, role) for person, roles in members.items() for role in roles]
            post.roles = {person: list(roles) for person, roles in members.items()}
            if credited is not None and credited not in members:
                pairs.append((credited, "writer"))  # the post's maker keeps a writer's share
                post.roles[credited] = ["credited"]
            post.shares = credit_shares(pairs, settings.role_weights)
        elif credited is not None:
            post.shares = {credited: 1.0}
            post.roles = {credited: ["credited"]}
        # a leaver earns nothing for work published after leaving; the others keep their fair share
        post.shares = {
            person: share
            for person, share in post.shares.items()
            if person in staff and employed_on(staff[person], post.published_at)
        }
        result.append(post)
    return result


def _load_assignments(conn: Connection, where: sa.ColumnElement[bool]) -> list[AssignmentWork]:
    rows = conn.execute(sa.select(assignments).where(where).order_by(assignments.c.id)).mappings().all()
    found = {int(r["id"]): r for r in rows}
    result: dict[int, AssignmentWork] = {}
    for assignment_id, row in found.items():
        result[assignment_id] = AssignmentWork(
            id=assignment_id,
            title=row["title"],
            kind=row["kind"],
            origin=row["origin"],
            status=row["status"],
            due_at=row["due_at"],
            first_seen_at=row["origin_first_seen_at"],
            published_at=row["published_at"],
            closed_at=row["closed_at"],
        )
    ids = sorted(result)
    outputs: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for chunk in _chunks(ids):
        for assignment_id, staff_id, role in conn.execute(
            sa.select(
                assignment_members.c.assignment_id, assignment_members.c.staff_id, assignment_members.c.role
            ).where(assignment_members.c.assignment_id.in_(chunk))
        ):
            roles = result[int(assignment_id)].members.setdefault(int(staff_id), [])
            if role not in roles:
                roles.append(role)
        for assignment_id, published_at in conn.execute(
            sa.select(assignment_outputs.c.assignment_id, assignment_outputs.c.published_at).where(
                assignment_outputs.c.assignment_id.in_(chunk)
            )
        ):
            outputs[int(assignment_id)].append({"published_at": published_at})
    for assignment_id, item in result.items():
        # the moment the work went public, as the Penugasan page measures it
        item.published_at = response_moment(
            {
                "origin_first_seen_at": item.first_seen_at,
                "published_at": item.published_at,
                "outputs": outputs[assignment_id],
            }
        )
    return list(result.values())


def load_period_work(
    conn: Connection,
    period: Period,
    settings: KinerjaSettings,
    staff_rows: list[dict[str, Any]] | None = None,
) -> PeriodWork:
    staff = {int(p["id"]): p for p in (staff_rows or list_staff(conn, include_left=True))}
    post_list = _load_posts(conn, period, staff, settings)
    responses = _load_assignments(
        conn,
        sa.and_(
            assignments.c.kind.in_(RESPONSE_KINDS),
            assignments.c.origin == "issue",
            assignments.c.origin_first_seen_at >= period.start_utc,
            assignments.c.origin_first_seen_at < period.end_utc,
        ),
    )
    due = _load_assignments(
        conn, sa.and_(assignments.c.due_at >= period.start_utc, assignments.c.due_at < period.end_utc)
    )
    targets = {
        (int(r["staff_id"]), r["indicator"]): dict(r)
        for r in conn.execute(sa.select(skp_targets).where(skp_targets.c.period == period.key)).mappings()
    }
    reviews = {
        int(r["staff_id"]): dict(r)
        for r in conn.execute(sa.select(skp_reviews).where(skp_reviews.c.period == period.key)).mappings()
    }
    month_targets: dict[tuple[int, str], dict[str, dict[str, Any]]] = {}
    if period.months > 1:
        month_keys = [month.key for month in period.month_periods()]
        query = sa.select(skp_targets).where(skp_targets.c.period.in_(month_keys))
        for r in conn.execute(query).mappings():
            month_targets.setdefault((int(r["staff_id"]), r["indicator"]), {})[r["period"]] = dict(r)
    return PeriodWork(
        period, staff, post_list, bool(post_list), responses, due, targets, reviews, month_targets
    )
