"""Reading assignments back: the board and the filtered list, and one assignment with its history,
comments, outputs (each linked post with its latest reach) and where it came from.

An assignment outlives its origin: when the issue was merged, `origin.state` is "merged" and names the
issue it lives on in; when the issue or story is gone, "missing" — the assignment still loads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.content.store import latest_snapshot_id
from gaung.kinerja.assignments import (
    DONE_STATUSES,
    KINDS,
    STATUSES,
    _choice,
    _naive,
    allowed_moves,
    is_overdue,
    live_issue,
    response_moment,
    time_to_respond,
    utcnow,
)
from gaung.store.schema import (
    assignment_comments,
    assignment_events,
    assignment_members,
    assignment_outputs,
    assignments,
    channels,
    issues,
    mentions,
    metric_snapshots,
    posts,
    staff,
)

LIST_LIMIT = 500


def _members(conn: Connection, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return found
    rows = conn.execute(
        sa.select(
            assignment_members.c.assignment_id,
            assignment_members.c.role,
            staff.c.id.label("staff_id"),
            staff.c.name,
            staff.c.left_on,
        )
        .join(staff, staff.c.id == assignment_members.c.staff_id)
        .where(assignment_members.c.assignment_id.in_(ids))
        .order_by(assignment_members.c.id)
    ).mappings()
    for row in rows:
        found[int(row["assignment_id"])].append(dict(row))
    return found


def _outputs(conn: Connection, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Outputs with, for matched posts, the post's platform, channel and latest snapshot's numbers."""
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    if not ids:
        return found
    latest = latest_snapshot_id()
    rows = conn.execute(
        sa.select(
            assignment_outputs,
            posts.c.platform,
            posts.c.permalink,
            posts.c.title.label("post_title"),
            posts.c.caption.label("post_caption"),
            channels.c.name.label("channel_name"),
            metric_snapshots.c.reach,
            metric_snapshots.c.views,
            metric_snapshots.c.impressions,
            metric_snapshots.c.captured_at,
        )
        .select_from(assignment_outputs)
        .outerjoin(posts, posts.c.id == assignment_outputs.c.post_id)
        .outerjoin(channels, channels.c.id == posts.c.channel_id)
        .outerjoin(metric_snapshots, metric_snapshots.c.id == latest)
        .where(assignment_outputs.c.assignment_id.in_(ids))
        .order_by(assignment_outputs.c.added_at, assignment_outputs.c.id)
    ).mappings()
    for row in rows:
        found[int(row["assignment_id"])].append(dict(row))
    return found


def _origin(conn: Connection, row: dict[str, Any]) -> dict[str, Any]:
    """Where the assignment came from, and whether that still exists (ok | merged | missing)."""
    origin: dict[str, Any] = {"kind": row["origin"], "state": None}
    if row["issue_id"] is not None:
        own = conn.execute(
            sa.select(issues.c.id, issues.c.label).where(issues.c.id == row["issue_id"])
        ).first()
        target = live_issue(conn, int(row["issue_id"]))
        origin["issue_id"] = int(row["issue_id"])
        origin["label"] = own.label if own is not None else None
        if target is None:
            origin["state"] = "missing"
        elif int(target["id"]) != int(row["issue_id"]):
            origin.update(state="merged", target_id=int(target["id"]), target_label=target["label"])
        else:
            origin["state"] = "ok"
    elif row["mention_id"] is not None:
        story = conn.execute(
            sa.select(mentions.c.id, mentions.c.title, mentions.c.url, mentions.c.site).where(
                mentions.c.id == row["mention_id"]
            )
        ).first()
        origin["mention_id"] = int(row["mention_id"])
        if story is None:
            origin["state"] = "missing"
        else:
            origin.update(state="ok", label=story.title, url=story.url, site=story.site)
    elif row["program"]:
        origin.update(state="ok", label=row["program"])
    return origin


def _decorate(item: dict[str, Any], now: datetime) -> dict[str, Any]:
    item["overdue"] = is_overdue(item, now)
    item["time_to_respond"] = time_to_respond(item)
    item["response_at"] = response_moment(item)
    item["moves"] = allowed_moves(item["kind"], item["status"], item["published_at"] is not None)
    return item


