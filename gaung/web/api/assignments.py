"""JSON API: Penugasan — list, read, create, move, comment, link outputs.

Reading needs the viewer role; every change needs staff (or above), a CSRF token for session callers,
and is written to the audit log. Any staff member may create an assignment and comment; moving one and
linking outputs follow `gaung.kinerja.access` (its creator, members, their supervisors, analysts and
admins; terbit/selesai need the approver, a supervisor of a member, an analyst or an admin). Refusals
say why: 403 when the caller may not change this assignment, 404 when something named does not exist
(an assignment, issue, story or staff member), 409 when the current state refuses a well-formed request
(a workflow step, a duplicate output, a post older than the assignment, a person who left), 400 for
other bad input.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from gaung.errors import GaungError
from gaung.kinerja import access
from gaung.kinerja import assignments as work
from gaung.kinerja.board import get_assignment, list_assignments
from gaung.kinerja.errors import ConflictError, ForbiddenError, NotFoundError
from gaung.store.db import transaction
from gaung.web import auth
from gaung.web.api.common import UtcDateTime, workspace
from gaung.web.api.mentions import ErrorOut
from gaung.web.auth import User, require, verify_csrf

router = APIRouter(prefix="/api", tags=["assignments"])

Status = Literal["ide", "dikerjakan", "ditinjau", "terbit", "selesai"]
Kind = Literal["klarifikasi", "hak_jawab", "siaran_pers", "konten", "kampanye", "lainnya"]
Role = Literal["writer", "designer", "videographer", "editor", "approver"]
OutputKind = Literal["post", "document", "report", "link"]
NOT_BLANK = r"\S"
# What `gaung.kinerja.permalinks.normalize_permalink` accepts: a web address (scheme optional) or a
# site-relative path.
LINK_PATTERN = r"^\s*((https?://)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]{1,4})?([/?#]\S*)?|/[^/\s]\S*)\s*$"
MAX_ID = 2**31 - 1
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "bad input"},
    # no model: a missing role or CSRF token is answered by the app's own 403 ({"detail"})
    403: {"description": "not allowed: {error} says why this assignment is not yours to change, or {detail}"},
    # no model: an id beyond the database's integers is answered by the app's own 404 ({"detail"})
    404: {"description": "unknown assignment, issue, story or staff member: {error} or {detail}"},
    409: {"model": ErrorOut, "description": "refused by the workflow or the current state"},
}


class MemberOut(BaseModel):
    staff_id: int
    name: str
    role: str
    left_on: date | None


class OutputOut(BaseModel):
    id: int
    kind: str
    url: str
    title: str | None
    post_id: int | None = Field(description="the imported post this link matched; null until it is imported")
    published_at: UtcDateTime | None
    platform: str | None
    reach: int | None = Field(description="the post's latest snapshot")
    views: int | None
    impressions: int | None
    captured_at: UtcDateTime | None


class EventOut(BaseModel):
    at: UtcDateTime
    actor: str | None
    from_status: str | None
    to_status: str
    note: str | None


class CommentOut(BaseModel):
    id: int
    at: UtcDateTime
    author: str
    body: str


class OriginOut(BaseModel):
    kind: str = Field(description="issue | story | program | manual")
    state: str | None = Field(description="ok | merged | missing (the issue or story is gone)")
    issue_id: int | None = None
    mention_id: int | None = None
    label: str | None = None
    target_id: int | None = Field(None, description="for a merged issue: the issue it lives on in")
    target_label: str | None = None


class AssignmentOut(BaseModel):
    id: int
    title: str
    kind: str
    origin: str
    status: str
    issue_id: int | None
    mention_id: int | None
    program: str | None
    brief: str | None
    due_at: UtcDateTime | None
    overdue: bool
    created_by: str | None
    created_at: UtcDateTime
    updated_at: UtcDateTime
    published_at: UtcDateTime | None = Field(description="the first time it reached terbit")
    closed_at: UtcDateTime | None
    origin_first_seen_at: UtcDateTime | None = Field(description="the issue's first mention")
    time_to_respond_seconds: float | None = Field(
        description="first publication (terbit or an output) minus the issue's first mention"
    )
    allowed_moves: list[str]
    members: list[MemberOut]
    outputs: list[OutputOut]

    @classmethod
    def of(cls, item: dict[str, Any]) -> AssignmentOut:
        ttr = item["time_to_respond"]
        return cls(
            **{k: item[k] for k in cls.model_fields if k in item and k not in ("members", "outputs")},
            time_to_respond_seconds=ttr.total_seconds() if ttr is not None else None,
            allowed_moves=item["moves"],
            members=[MemberOut(**m) for m in item["members"]],
            outputs=[OutputOut(**{k: o.get(k) for k in OutputOut.model_fields}) for o in item["outputs"]],
        )


class AssignmentDetail(AssignmentOut):
    events: list[EventOut]
    comments: list[CommentOut]
    origin_info: OriginOut


class AssignmentList(BaseModel):
    total: int
    items: list[AssignmentOut]


class MemberIn(BaseModel):
    staff_id: int = Field(ge=1, le=MAX_ID)
    role: Role


class AssignmentIn(BaseModel):
    title: str = Field(min_length=1, max_length=work.MAX_TITLE, pattern=NOT_BLANK)
    kind: Kind
    issue_id: int | None = Field(
        None, ge=1, le=MAX_ID, description="answer this issue (kind klarifikasi, hak_jawab or siaran_pers)"
    )
    mention_id: int | None = Field(None, ge=1, le=MAX_ID, description="content from this good story")
    program: str | None = Field(None, max_length=200, pattern=NOT_BLANK, description="a programme's campaign")
    brief: str | None = Field(None, max_length=work.MAX_TEXT)
    due_at: UtcDateTime | None = None
    members: list[MemberIn] = Field(default_factory=list, max_length=20)


class MoveIn(BaseModel):
    status: Status
    note: str | None = Field(None, max_length=2000)


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=work.MAX_TEXT, pattern=NOT_BLANK)


class OutputIn(BaseModel):
    url: str = Field(
        max_length=2000, pattern=LINK_PATTERN, description="a post's permalink or a document's address"
    )
    kind: OutputKind = "post"
    title: str | None = Field(None, max_length=work.MAX_TITLE)


def _refused(exc: GaungError) -> JSONResponse:
    status = (
        403
        if isinstance(exc, ForbiddenError)
        else 404
        if isinstance(exc, NotFoundError)
        else 409
        if isinstance(exc, ConflictError)
        else 400
    )
    return JSONResponse(ErrorOut(error=str(exc)).model_dump(exclude_none=True), status_code=status)


def _detail(request: Request, assignment_id: int) -> AssignmentDetail:
    with workspace(request).engine.connect() as conn:
        item = get_assignment(conn, assignment_id)
    if item is None:
        raise HTTPException(404, f"no assignment with id {assignment_id}")
    return AssignmentDetail(
        **AssignmentOut.of(item).model_dump(),
        events=[EventOut(**{k: e[k] for k in EventOut.model_fields}) for e in item["events"]],
        comments=[CommentOut(**{k: c[k] for k in CommentOut.model_fields}) for c in item["comments"]],
        origin_info=OriginOut(**item["origin_info"]),
    )


@router.get("/assignments", response_model=AssignmentList)
def api_assignments(
    request: Request,
    status: Status | None = Query(None),
    kind: Kind | None = Query(None),
    person: int | None = Query(None, ge=1, le=MAX_ID, description="a staff id: their assignments only"),
    overdue: bool | None = Query(None, description="true: past due and not yet published"),
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=100_000),
    user: User = Depends(require("viewer")),
) -> Any:
    """Assignments, soonest due first, with members and outputs."""
    with workspace(request).engine.connect() as conn:
        items, total = list_assignments(
            conn, status=status, kind=kind, staff_id=person, overdue=overdue, limit=limit, offset=offset
        )
    return AssignmentList(total=total, items=[AssignmentOut.of(i) for i in items])


@router.get("/assignments/{assignment_id}", response_model=AssignmentDetail, responses={404: ERRORS[404]})
def api_assignment(request: Request, assignment_id: int, user: User = Depends(require("viewer"))) -> Any:
    """One assignment with its history, comments, outputs (with reach) and where it came from."""
    return _detail(request, assignment_id)


@router.post(
    "/assignments",
    response_model=AssignmentDetail,
    status_code=201,
    dependencies=[Depends(verify_csrf)],
    responses=ERRORS,
)
def api_create(
    request: Request, body: AssignmentIn = Body(...), user: User = Depends(require("staff"))
) -> Any:
    """Create an assignment (status ide), from an issue, a good story, a programme or by hand."""
    try:
        with transaction(workspace(request).engine) as conn:
            new_id = work.new_assignment(
                conn,
                body.kind,
                title=body.title,
                issue_id=body.issue_id,
                mention_id=body.mention_id,
                program=body.program,
                brief=body.brief,
                due_at=body.due_at,
                members=[(m.staff_id, m.role) for m in body.members],
                created_by=user.name,
            )
            auth.audit(
                conn, user, "assignment.create", f"assignment:{new_id}", {"kind": body.kind, "api": True}
            )
    except GaungError as exc:
        return _refused(exc)
    return JSONResponse(_detail(request, new_id).model_dump(mode="json"), status_code=201)


@router.post(
    "/assignments/{assignment_id}/move",
    response_model=AssignmentDetail,
    dependencies=[Depends(verify_csrf)],
    responses=ERRORS,
)
def api_move(
    request: Request, assignment_id: int, body: MoveIn = Body(...), user: User = Depends(require("staff"))
) -> Any:
    """Move along ide → dikerjakan → ditinjau → terbit → selesai (back one step; selesai after terbit)."""
    try:
        with transaction(workspace(request).engine) as conn:
            access.check_move(conn, user, assignment_id, body.status)
            event = work.move_assignment(conn, assignment_id, body.status, actor=user.name, note=body.note)
            auth.audit(
                conn,
                user,
                "assignment.move",
                f"assignment:{assignment_id}",
                {"from": event["from_status"], "to": event["to_status"], "api": True},
            )
    except GaungError as exc:
        return _refused(exc)
    return _detail(request, assignment_id)


@router.post(
    "/assignments/{assignment_id}/comments",
    response_model=AssignmentDetail,
    dependencies=[Depends(verify_csrf)],
    responses=ERRORS,
)
def api_comment(
    request: Request, assignment_id: int, body: CommentIn = Body(...), user: User = Depends(require("staff"))
) -> Any:
    """Add a comment, signed by the caller."""
    try:
        with transaction(workspace(request).engine) as conn:
            comment_id = work.add_comment(conn, assignment_id, user.name, body.body)
            auth.audit(
                conn, user, "assignment.comment", f"assignment:{assignment_id}", {"comment": comment_id}
            )
    except GaungError as exc:
        return _refused(exc)
    return _detail(request, assignment_id)


@router.post(
    "/assignments/{assignment_id}/outputs",
    response_model=AssignmentDetail,
    dependencies=[Depends(verify_csrf)],
    responses=ERRORS,
)
def api_output(
    request: Request, assignment_id: int, body: OutputIn = Body(...), user: User = Depends(require("staff"))
) -> Any:
    """Link an output; a post is matched to the imported posts by permalink (now, or after an import)."""
    try:
        with transaction(workspace(request).engine) as conn:
            access.check_edit(conn, user, assignment_id)
            output = work.add_output(
                conn, assignment_id, body.url, kind=body.kind, title=body.title, added_by=user.name
            )
            auth.audit(
                conn,
                user,
                "assignment.link",
                f"assignment:{assignment_id}",
                {"url": output["url"], "post_id": output["post_id"], "api": True},
            )
    except GaungError as exc:
        return _refused(exc)
    return _detail(request, assignment_id)
