"""Who may change an assignment: one rule for the pages, the JSON API and the board's buttons.

Credit follows assignments (`gaung.kinerja.credit`), so changing one is changing whose work counts.
The rule, decided here and nowhere else:

- anyone with the staff role (or above) may create an assignment and comment on any;
- changing one — moving it, linking or unlinking outputs, adding or removing members, editing its
  title, brief or due date — is for analysts and admins, the person who created it (`created_by`,
  their login name), its members, and the supervisors (direct or further up, `staff.team_of`) of any
  of its members;
- moving it to *terbit* or *selesai* (publishing it, closing it, or reopening a closed one back to
  terbit) also needs the approval right: an analyst or admin, a member in the approver role, or a
  supervisor of a member. When the assignment has no approver member, its members may publish it
  themselves (a small office's piece needs no sign-off nobody was asked to give); its creator alone,
  if not a member, may not.

Viewers change nothing. The CLI is the operator's own tool and does not go through this rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.kinerja.errors import ForbiddenError, NotFoundError
from gaung.kinerja.staff import staff_for_user, team_of
from gaung.store.schema import assignment_members, assignments
from gaung.store.users import User

__all__ = [
    "PUBLISHING",
    "Actor",
    "actor_for",
    "can_edit",
    "check_edit",
    "check_move",
    "edit_refusal",
    "may_move",
    "move_refusal",
    "moves_for",
]

PUBLISHING = frozenset({"terbit", "selesai"})  # statuses that need the approval right
PRIVILEGED = frozenset({"analyst", "admin"})


@dataclass(frozen=True)
class Actor:
    """The acting user with what the rule needs, read once per request (a board checks many cards)."""

    user: User | None
    staff_id: int | None  # the user's staff record, if any
    team: frozenset[int]  # everyone reporting to them, directly or further down

    @property
    def privileged(self) -> bool:
        return self.user is not None and self.user.role in PRIVILEGED

    @property
    def name(self) -> str:
        return self.user.name if self.user is not None else "anonymous"


def actor_for(conn: Connection, user: User | None) -> Actor:
    """The user with their staff id and team."""
    me = staff_for_user(conn, user.id) if user is not None else None
    if me is None:
        return Actor(user, None, frozenset())
    return Actor(user, int(me["id"]), frozenset(team_of(conn, int(me["id"]))))


def _members(assignment: dict[str, Any]) -> list[tuple[int, str]]:
    return [(int(m["staff_id"]), str(m["role"])) for m in assignment.get("members") or ()]


def _load(conn: Connection, assignment: dict[str, Any] | int) -> dict[str, Any]:
    """An assignment as the rule reads it (id, created_by, members), from a dict or an id."""
    if isinstance(assignment, dict) and "members" in assignment and "created_by" in assignment:
        return assignment
    assignment_id = int(assignment["id"] if isinstance(assignment, dict) else assignment)
    row = conn.execute(
        sa.select(assignments.c.id, assignments.c.created_by, assignments.c.status).where(
            assignments.c.id == assignment_id
        )
    ).first()
    if row is None:
        raise NotFoundError(f"no assignment with id {assignment_id}")
    members = conn.execute(
        sa.select(assignment_members.c.staff_id, assignment_members.c.role).where(
            assignment_members.c.assignment_id == assignment_id
        )
    ).all()
    return {
        "id": assignment_id,
        "created_by": row.created_by,
        "status": row.status,
        "members": [{"staff_id": m.staff_id, "role": m.role} for m in members],
    }


def _supervises(actor: Actor, people: Iterable[int]) -> bool:
    return any(person in actor.team for person in people)


def edit_refusal(actor: Actor, assignment: dict[str, Any]) -> str | None:
    """Why `actor` may not change the assignment, or None when they may."""
    if actor.user is None or not actor.user.can("staff"):
        return "viewers cannot change assignments"
    if actor.privileged:
        return None
    if assignment.get("created_by") and assignment["created_by"] == actor.user.name:
        return None
    people = {person for person, _ in _members(assignment)}
    if actor.staff_id is not None and (actor.staff_id in people or _supervises(actor, people)):
        return None
    return (
        f"{actor.name} may not change assignment {assignment.get('id')}: only its creator, its members, "
        "their supervisors, analysts and admins may"
    )


def move_refusal(actor: Actor, assignment: dict[str, Any], to_status: str) -> str | None:
    """Why `actor` may not move the assignment to `to_status`, or None (the workflow is checked apart)."""
    problem = edit_refusal(actor, assignment)
    if problem is not None or to_status not in PUBLISHING or actor.privileged:
        return problem
    members = _members(assignment)
    people = {person for person, _ in members}
    approvers = {person for person, role in members if role == "approver"}
    if actor.staff_id is not None:
        if actor.staff_id in approvers or _supervises(actor, people):
            return None
        if not approvers and actor.staff_id in people:
            return None  # no approver named: the members publish themselves
    who = "its approver" if approvers else "one of its members"
    return (
        f"{actor.name} may not move assignment {assignment.get('id')} to {to_status}: publishing or "
        f"closing needs {who}, a supervisor of a member, an analyst or an admin"
    )


def can_edit(conn: Connection, user: User | None, assignment: dict[str, Any] | int) -> bool:
    """True when `user` may change the assignment (move, link outputs, change members, edit)."""
    return edit_refusal(actor_for(conn, user), _load(conn, assignment)) is None


def may_move(conn: Connection, user: User | None, assignment: dict[str, Any] | int, to_status: str) -> bool:
    """True when `user` may move the assignment to `to_status` (terbit/selesai need the approval right)."""
    return move_refusal(actor_for(conn, user), _load(conn, assignment), to_status) is None


def moves_for(actor: Actor, assignment: dict[str, Any]) -> list[str]:
    """The workflow's next statuses (`assignment["moves"]`) this actor may use: the buttons to show."""
    return [s for s in assignment.get("moves") or () if move_refusal(actor, assignment, s) is None]


def check_edit(conn: Connection, user: User | None, assignment_id: int) -> None:
    """Raise ForbiddenError (API 403) unless `user` may change the assignment; NotFoundError if unknown."""
    problem = edit_refusal(actor_for(conn, user), _load(conn, assignment_id))
    if problem is not None:
        raise ForbiddenError(problem)


def check_move(conn: Connection, user: User | None, assignment_id: int, to_status: str) -> None:
    """Raise ForbiddenError unless `user` may move the assignment to `to_status`."""
    problem = move_refusal(actor_for(conn, user), _load(conn, assignment_id), to_status)
    if problem is not None:
        raise ForbiddenError(problem)
