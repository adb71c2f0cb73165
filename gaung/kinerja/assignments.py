"""Penugasan: work the office decided to do, who does it, how it moved, and what came out of it.

An assignment starts from an issue (a response: klarifikasi, hak jawab, siaran pers), from a good story
(content to produce: konten), from a programme (kampanye) or by hand (any kind). It has a brief, a due
date and members with roles, and moves through

    ide → dikerjakan → ditinjau → terbit → selesai

The workflow rule (`check_move`), decided here and shown in the UI:
- forward, any number of steps (a small office may skip the review step);
- back exactly one step (ditinjau → dikerjakan for a revision; selesai → terbit to reopen);
- never to *selesai* without having been *terbit*, except for kinds with no public output of their
  own (`NO_PUBLIC_OUTPUT`: "lainnya", e.g. an internal report), which close straight from ditinjau.
Every move is an `assignment_events` row with who and when; `published_at` is set the first time the
assignment reaches terbit and is kept if it later moves back (it is the moment the office answered).

Outputs are the posts that came out of it (matched to imported posts by permalink, see
`gaung.kinerja.permalinks`), response documents and reports. Time to respond (`time_to_respond`) is
measured from the issue's first mention, kept in `origin_first_seen_at` when the assignment is created
so that it survives the issue being merged or re-clustered away.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.kinerja.errors import ConflictError, KinerjaError, NotFoundError
from gaung.kinerja.permalinks import find_post, normalize_permalink
from gaung.kinerja.staff import find_staff, is_active
from gaung.store.schema import (
    assignment_comments,
    assignment_events,
    assignment_members,
    assignment_outputs,
    assignments,
    issues,
    mentions,
)

KINDS = ("klarifikasi", "hak_jawab", "siaran_pers", "konten", "kampanye", "lainnya")
RESPONSE_KINDS = ("klarifikasi", "hak_jawab", "siaran_pers")  # answers to an issue
NO_PUBLIC_OUTPUT = frozenset({"lainnya"})  # may close without being published
ORIGINS = ("issue", "story", "program", "manual")
STATUSES = ("ide", "dikerjakan", "ditinjau", "terbit", "selesai")
DONE_STATUSES = ("terbit", "selesai")  # the work is out: no longer overdue
ROLES = ("writer", "designer", "videographer", "editor", "approver")
OUTPUT_KINDS = ("post", "document", "report", "link")
MAX_TITLE = 300
MAX_TEXT = 20_000
MAX_MERGE_HOPS = 20  # issue merge chains are short; the cap only stops a loop written by hand
# An assignment cannot have produced a post published long before it existed; linking one would only
# move its credit. A little slack: work is sometimes recorded after the fact.
OLDEST_OUTPUT = timedelta(days=30)


def utcnow() -> datetime:
    """Naive UTC, as the store keeps every datetime."""
    return datetime.now(UTC).replace(tzinfo=None)


def _naive(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def _choice(value: str, allowed: Sequence[str], what: str) -> str:
    clean = (value or "").strip().lower()
    if clean not in allowed:
        raise KinerjaError(f"unknown {what} {value!r}; choose one of: {', '.join(allowed)}")
    return clean


def _text(value: str | None, what: str, limit: int = MAX_TEXT, required: bool = False) -> str | None:
    clean = (value or "").strip()
    if not clean:
        if required:
            raise KinerjaError(f"the {what} is empty")
        return None
    if len(clean) > limit:
        raise KinerjaError(f"the {what} is too long ({len(clean)} characters, at most {limit})")
    return clean


def parse_due(text: str | None) -> datetime | None:
    """A due date typed by a person in office time (WIB) → naive UTC.

    `2025-06-20` means the end of that office day (23:59 WIB): work done any time that day is on time.
    `2025-06-20T17:00` or `2025-06-20 17:00` is that moment. Empty means no due date.
    """
    from gaung.store.reports import OFFICE_TZ

    raw = (text or "").strip()
    if not raw:
        return None
    try:
        if len(raw) == 10:
            moment = datetime.combine(date.fromisoformat(raw), time(23, 59))
        else:
            moment = datetime.fromisoformat(raw.replace(" ", "T", 1))
    except ValueError:
        raise KinerjaError(f"due date {raw!r} is not a date: use YYYY-MM-DD or YYYY-MM-DD HH:MM") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=OFFICE_TZ)
    return moment.astimezone(UTC).replace(tzinfo=None)


# -- where an assignment comes from ----------------------------------------------------------------


def live_issue(conn: Connection, issue_id: int) -> dict[str, Any] | None:
    """The issue `issue_id` became: itself, or the issue it was merged into (followed); None if gone."""
    seen: set[int] = set()
    current = issue_id
    for _ in range(MAX_MERGE_HOPS):
        row = conn.execute(sa.select(issues).where(issues.c.id == current)).mappings().first()
        if row is None:
            return None
        if row["merged_into"] is None or row["merged_into"] in seen:
            return dict(row)
        seen.add(current)
        current = int(row["merged_into"])
    return None


def issue_first_mention(conn: Connection, issue_id: int) -> datetime | None:
    """When the issue was first reported: its mentions' earliest publication, else its first_seen_at."""
    earliest = conn.execute(
        sa.select(sa.func.min(mentions.c.published_at)).where(mentions.c.issue_id == issue_id)
    ).scalar_one_or_none()
    if earliest is not None:
        return _naive(earliest)
    return conn.execute(sa.select(issues.c.first_seen_at).where(issues.c.id == issue_id)).scalar_one_or_none()


