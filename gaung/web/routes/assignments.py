"""Penugasan: the board and the list, one assignment's page, and the forms that change them.

    GET  /assignments                 board (columns per status) or list (?view=list), filters   viewer
    GET  /assignments/new             the form, prefilled from ?issue= / ?story= / ?program=     staff
    POST /assignments                 create                                                     staff
    GET  /assignments/{id}            history, comments, outputs (reach), time to respond         viewer
    POST /assignments/{id}/move       move along the workflow (htmx on the board)                staff*
    POST /assignments/{id}/comments   comment                                                    staff
    POST /assignments/{id}/outputs    link a post / document / report                            staff*
    POST /assignments/{id}/members    put someone on it in a role                                staff*

*Only who `gaung.kinerja.access` allows: the creator, the members, their supervisors, analysts and
admins (terbit/selesai: the approver, a supervisor of a member, an analyst or an admin); a refusal is a
403 with the reason, and the pages show only the buttons the user may use.
Every POST checks CSRF and writes the audit log; a refused change shows the page again with the reason
(400, or 403 when not allowed), never a 500. The rules live in `gaung.kinerja`; these routes only parse
and render.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from gaung.errors import GaungError
from gaung.kinerja import access
from gaung.kinerja import assignments as work
from gaung.kinerja.board import board, get_assignment, list_assignments
from gaung.kinerja.errors import ForbiddenError
from gaung.kinerja.staff import list_staff
from gaung.store.db import transaction
from gaung.store.schema import mentions
from gaung.web import auth
from gaung.web.api.common import workspace
from gaung.web.auth import User, require, verify_csrf
from gaung.web.i18n import N_
from gaung.web.templating import render

router = APIRouter(include_in_schema=False)

STATUS_LABELS = {
    "ide": N_("Idea"),
    "dikerjakan": N_("In progress"),
    "ditinjau": N_("In review"),
    "terbit": N_("Published"),
    "selesai": N_("Done"),
}
KIND_LABELS = {
    "klarifikasi": N_("Clarification"),
    "hak_jawab": N_("Right of reply"),
    "siaran_pers": N_("Press release"),
    "konten": N_("Content piece"),
    "kampanye": N_("Campaign"),
    "lainnya": N_("Other work"),
}
ROLE_LABELS = {
    "writer": N_("writer"),
    "designer": N_("designer"),
    "videographer": N_("videographer"),
    "editor": N_("editor"),
    "approver": N_("approver"),
}
OUTPUT_LABELS = {
    "post": N_("Post"),
    "document": N_("Response document"),
    "report": N_("Report"),
    "link": N_("Other link"),
}
MEMBER_ROWS = 3  # member rows on the create form; more can be added on the assignment's page


def labels() -> dict[str, Any]:
    """The label maps every assignment template uses (translated when rendered)."""
    return {
        "STATUS_LABELS": STATUS_LABELS,
        "KIND_LABELS": KIND_LABELS,
        "ROLE_LABELS": ROLE_LABELS,
        "OUTPUT_LABELS": OUTPUT_LABELS,
        "STATUSES": work.STATUSES,
        "KINDS": work.KINDS,
        "ROLES": work.ROLES,
        "OUTPUT_KINDS": work.OUTPUT_KINDS,
    }


def duration_parts(value: timedelta | None) -> dict[str, int] | None:
    """A duration as days/hours/minutes for display ("1 hari 3 jam"), None when unknown."""
    if value is None:
        return None
    minutes = int(value.total_seconds() // 60)
    return {"d": minutes // 1440, "h": minutes % 1440 // 60, "m": minutes % 60}


def _flag(value: str | None) -> bool | None:
    if value in (None, ""):
        return None
    if value in ("1", "true", "yes"):
        return True
    if value in ("0", "false", "no"):
        return False
    raise HTTPException(400, f"overdue={value!r}: use 1 or 0")


def _filters(status: str, kind: str, person: str, overdue: str) -> dict[str, Any]:
    filters: dict[str, Any] = {"status": status or None, "kind": kind or None, "overdue": _flag(overdue)}
    if person:
        if not person.isdigit():
            raise HTTPException(400, f"person={person!r}: choose a staff member by number")
        filters["staff_id"] = int(person)
    return filters


@router.get("/assignments")
def assignments_page(
    request: Request,
    view: str = Query("board", max_length=10),
    status: str = Query("", max_length=20),
    kind: str = Query("", max_length=20),
    person: str = Query("", max_length=12),
    overdue: str = Query("", max_length=5),
    user: User = Depends(require("viewer")),
) -> Response:
    """The board (one column per status) or the list, with the same filters."""
    if view not in ("board", "list"):
        raise HTTPException(400, f"view={view!r}: use board or list")
    return _board_page(request, user, view, _filters(status, kind, person, overdue), raw=request.url.query)


def _board_page(
    request: Request,
    user: User,
    view: str,
    filters: dict[str, Any],
    *,
    raw: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    ws = workspace(request)
    try:
        with ws.engine.connect() as conn:
            people = list_staff(conn, include_left=True)
            actor = access.actor_for(conn, user)
            if view == "board":
                columns = board(conn, **filters)
                items = [item for column in columns.values() for item in column]
            else:
                columns = {}
                items, _ = list_assignments(conn, **filters)
    except GaungError as exc:
        raise HTTPException(400, str(exc)) from None
    for item in items:
        item["ttr"] = duration_parts(item["time_to_respond"])
        item["my_moves"] = access.moves_for(actor, item)  # the buttons this user may use
    context = {
        **labels(),
        "view": view,
        "columns": columns,
        "items": items,
        "people": people,
        "filters": {k: ("" if v is None else v) for k, v in filters.items()},
        "query": raw,
        "error": error,
    }
    return render(request, "assignments.html", context, status)


@router.get("/assignments/new")
def new_assignment_page(
    request: Request,
    issue: int | None = Query(None, ge=1),
    story: int | None = Query(None, ge=1),
    program: str = Query("", max_length=200),
    user: User = Depends(require("staff")),
) -> Response:
    """The create form; from an issue it offers the response kinds and names the issue."""
    return _new_page(request, {"issue_id": issue, "mention_id": story, "program": program})


def _new_page(request: Request, form: dict[str, Any], error: str = "", status: int = 200) -> Response:
    ws = workspace(request)
    origin: dict[str, Any] = {"kind": "manual"}
    kinds: tuple[str, ...] = work.KINDS
    default_kind = form.get("kind") or "lainnya"
    with ws.engine.connect() as conn:
        people = list_staff(conn)
        if form.get("issue_id"):
            issue = work.live_issue(conn, int(form["issue_id"]))
            if issue is None:
                raise HTTPException(404, f"no issue with id {form['issue_id']}")
            origin = {"kind": "issue", "id": int(issue["id"]), "label": issue["label"]}
            kinds = work.RESPONSE_KINDS
            default_kind = form.get("kind") or "klarifikasi"
        elif form.get("mention_id"):
            story = conn.execute(
                sa.select(mentions.c.id, mentions.c.title).where(mentions.c.id == int(form["mention_id"]))
            ).first()
            if story is None:
                raise HTTPException(404, f"no story with id {form['mention_id']}")
            origin = {"kind": "story", "id": int(story.id), "label": story.title}
            default_kind = form.get("kind") or "konten"
        elif form.get("program"):
            origin = {"kind": "program", "label": form["program"]}
            default_kind = form.get("kind") or "kampanye"
    context = {
        **labels(),
        "origin": origin,
        "kinds": kinds,
        "default_kind": default_kind,
        "people": people,
        "form": form,
        "member_rows": range(MEMBER_ROWS),
        "error": error,
    }
    return render(request, "assignment_new.html", context, status)


@router.post("/assignments", dependencies=[Depends(verify_csrf)])
async def create(request: Request, user: User = Depends(require("staff"))) -> Response:
    """Create from the form; members come as parallel `member`/`role` fields (empty rows ignored)."""
    data = await request.form()

    def field(name: str, limit: int = 200) -> str:
        value = data.get(name)
        text = value.strip() if isinstance(value, str) else ""
        if len(text) > limit:
            raise HTTPException(400, f"{name} is too long (at most {limit} characters)")
        return text

    kind, title, brief = field("kind", 20), field("title", work.MAX_TITLE), field("brief", work.MAX_TEXT)
    due_date, due_time, program = field("due_date", 10), field("due_time", 5), field("program")
    issue_id = int(field("issue_id", 9)) if field("issue_id", 9).isdigit() else None
    mention_id = int(field("mention_id", 9)) if field("mention_id", 9).isdigit() else None
    form: dict[str, Any] = {
        "kind": kind,
        "title": title,
        "brief": brief,
        "due_date": due_date,
        "due_time": due_time,
        "issue_id": issue_id,
        "mention_id": mention_id,
        "program": program,
    }
    staff_refs = [v for v in data.getlist("member") if isinstance(v, str)][:20]
    roles = [v for v in data.getlist("role") if isinstance(v, str)][:20]
    members = [
        (int(ref), role)
        for ref, role in zip(staff_refs, roles, strict=False)
        if ref.isdigit() and len(ref) < 10 and role
    ]
    ws = workspace(request)
    try:
        due = work.parse_due(f"{due_date} {due_time}" if due_date and due_time else due_date)
        with transaction(ws.engine) as conn:
            new_id = work.new_assignment(
                conn,
                kind or "lainnya",
                title=title or None,
                issue_id=issue_id,
                mention_id=mention_id,
                program=program or None,
                brief=brief or None,
                due_at=due,
                members=members,
                created_by=user.name,
            )
            auth.audit(
                conn, user, "assignment.create", f"assignment:{new_id}", {"kind": kind, "members": members}
            )
    except GaungError as exc:
        return _new_page(request, form, str(exc), 400)
    return RedirectResponse(f"/assignments/{new_id}", status_code=303)


@router.get("/assignments/{assignment_id}")
def assignment_page(
    request: Request, assignment_id: int, user: User = Depends(require("viewer"))
) -> Response:
    return _detail(request, assignment_id)


def _detail(request: Request, assignment_id: int, error: str = "", status: int = 200) -> Response:
    ws = workspace(request)
    with ws.engine.connect() as conn:
        item = get_assignment(conn, assignment_id)
        if item is None:
            raise HTTPException(404, f"no assignment with id {assignment_id}")
        people = list_staff(conn)
        actor = access.actor_for(conn, auth.current_user(request))
    context = {
        **labels(),
        "a": item,
        "can_edit": access.edit_refusal(actor, item) is None,
        "my_moves": access.moves_for(actor, item),
        "ttr": duration_parts(item["time_to_respond"]),
        "people": people,
        "error": error,
    }
    return render(request, "assignment.html", context, status)


def _code(exc: GaungError) -> int:
    """403 for a change this user may not make, 400 for any other refusal."""
    return 403 if isinstance(exc, ForbiddenError) else 400


def _back(next_url: str, default: str) -> str:
    return auth.safe_next(next_url, default)


@router.post("/assignments/{assignment_id}/move", dependencies=[Depends(verify_csrf)])
def move(
    request: Request,
    assignment_id: int,
    status: str = Form(..., max_length=20),
    note: str = Form("", max_length=2000),
    next_url: str = Form("", alias="next", max_length=500),
    user: User = Depends(require("staff")),
) -> Response:
    """Move along the workflow; from the board (htmx) the board comes back, refusals included."""
    ws = workspace(request)
    try:
        with transaction(ws.engine) as conn:
            access.check_move(conn, user, assignment_id, status)
            event = work.move_assignment(conn, assignment_id, status, actor=user.name, note=note or None)
            auth.audit(
                conn,
                user,
                "assignment.move",
                f"assignment:{assignment_id}",
                {"from": event["from_status"], "to": event["to_status"]},
            )
    except GaungError as exc:
        code = _code(exc)
        if next_url.startswith("/assignments?") or next_url == "/assignments":
            return _board_page(request, user, "board", {}, error=str(exc), status=code)
        return _detail(request, assignment_id, str(exc), code)
    return RedirectResponse(_back(next_url, f"/assignments/{assignment_id}"), status_code=303)


@router.post("/assignments/{assignment_id}/comments", dependencies=[Depends(verify_csrf)])
def comment(
    request: Request,
    assignment_id: int,
    body: str = Form("", max_length=work.MAX_TEXT),
    user: User = Depends(require("staff")),
) -> Response:
    ws = workspace(request)
    try:
        with transaction(ws.engine) as conn:
            comment_id = work.add_comment(conn, assignment_id, user.name, body)
            auth.audit(
                conn, user, "assignment.comment", f"assignment:{assignment_id}", {"comment": comment_id}
            )
    except GaungError as exc:
        return _detail(request, assignment_id, str(exc), 400)
    return RedirectResponse(f"/assignments/{assignment_id}#comments", status_code=303)


@router.post("/assignments/{assignment_id}/outputs", dependencies=[Depends(verify_csrf)])
def link_output(
    request: Request,
    assignment_id: int,
    url: str = Form("", max_length=2000),
    kind: str = Form("post", max_length=20),
    title: str = Form("", max_length=work.MAX_TITLE),
    user: User = Depends(require("staff")),
) -> Response:
    ws = workspace(request)
    try:
        with transaction(ws.engine) as conn:
            access.check_edit(conn, user, assignment_id)
            output = work.add_output(
                conn, assignment_id, url, kind=kind, title=title or None, added_by=user.name
            )
            auth.audit(
                conn,
                user,
                "assignment.link",
                f"assignment:{assignment_id}",
                {"url": output["url"], "kind": output["kind"], "post_id": output["post_id"]},
            )
    except GaungError as exc:
        return _detail(request, assignment_id, str(exc), _code(exc))
    return RedirectResponse(f"/assignments/{assignment_id}#outputs", status_code=303)


@router.post("/assignments/{assignment_id}/members", dependencies=[Depends(verify_csrf)])
def add_member(
    request: Request,
    assignment_id: int,
    member: int = Form(...),
    role: str = Form(..., max_length=20),
    user: User = Depends(require("staff")),
) -> Response:
    ws = workspace(request)
    try:
        with transaction(ws.engine) as conn:
            access.check_edit(conn, user, assignment_id)
            work.add_member(conn, assignment_id, member, role)
            auth.audit(
                conn,
                user,
                "assignment.member",
                f"assignment:{assignment_id}",
                {"staff_id": member, "role": role},
            )
    except GaungError as exc:
        return _detail(request, assignment_id, str(exc), _code(exc))
    return RedirectResponse(f"/assignments/{assignment_id}", status_code=303)
