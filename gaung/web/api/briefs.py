"""JSON API: stored daily briefs, and making one (analysts). The documents themselves are at
/reports/{day} (HTML) and /reports/{day}.pdf, linked from each item."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from gaung.brief.errors import BriefError
from gaung.brief.service import check_day, make_brief
from gaung.brief.store import StoredBrief, brief_info, list_briefs
from gaung.store.db import transaction
from gaung.web import auth
from gaung.web.api.common import UtcDateTime, workspace
from gaung.web.api.mentions import ErrorOut
from gaung.web.auth import User, require, verify_csrf

router = APIRouter(prefix="/api", tags=["briefs"])


class BriefOut(BaseModel):
    day: dt.date
    lang: str
    generated_at: UtcDateTime
    trigger: str = Field(description="manual or scheduled")
    generated_by: str | None
    counts: dict[str, int] = Field(description="stories, articles, outlets, speakers, tones, issues, ...")
    queued_at: UtcDateTime | None = Field(description="when the scheduled brief was handed to delivery")
    html_url: str
    pdf_url: str | None

    @classmethod
    def of(cls, brief: StoredBrief) -> BriefOut:
        path = f"/reports/{brief.day.isoformat()}"
        return cls(
            day=brief.day,
            lang=brief.lang,
            generated_at=brief.generated_at,
            trigger=brief.trigger,
            generated_by=brief.generated_by,
            counts=brief.counts,
            queued_at=brief.queued_at,
            html_url=f"{path}?lang={brief.lang}",
            pdf_url=f"{path}.pdf?lang={brief.lang}" if brief.has_pdf else None,
        )


class BriefList(BaseModel):
    items: list[BriefOut]
    total: int


class BriefRequest(BaseModel):
    date: dt.date = Field(description="the day in the office's calendar (WIB), not after today")
    lang: Literal["id", "en"] = "id"


@router.get("/briefs", response_model=BriefList)
def api_briefs(
    request: Request,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=1_000_000),
    user: User = Depends(require("viewer")),
) -> Any:
    """Stored briefs, newest day first."""
    with workspace(request).engine.connect() as conn:
        items, total = list_briefs(conn, limit=limit, offset=offset)
    return BriefList(items=[BriefOut.of(item) for item in items], total=total)


@router.get(
    "/briefs/{day}", response_model=BriefOut, responses={404: {"description": "no brief for that day"}}
)
def api_brief(
    request: Request,
    day: dt.date,
    lang: Literal["id", "en"] = Query("id"),
    user: User = Depends(require("viewer")),
) -> Any:
    """One stored brief (without its content: follow html_url / pdf_url)."""
    with workspace(request).engine.connect() as conn:
        brief = brief_info(conn, day, lang)
    if brief is None:
        raise HTTPException(404, f"no brief for {day.isoformat()} in {lang}")
    return BriefOut.of(brief)


@router.post(
    "/briefs",
    response_model=BriefOut,
    status_code=201,
    dependencies=[Depends(verify_csrf)],
    responses={
        400: {"model": ErrorOut, "description": "the body is not JSON"},
        409: {"description": "the day has not begun yet, or is before 1990"},
    },
)
def api_make_brief(request: Request, body: BriefRequest, user: User = Depends(require("analyst"))) -> Any:
    """Make (or remake) the brief of one day; it replaces the stored brief of that day and language."""
    ws = workspace(request)
    try:
        check_day(body.date)
    except BriefError as exc:
        raise HTTPException(409, str(exc)) from None
    make_brief(ws.engine, ws.settings, body.date, lang=body.lang, require_pdf=False, generated_by=user.name)
    with transaction(ws.engine) as conn:
        auth.audit(conn, user, "brief.generate", f"brief:{body.date.isoformat()}:{body.lang}", {"via": "api"})
        brief = brief_info(conn, body.date, body.lang)
    assert brief is not None
    return BriefOut.of(brief)