def create_assignment(
    conn: Connection,
    title: str,
    kind: str,
    *,
    origin: str = "manual",
    brief: str | None = None,
    due_at: datetime | None = None,
    issue_id: int | None = None,
    mention_id: int | None = None,
    program: str | None = None,
    origin_first_seen_at: datetime | None = None,
    members: Iterable[tuple[str | int, str]] = (),
    created_by: str | None = None,
    at: datetime | None = None,
) -> int:
    """Create an assignment in status *ide* (recorded as its first event); returns its id.

    `members` are (staff id or name, role) pairs. `at` backdates the creation (imports, demo data).
    """
    kind = _choice(kind, KINDS, "kind")
    origin = _choice(origin, ORIGINS, "origin")
    clean_title = _text(title, "title", MAX_TITLE, required=True)
    when = _naive(at) or utcnow()
    result = conn.execute(
        assignments.insert().values(
            title=clean_title,
            kind=kind,
            origin=origin,
            issue_id=issue_id,
            mention_id=mention_id,
            program=_text(program, "programme", 200),
            origin_first_seen_at=_naive(origin_first_seen_at),
            brief=_text(brief, "brief"),
            due_at=_naive(due_at),
            status="ide",
            created_by=created_by,
            created_at=when,
            updated_at=when,
        )
    )
    assignment_id = int(result.inserted_primary_key[0])  # type: ignore[index]
    conn.execute(
        assignment_events.insert().values(
            assignment_id=assignment_id, at=when, actor=created_by, from_status=None, to_status="ide"
        )
    )
    for staff_ref, role in members:
        add_member(conn, assignment_id, staff_ref, role)
    return assignment_id


def create_from_issue(
    conn: Connection, issue_id: int, kind: str = "klarifikasi", *, title: str | None = None, **options: Any
) -> int:
    """A response to an issue; a merged issue is answered through the issue it was merged into.

    The issue's first mention time is stored with the assignment (time to respond counts from it).
    """
    kind = _choice(kind, KINDS, "kind")
    if kind not in RESPONSE_KINDS:
        raise ConflictError(f"an issue is answered by {', '.join(RESPONSE_KINDS)}, not {kind!r}")
    issue = live_issue(conn, issue_id)
    if issue is None:
        raise NotFoundError(f"no issue with id {issue_id}")
    target = int(issue["id"])
    label = {"klarifikasi": "Klarifikasi", "hak_jawab": "Hak jawab", "siaran_pers": "Siaran pers"}[kind]
    return create_assignment(
        conn,
        title or f"{label}: {issue['label']}"[:MAX_TITLE],
        kind,
        origin="issue",
        issue_id=target,
        origin_first_seen_at=issue_first_mention(conn, target),
        **options,
    )