def get_assignment(
    conn: Connection, assignment_id: int, *, now: datetime | None = None
) -> dict[str, Any] | None:
    """One assignment with members, events (oldest first), comments, outputs and origin; None if unknown."""
    row = conn.execute(sa.select(assignments).where(assignments.c.id == assignment_id)).mappings().first()
    if row is None:
        return None
    item = dict(row)
    item["members"] = _members(conn, [assignment_id])[assignment_id]
    item["outputs"] = _outputs(conn, [assignment_id])[assignment_id]
    item["events"] = [
        dict(r)
        for r in conn.execute(
            sa.select(assignment_events)
            .where(assignment_events.c.assignment_id == assignment_id)
            .order_by(assignment_events.c.at, assignment_events.c.id)
        ).mappings()
    ]
    item["comments"] = [
        dict(r)
        for r in conn.execute(
            sa.select(assignment_comments)
            .where(assignment_comments.c.assignment_id == assignment_id)
            .order_by(assignment_comments.c.at, assignment_comments.c.id)
        ).mappings()
    ]
    item["origin_info"] = _origin(conn, item)
    return _decorate(item, _naive(now) or utcnow())


def list_assignments(
    conn: Connection,
    *,
    status: str | None = None,
    kind: str | None = None,
    staff_id: int | None = None,
    overdue: bool | None = None,
    issue_id: int | None = None,
    mention_id: int | None = None,
    now: datetime | None = None,
    limit: int = LIST_LIMIT,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Assignments matching the filters, soonest due first (no due date last), and how many match.

    Each carries its members and outputs; `overdue` means past due and not yet terbit/selesai.
    """
    moment = _naive(now) or utcnow()
    where: list[Any] = []
    if status:
        where.append(assignments.c.status == _choice(status, STATUSES, "status"))
    if kind:
        where.append(assignments.c.kind == _choice(kind, KINDS, "kind"))
    if staff_id is not None:
        where.append(
            assignments.c.id.in_(
                sa.select(assignment_members.c.assignment_id).where(assignment_members.c.staff_id == staff_id)
            )
        )
    late = sa.and_(
        assignments.c.due_at.is_not(None),
        assignments.c.due_at < moment,
        assignments.c.status.not_in(DONE_STATUSES),
    )
    if overdue is True:
        where.append(late)
    elif overdue is False:
        where.append(sa.not_(late))
    if issue_id is not None:
        where.append(assignments.c.issue_id == issue_id)
    if mention_id is not None:
        where.append(assignments.c.mention_id == mention_id)
    total = int(conn.execute(sa.select(sa.func.count()).select_from(assignments).where(*where)).scalar_one())
    rows = conn.execute(
        sa.select(assignments)
        .where(*where)
        .order_by(assignments.c.due_at.is_(None), assignments.c.due_at, assignments.c.id.desc())
        .limit(limit)
        .offset(offset)
    ).mappings()
    items = [dict(r) for r in rows]
    ids = [int(i["id"]) for i in items]
    members, outputs = _members(conn, ids), _outputs(conn, ids)
    labels = _issue_labels(conn, [int(i["issue_id"]) for i in items if i["issue_id"] is not None])
    for item in items:
        item["members"] = members[int(item["id"])]
        item["outputs"] = outputs[int(item["id"])]
        item["issue_label"] = labels.get(item["issue_id"]) if item["issue_id"] is not None else None
        _decorate(item, moment)
    return items, total


def _issue_labels(conn: Connection, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = conn.execute(sa.select(issues.c.id, issues.c.label).where(issues.c.id.in_(sorted(set(ids)))))
    return {int(r.id): r.label for r in rows}


def board(
    conn: Connection, *, now: datetime | None = None, **filters: Any
) -> dict[str, list[dict[str, Any]]]:
    """The list grouped into one column per status, in workflow order."""
    items, _ = list_assignments(conn, now=now, **filters)
    columns: dict[str, list[dict[str, Any]]] = {status: [] for status in STATUSES}
    for item in items:
        columns[item["status"]].append(item)
    return columns
