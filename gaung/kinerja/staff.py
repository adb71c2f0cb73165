"""The staff registry: the office's team, who reports to whom, who left, and who may see whose work.

A staff member is not a login: a videographer may have none, and a person who leaves keeps their name
on old work (`left_on` is set, the row is never deleted) while their login is disabled. The supervisor
links form a tree; `set_supervisor` refuses anything that would make it a loop, and `team_of` walks it
defensively anyway (a loop written by hand into the database must not hang a page).

The visibility rule for scorecards and personal pages, in one place (`visible_staff_ids`): staff see
their own, supervisors their whole team (direct and indirect reports), admins everything.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.kinerja.errors import ConflictError, KinerjaError, NotFoundError
from gaung.store.schema import posts, staff, users
from gaung.store.users import User, UserError, get_user_row, set_disabled

MAX_NAME = 200


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _select() -> sa.Select[Any]:
    boss = staff.alias("boss")
    return (
        sa.select(
            staff,
            users.c.name.label("user_name"),
            users.c.role.label("user_role"),
            users.c.disabled.label("user_disabled"),
            boss.c.name.label("supervisor_name"),
        )
        .select_from(staff)
        .outerjoin(users, users.c.id == staff.c.user_id)
        .outerjoin(boss, boss.c.id == staff.c.supervisor_id)
    )


def _clean_name(name: str) -> str:
    clean = " ".join((name or "").split())
    if not clean:
        raise KinerjaError("a staff member needs a name")
    if len(clean) > MAX_NAME:
        raise KinerjaError(
            f"staff name too long ({len(clean)} characters, at most {MAX_NAME}): {clean[:40]}…"
        )
    return clean


def _user_id(conn: Connection, user_name: str) -> int:
    try:
        row = get_user_row(conn, user_name)
    except UserError as exc:
        raise NotFoundError(str(exc)) from None
    taken = conn.execute(sa.select(staff.c.name).where(staff.c.user_id == row["id"])).first()
    if taken is not None:
        raise ConflictError(f"login {row['name']!r} already belongs to staff member {taken.name!r}")
    return int(row["id"])


def find_staff(conn: Connection, name_or_id: str | int) -> dict[str, Any]:
    """A staff member by id, exact name (case-insensitive) or login name; raises KinerjaError if unknown."""
    if isinstance(name_or_id, int) or (isinstance(name_or_id, str) and name_or_id.strip().isdigit()):
        found = get_staff(conn, int(name_or_id))
        if found is None:
            raise NotFoundError(f"no staff member with id {name_or_id} (see: gaung staff list)")
        return found
    wanted = " ".join(name_or_id.split()).lower()
    row = (
        conn.execute(_select().where(sa.or_(sa.func.lower(staff.c.name) == wanted, users.c.name == wanted)))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFoundError(f"no staff member named {name_or_id!r} (see: gaung staff list)")
    return dict(row)


def _staff_id(conn: Connection, ref: str | int) -> int:
    return int(find_staff(conn, ref)["id"])


def add_staff(
    conn: Connection,
    name: str,
    *,
    user_name: str | None = None,
    supervisor: str | int | None = None,
    team: str | None = None,
    position: str | None = None,
    nip: str | None = None,
    joined_on: date | None = None,
) -> int:
    """Register a staff member; returns the id. `supervisor` is a staff id or name, `user_name` a login."""
    clean = _clean_name(name)
    exists = conn.execute(sa.select(staff.c.id).where(sa.func.lower(staff.c.name) == clean.lower())).first()
    if exists is not None:
        raise ConflictError(f"staff member {clean!r} already exists (id {exists.id})")
    user_id = _user_id(conn, user_name) if user_name else None
    supervisor_id = None
    if supervisor is not None and supervisor != "":
        boss = find_staff(conn, supervisor)
        if boss["left_on"] is not None:
            raise ConflictError(f"{boss['name']} left on {boss['left_on']}: choose a current supervisor")
        supervisor_id = int(boss["id"])
    result = conn.execute(
        staff.insert().values(
            name=clean,
            user_id=user_id,
            supervisor_id=supervisor_id,
            team=(team or "").strip() or None,
            position=(position or "").strip() or None,
            nip=(nip or "").strip() or None,
            joined_on=joined_on,
            created_at=_now(),
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def get_staff(conn: Connection, staff_id: int) -> dict[str, Any] | None:
    """One staff member with `user_name`, `user_role` and `supervisor_name`; None if unknown."""
    row = conn.execute(_select().where(staff.c.id == staff_id)).mappings().first()
    return dict(row) if row else None


def list_staff(conn: Connection, *, include_left: bool = False) -> list[dict[str, Any]]:
    """Staff members by name; people who left only with `include_left`."""
    query = _select().order_by(staff.c.name)
    if not include_left:
        query = query.where(staff.c.left_on.is_(None))
    return [dict(row) for row in conn.execute(query).mappings()]


def staff_for_user(conn: Connection, user_id: int) -> dict[str, Any] | None:
    """The staff record linked to a login, or None (an admin or analyst may have none)."""
    row = conn.execute(_select().where(staff.c.user_id == user_id)).mappings().first()
    return dict(row) if row else None


def _reports(conn: Connection) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for person, boss in conn.execute(
        sa.select(staff.c.id, staff.c.supervisor_id).where(staff.c.supervisor_id.is_not(None))
    ):
        children.setdefault(int(boss), []).append(int(person))
    return children


def team_of(conn: Connection, staff_id: int) -> list[int]:
    """Everyone reporting to `staff_id`, directly or through others (not the person themself), sorted.

    The whole supervisor map is read once (an office has tens of people, not thousands) and walked
    breadth-first with a seen-set, so even a loop written into the database directly ends.
    """
    children = _reports(conn)
    seen: set[int] = {staff_id}
    queue = list(children.get(staff_id, ()))
    while queue:
        person = queue.pop()
        if person in seen:
            continue
        seen.add(person)
        queue.extend(children.get(person, ()))
    seen.discard(staff_id)
    return sorted(seen)


def set_supervisor(conn: Connection, staff_id: int, supervisor: str | int | None) -> int | None:
    """Make `supervisor` (id or name; None clears it) the supervisor of `staff_id`; returns the old one.

    Refuses self-supervision and any change that would make someone their own (indirect) supervisor.
    """
    person = find_staff(conn, staff_id)
    old = person["supervisor_id"]
    if supervisor is None or supervisor == "":
        new_id = None
    else:
        boss = find_staff(conn, supervisor)
        new_id = int(boss["id"])
        if new_id == person["id"]:
            raise ConflictError(f"{person['name']} cannot supervise themself")
        if new_id in team_of(conn, int(person["id"])):
            raise ConflictError(
                f"{boss['name']} reports to {person['name']} (directly or indirectly): "
                "making them the supervisor would create a loop"
            )
        if boss["left_on"] is not None:
            raise ConflictError(f"{boss['name']} left on {boss['left_on']}: choose a current supervisor")
    conn.execute(sa.update(staff).where(staff.c.id == person["id"]).values(supervisor_id=new_id))
    return int(old) if old is not None else None


def mark_left(conn: Connection, staff_id: int, left_on: date, *, disable_login: bool = True) -> None:
    """Record that someone left on `left_on`: their work and credits stay, their login is disabled.

    Their direct reports keep the link (the office reassigns them with `set_supervisor`); a leaver can
    no longer be added to new assignments.
    """
    person = find_staff(conn, staff_id)
    if person["joined_on"] is not None and left_on < person["joined_on"]:
        raise KinerjaError(f"{person['name']} joined on {person['joined_on']}; cannot leave on {left_on}")
    conn.execute(sa.update(staff).where(staff.c.id == person["id"]).values(left_on=left_on))
    if disable_login and person["user_id"] is not None and not person["user_disabled"]:
        try:
            set_disabled(conn, int(person["user_id"]), True)
        except UserError as exc:
            raise KinerjaError(f"{person['name']}: {exc}") from None


def update_staff(conn: Connection, staff_id: int, **fields: Any) -> None:
    """Change name, team, position, nip, joined_on or the linked login (`user_name`, "" unlinks).

    Posts credit people by name (`posts.credited_staff`), so a rename carries those credits over to the
    new name in the same transaction; a name another staff member already has is refused.
    """
    person = find_staff(conn, staff_id)
    allowed = {"team", "position", "nip", "joined_on", "user_name", "name"}
    unknown = set(fields) - allowed
    if unknown:
        raise KinerjaError(f"cannot change {', '.join(sorted(unknown))} of a staff member")
    values: dict[str, Any] = {}
    for key in ("team", "position", "nip"):
        if key in fields:
            values[key] = (fields[key] or "").strip() or None
    if "joined_on" in fields:
        values["joined_on"] = fields["joined_on"]
    if "name" in fields:
        values["name"] = _clean_name(fields["name"])
        taken = conn.execute(
            sa.select(staff.c.id, staff.c.name).where(
                sa.func.lower(staff.c.name) == values["name"].lower(), staff.c.id != person["id"]
            )
        ).first()
        if taken is not None:
            raise ConflictError(
                f"cannot rename {person['name']} to {values['name']!r}: staff member {taken.name!r} "
                f"already exists (id {taken.id})"
            )
    if "user_name" in fields:
        values["user_id"] = _user_id(conn, fields["user_name"]) if fields["user_name"] else None
    if values:
        conn.execute(sa.update(staff).where(staff.c.id == person["id"]).values(**values))
    if "name" in values and values["name"] != person["name"]:
        _move_credits(conn, person["name"], values["name"])


def _move_credits(conn: Connection, old: str, new: str) -> int:
    """Rewrite `posts.credited_staff` from `old` to `new`, matched as credits are (case and spacing
    ignored, `gaung.kinerja.credit`); returns how many posts changed."""
    wanted = " ".join(old.split()).lower()
    spellings = [
        value
        for value in conn.execute(
            sa.select(posts.c.credited_staff).where(posts.c.credited_staff.is_not(None)).distinct()
        ).scalars()
        if " ".join(value.split()).lower() == wanted
    ]
    if not spellings:
        return 0
    done = conn.execute(
        sa.update(posts).where(posts.c.credited_staff.in_(spellings)).values(credited_staff=new)
    )
    return int(done.rowcount or 0)


def is_active(person: dict[str, Any], on: date | None = None) -> bool:
    """True when the person had not left by `on` (today when None)."""
    left = person.get("left_on")
    return left is None or left > (on or _now().date())


def visible_staff_ids(conn: Connection, user: User | None) -> set[int] | None:
    """Whose scorecards and personal work `user` may see: None means everyone.

    Admins see everyone; a user linked to a staff record sees themself and their whole team; anyone
    else (no login, or a login with no staff record) sees nobody's.
    """
    if user is None:
        return set()
    if user.role == "admin":
        return None
    me = staff_for_user(conn, user.id)
    if me is None:
        return set()
    return {int(me["id"]), *team_of(conn, int(me["id"]))}


def can_see(conn: Connection, user: User | None, staff_id: int) -> bool:
    """True when `visible_staff_ids(user)` includes `staff_id`."""
    visible = visible_staff_ids(conn, user)
    return visible is None or staff_id in visible