def create_from_story(
    conn: Connection, mention_id: int, kind: str = "konten", *, title: str | None = None, **options: Any
) -> int:
    """Content to produce from a good ("kebaikan") story; time counts from the story's publication."""
    row = conn.execute(
        sa.select(mentions.c.id, mentions.c.title, mentions.c.published_at).where(mentions.c.id == mention_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no story (mention) with id {mention_id}")
    return create_assignment(
        conn,
        title or f"Konten: {row.title or f'berita #{mention_id}'}"[:MAX_TITLE],
        kind,
        origin="story",
        mention_id=mention_id,
        origin_first_seen_at=row.published_at,
        **options,
    )


def create_from_program(
    conn: Connection, program: str, kind: str = "kampanye", *, title: str | None = None, **options: Any
) -> int:
    """A campaign piece for a programme (e.g. "KJP Plus")."""
    name = _text(program, "programme", 200, required=True)
    return create_assignment(
        conn, title or f"Kampanye: {name}", kind, origin="program", program=name, **options
    )


def new_assignment(
    conn: Connection,
    kind: str,
    *,
    title: str | None = None,
    issue_id: int | None = None,
    mention_id: int | None = None,
    program: str | None = None,
    **options: Any,
) -> int:
    """Create from whichever origin is given (issue, story, programme, or none: by hand).

    What the CLI, the form and the API call, so all three apply the same rules.
    """
    given = [
        name for name, value in (("issue", issue_id), ("story", mention_id), ("program", program)) if value
    ]
    if len(given) > 1:
        raise ConflictError(f"an assignment has one origin, not {' and '.join(given)}")
    if issue_id:
        return create_from_issue(conn, issue_id, kind, title=title, **options)
    if mention_id:
        return create_from_story(conn, mention_id, kind, title=title, **options)
    if program:
        return create_from_program(conn, program, kind, title=title, **options)
    if not (title or "").strip():
        raise KinerjaError("an assignment made by hand needs a title")
    return create_assignment(conn, title or "", kind, **options)


# -- members ------------------------------------------------------------------------------------------


def add_member(conn: Connection, assignment_id: int, staff_ref: str | int, role: str) -> int:
    """Put a staff member on an assignment in a role; people who have left cannot be added."""
    role = _choice(role, ROLES, "role")
    _require(conn, assignment_id)
    person = find_staff(conn, staff_ref)
    if not is_active(person):
        raise ConflictError(
            f"{person['name']} left on {person['left_on']}: they stay on their old work "
            "but cannot be added to an assignment"
        )
    exists = conn.execute(
        sa.select(assignment_members.c.id).where(
            assignment_members.c.assignment_id == assignment_id,
            assignment_members.c.staff_id == person["id"],
            assignment_members.c.role == role,
        )
    ).first()
    if exists is not None:
        return int(exists.id)
    result = conn.execute(
        assignment_members.insert().values(assignment_id=assignment_id, staff_id=person["id"], role=role)
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def remove_member(conn: Connection, assignment_id: int, staff_ref: str | int, role: str | None = None) -> int:
    """Take someone off an assignment (in one role, or all); returns how many roles were removed."""
    person = find_staff(conn, staff_ref)
    where = [
        assignment_members.c.assignment_id == assignment_id,
        assignment_members.c.staff_id == person["id"],
    ]
    if role:
        where.append(assignment_members.c.role == _choice(role, ROLES, "role"))
    return int(conn.execute(sa.delete(assignment_members).where(*where)).rowcount or 0)


# -- workflow -----------------------------------------------------------------------------------------


def _require(conn: Connection, assignment_id: int) -> dict[str, Any]:
    row = conn.execute(sa.select(assignments).where(assignments.c.id == assignment_id)).mappings().first()
    if row is None:
        raise NotFoundError(f"no assignment with id {assignment_id}")
    return dict(row)


def step_back(kind: str, status: str, published: bool) -> str | None:
    """The status one step back from `status` (None from ide); selesai goes back to where it came from."""
    if status == "selesai":
        return "terbit" if published or kind not in NO_PUBLIC_OUTPUT else "ditinjau"
    index = STATUSES.index(status)
    return STATUSES[index - 1] if index > 0 else None


def allowed_moves(kind: str, status: str, published: bool) -> list[str]:
    """The statuses an assignment may move to now (what the board offers)."""
    return [s for s in STATUSES if _refusal(kind, status, s, published) is None]


def _refusal(kind: str, current: str, target: str, published: bool) -> str | None:
    if target == current:
        return f"the assignment is already {current}"
    if STATUSES.index(target) < STATUSES.index(current):
        back = step_back(kind, current, published)
        if target != back:
            return f"an assignment moves back one step at a time: from {current} only to {back}"
        return None
    if target == "selesai" and not published and kind not in NO_PUBLIC_OUTPUT:
        return f"a {kind} assignment must be published (terbit) before it is done (selesai)"
    return None


def check_move(kind: str, current: str, target: str, published: bool) -> None:
    """Raise KinerjaError when the workflow does not allow moving from `current` to `target`."""
    target = _choice(target, STATUSES, "status")
    problem = _refusal(kind, current, target, published)
    if problem is not None:
        raise ConflictError(problem)


def move_assignment(
    conn: Connection,
    assignment_id: int,
    to_status: str,
    *,
    actor: str | None,
    note: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Move an assignment to `to_status` if the workflow allows; records and returns the event."""
    row = _require(conn, assignment_id)
    target = _choice(to_status, STATUSES, "status")
    check_move(row["kind"], row["status"], target, row["published_at"] is not None)
    when = _naive(at) or utcnow()
    last = conn.execute(
        sa.select(sa.func.max(assignment_events.c.at)).where(
            assignment_events.c.assignment_id == assignment_id
        )
    ).scalar_one_or_none()
    if last is not None and when < last:
        raise ConflictError(
            f"assignment {assignment_id} already has a move at {last}; history stays in order"
        )
    values: dict[str, Any] = {"status": target, "updated_at": when}
    if target == "terbit" and row["published_at"] is None:
        values["published_at"] = when
    if target == "selesai":
        values["closed_at"] = when
    elif row["status"] == "selesai":
        values["closed_at"] = None  # reopened
    conn.execute(sa.update(assignments).where(assignments.c.id == assignment_id).values(**values))
    event = {
        "assignment_id": assignment_id,
        "at": when,
        "actor": actor,
        "from_status": row["status"],
        "to_status": target,
        "note": _text(note, "note"),
    }
    event["id"] = int(conn.execute(assignment_events.insert().values(**event)).inserted_primary_key[0])  # type: ignore[index]
    return event


def update_assignment(
    conn: Connection,
    assignment_id: int,
    *,
    title: str | None = None,
    brief: str | None = None,
    due_at: datetime | None = None,
    clear_due: bool = False,
) -> None:
    """Edit the title, brief or due date (None leaves a field unchanged; `clear_due` removes the date)."""
    _require(conn, assignment_id)
    values: dict[str, Any] = {}
    if title is not None:
        values["title"] = _text(title, "title", MAX_TITLE, required=True)
    if brief is not None:
        values["brief"] = _text(brief, "brief")
    if due_at is not None or clear_due:
        values["due_at"] = None if clear_due else _naive(due_at)
    if values:
        values["updated_at"] = utcnow()
        conn.execute(sa.update(assignments).where(assignments.c.id == assignment_id).values(**values))


# -- comments and outputs -----------------------------------------------------------------------------


def add_comment(
    conn: Connection, assignment_id: int, author: str, body: str, *, at: datetime | None = None
) -> int:
    """Add a comment; returns its id."""
    _require(conn, assignment_id)
    text = _text(body, "comment", required=True)
    result = conn.execute(
        assignment_comments.insert().values(
            assignment_id=assignment_id, at=_naive(at) or utcnow(), author=author or "?", body=text
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def add_output(
    conn: Connection,
    assignment_id: int,
    url: str,
    *,
    kind: str = "post",
    title: str | None = None,
    published_at: datetime | None = None,
    added_by: str | None = None,
    at: datetime | None = None,
) -> dict[str, Any]:
    """Link what came out of an assignment; returns the output (with `post_id` when a post matched).

    A post is matched to the imported posts by its normalised permalink; one not imported yet is kept
    with `post_id` None and matched by `relink_outputs` after the next content import. The same link
    twice on one assignment is refused, and so is a post published more than `OLDEST_OUTPUT` (30 days)
    before the assignment was created (`post_too_old`).
    """
    row = _require(conn, assignment_id)
    kind = _choice(kind, OUTPUT_KINDS, "output kind")
    key = normalize_permalink(url)
    duplicate = conn.execute(
        sa.select(assignment_outputs.c.id).where(
            assignment_outputs.c.assignment_id == assignment_id, assignment_outputs.c.url == key
        )
    ).first()
    if duplicate is not None:
        raise ConflictError(f"assignment {assignment_id} already has the output {key}")
    post_id = None
    when = _naive(published_at)
    if kind == "post":
        hit = find_post(conn, key)
        if hit is not None:
            post_id, post_time = hit
            when = _naive(post_time) or when
            problem = post_too_old(row, post_time)
            if problem is not None:
                raise ConflictError(f"{key}: {problem}")
    values = {
        "assignment_id": assignment_id,
        "kind": kind,
        "url": key,
        "title": _text(title, "title", MAX_TITLE),
        "post_id": post_id,
        "published_at": when,
        "added_by": added_by,
        "added_at": _naive(at) or utcnow(),
    }
    values["id"] = int(conn.execute(assignment_outputs.insert().values(**values)).inserted_primary_key[0])  # type: ignore[index]
    return values


def post_too_old(assignment: dict[str, Any], post_time: datetime | None) -> str | None:
    """Why a post published at `post_time` cannot be an output of `assignment`, or None when it can."""
    created = _naive(assignment.get("created_at"))
    published = _naive(post_time)
    if created is None or published is None or published >= created - OLDEST_OUTPUT:
        return None
    return (
        f"the post was published on {published:%Y-%m-%d}, more than {OLDEST_OUTPUT.days} days before "
        f"assignment {assignment['id']} was created on {created:%Y-%m-%d}: an assignment cannot have "
        "produced an older post"
    )


def remove_output(conn: Connection, assignment_id: int, output_id: int) -> None:
    """Unlink an output (a wrong link); the post itself is untouched."""
    deleted = conn.execute(
        sa.delete(assignment_outputs).where(
            assignment_outputs.c.id == output_id, assignment_outputs.c.assignment_id == assignment_id
        )
    ).rowcount
    if not deleted:
        raise NotFoundError(f"assignment {assignment_id} has no output {output_id}")


# -- measures -----------------------------------------------------------------------------------------


def _as_naive(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return _naive(value)


def response_moment(assignment: dict[str, Any]) -> datetime | None:
    """When the work went public: the earliest of its first *terbit* and its outputs' publication.

    An output published before the issue was first reported is not a response to it and is ignored.
    """
    origin = _as_naive(assignment.get("origin_first_seen_at"))
    moments = [_as_naive(assignment.get("published_at"))]
    moments += [_as_naive(o.get("published_at")) for o in assignment.get("outputs") or ()]
    valid = [m for m in moments if m is not None and (origin is None or m >= origin)]
    return min(valid) if valid else None


def time_to_respond(assignment: dict[str, Any]) -> timedelta | None:
    """Publication (`response_moment`) minus the issue's first mention; None until both are known."""
    origin = _as_naive(assignment.get("origin_first_seen_at"))
    moment = response_moment(assignment)
    if origin is None or moment is None:
        return None
    return moment - origin


def is_overdue(assignment: dict[str, Any], now: datetime | None = None) -> bool:
    """Past its due date and not yet published or done."""
    due = _as_naive(assignment.get("due_at"))
    return (
        due is not None and assignment.get("status") not in DONE_STATUSES and due < (_naive(now) or utcnow())
    )
