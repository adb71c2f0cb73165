"""JSON API: issues and one issue's details."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel

from gaung.store.reports import (
    IssueSummary,
    anchor_time,
    get_issue,
    issue_outlets,
    key_articles,
    list_issues,
    top_speakers,
    volume_by_day,
)
from gaung.web.api.common import UtcDateTime, workspace
from gaung.web.api.mentions import MentionItem
from gaung.web.api.overview import DayOut, RankedOut
from gaung.web.auth import User, require

router = APIRouter(prefix="/api", tags=["issues"])


class IssueOut(BaseModel):
    id: int
    label: str
    size: int
    outlets: int
    first_seen_at: UtcDateTime | None
    last_seen_at: UtcDateTime | None
    renamed: bool
    merged_into: int | None
    key_phrases: list[str]
    tones: dict[str, int]

    @classmethod
    def of(cls, issue: IssueSummary) -> IssueOut:
        return cls(**issue.__dict__)


class IssueList(BaseModel):
    total: int
    items: list[IssueOut]


class IssueDetail(IssueOut):
    timeline: list[DayOut]
    outlet_counts: list[RankedOut]
    speakers: list[RankedOut]
    key_articles: list[MentionItem]


@router.get("/issues", response_model=IssueList)
def api_issues(
    request: Request,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=100_000),
    user: User = Depends(require("viewer")),
) -> Any:
    """Live issues (merged ones excluded), most recently active first."""
    with workspace(request).engine.connect() as conn:
        items, total = list_issues(conn, limit=limit, offset=offset)
    return IssueList(total=total, items=[IssueOut.of(i) for i in items])


@router.get("/issues/{issue_id}", response_model=IssueDetail, responses={404: {"description": "unknown id"}})
def api_issue(request: Request, issue_id: int, user: User = Depends(require("viewer"))) -> Any:
    """One issue with its 30-day timeline, outlets, speakers and key articles."""
    with workspace(request).engine.connect() as conn:
        issue = get_issue(conn, issue_id)
        if issue is None:
            raise HTTPException(404, f"no issue with id {issue_id}")
        until = issue.last_seen_at or anchor_time(conn)
        return IssueDetail(
            **IssueOut.of(issue).model_dump(),
            timeline=[DayOut.of(d) for d in volume_by_day(conn, until, days=30, issue_id=issue_id)],
            outlet_counts=[RankedOut.of(r) for r in issue_outlets(conn, issue_id)],
            speakers=[RankedOut.of(r) for r in top_speakers(conn, until, days=30, issue_id=issue_id)],
            key_articles=[MentionItem.of(r) for r in key_articles(conn, issue_id)],
        )
