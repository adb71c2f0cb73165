"""Isu: the issue list and one issue's timeline, tone mix, outlets, speakers and key articles;
analysts rename and merge issues."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from gaung.errors import GaungError
from gaung.kinerja.board import list_assignments
from gaung.store.db import transaction
from gaung.store.reports import (
    anchor_time,
    get_issue,
    issue_outlets,
    key_articles,
    list_issues,
    merge_issues,
    rename_issue,
    top_speakers,
    volume_by_day,
)
from gaung.web import auth
from gaung.web.api.common import workspace
from gaung.web.auth import User, require, verify_csrf
from gaung.web.routes.assignments import KIND_LABELS, STATUS_LABELS
from gaung.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
ISSUE_DAYS = 30


@router.get("/issues")
def issues_page(
    request: Request, page: int = Query(1, ge=1, le=10_000), user: User = Depends(require("viewer"))
) -> Response:
    ws = workspace(request)
    with ws.engine.connect() as conn:
        items, total = list_issues(conn, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    context = {"items": items, "total": total, "page": page, "pages": pages, "out_of_range": page > pages}
    return render(request, "issues.html", context)


def _issue(request: Request, issue_id: int, user: User, error: str = "", status: int = 200) -> Response:
    ws = workspace(request)
    with ws.engine.connect() as conn:
        issue = get_issue(conn, issue_id)
        if issue is None:
            raise HTTPException(404, f"no issue with id {issue_id}")
        if issue.merged_into is not None and not error:
            return RedirectResponse(f"/issues/{issue.merged_into}", status_code=303)
        until = issue.last_seen_at or anchor_time(conn)
        timeline = volume_by_day(conn, until, days=ISSUE_DAYS, issue_id=issue_id)
        while timeline and timeline[0].total == 0:
            timeline.pop(0)  # start the chart when the issue starts
        context = {
            "issue": issue,
            "timeline": {
                "labels": [d.day for d in timeline],
                "positive": [d.positive for d in timeline],
                "neutral": [d.neutral + d.unknown for d in timeline],
                "negative": [d.negative for d in timeline],
            },
            "outlets": issue_outlets(conn, issue_id),
            "speakers": top_speakers(conn, until, days=ISSUE_DAYS, issue_id=issue_id),
            "articles": key_articles(conn, issue_id),
            "merge_choices": list_issues(conn, limit=200)[0] if user.can("analyst") else [],
            # the office's answers to this issue (klarifikasi, hak jawab, ...): what was done, and when
            "assignments": list_assignments(conn, issue_id=issue_id, limit=50)[0],
            "STATUS_LABELS": STATUS_LABELS,
            "KIND_LABELS": KIND_LABELS,
            "error": error,
        }
    return render(request, "issue.html", context, status)


@router.get("/issues/{issue_id}")
def issue_page(request: Request, issue_id: int, user: User = Depends(require("viewer"))) -> Response:
    return _issue(request, issue_id, user)


@router.post("/issues/{issue_id}/rename", dependencies=[Depends(verify_csrf)])
def rename(
    request: Request,
    issue_id: int,
    label: str = Form(..., max_length=200),
    user: User = Depends(require("analyst")),
) -> Response:
    ws = workspace(request)
    try:
        with transaction(ws.engine) as conn:
            old = rename_issue(conn, issue_id, label)
            auth.audit(conn, user, "issue.rename", f"issue:{issue_id}", {"from": old, "to": label})
    except GaungError as exc:
        return _issue(request, issue_id, user, str(exc), 400)
    return RedirectResponse(f"/issues/{issue_id}", status_code=303)


@router.post("/issues/{issue_id}/merge", dependencies=[Depends(verify_csrf)])
def merge(
    request: Request,
    issue_id: int,
    target: int = Form(...),
    user: User = Depends(require("analyst")),
) -> Response:
    ws = workspace(request)
    try:
        with transaction(ws.engine) as conn:
            moved = merge_issues(conn, issue_id, target)
            auth.audit(conn, user, "issue.merge", f"issue:{issue_id}", {"into": target, "moved": moved})
    except GaungError as exc:
        return _issue(request, issue_id, user, str(exc), 400)
    return RedirectResponse(f"/issues/{target}", status_code=303)
