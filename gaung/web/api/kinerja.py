"""JSON API for Kinerja: SKP scorecards with their evidence, under the same visibility as the pages.

    GET /api/scorecards?period=            the scorecards the caller may see (staff: own; supervisors:
                                           their team; admins: everyone)
    GET /api/scorecards/{staff_id}?period= one scorecard with the evidence behind every number

The helpers here (`period_or_400`, `visible_scorecard`, `default_period`) are shared by the pages in
`gaung.web.routes.kinerja`, so a page, its export and its API twin cannot disagree on who sees what.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel
from sqlalchemy import Connection

from gaung.config import KinerjaSettings
from gaung.kinerja.errors import KinerjaError
from gaung.kinerja.periods import Period, month_of, parse_period
from gaung.kinerja.recognition import latest_month
from gaung.kinerja.scorecards import NoScorecard, Scorecard, scorecard, team_scorecards
from gaung.kinerja.staff import can_see, get_staff, visible_staff_ids
from gaung.web.api.common import UtcDateTime, workspace
from gaung.web.auth import User, require

router = APIRouter(prefix="/api", tags=["kinerja"])

# exactly what gaung.kinerja.periods.parse_period accepts (years 2000–2100), so a period that matches
# the documented pattern is always answered, and one that does not gets the 422 the spec describes
PERIOD_PATTERN = r"^(20[0-9]{2}|2100)(-(0?[1-9]|1[0-2])|-[Qq][1-4])?$"
PERIOD_QUERY = Query(
    None,
    pattern=PERIOD_PATTERN,
    description=(
        "YYYY-MM, YYYY-Qn or YYYY; default: the newest month with monthly targets or reviews, else the"
        " month of the newest post"
    ),
)
REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"description": "a period that does not exist (2025-13, 2025-Q5)"},
    403: {"description": "not your scorecard, nor one of your team's"},
    404: {"description": "no such staff member, or not employed in that period"},
}


# -- shared by the pages and the API -----------------------------------------------------------------
def kinerja_settings(request: Request) -> KinerjaSettings:
    return workspace(request).settings.kinerja


def period_or_400(text: str | None, conn: Connection) -> Period:
    """The requested period, or the default one; a clear 400 for a period that does not exist."""
    if not text:
        return default_period(conn)
    try:
        return parse_period(text)
    except KinerjaError as exc:
        raise HTTPException(400, str(exc)) from None


def default_period(conn: Connection) -> Period:
    """The month being judged (`latest_month`: newest monthly targets or reviews, else the newest post's
    month), else the current month."""
    return latest_month(conn) or month_of(datetime.now(UTC))


def visible_scorecard(
    conn: Connection, user: User, staff_id: int, period: Period, settings: KinerjaSettings
) -> Scorecard:
    """The scorecard if `user` may see it: 404 for an unknown person or period outside employment, 403
    for someone else's (staff see their own, supervisors their team, admins everyone)."""
    if get_staff(conn, staff_id) is None:
        raise HTTPException(404, f"no staff member with id {staff_id}")
    if not can_see(conn, user, staff_id):
        raise HTTPException(403, "this scorecard is visible to the person, their supervisors and admins")
    try:
        return scorecard(conn, staff_id, period, settings)
    except NoScorecard as exc:
        raise HTTPException(404, str(exc)) from None


def visible_team(conn: Connection, user: User, period: Period, settings: KinerjaSettings) -> list[Scorecard]:
    """The scorecards `user` may see for the period, by name."""
    return team_scorecards(conn, period, settings, visible=visible_staff_ids(conn, user))


# -- models ------------------------------------------------------------------------------------------
class IndicatorSummary(BaseModel):
    name: str
    target: float | None
    realisation: float | None
    capaian: float | None


class ScorecardSummary(BaseModel):
    staff_id: int
    person: str
    period: str
    indicators: list[IndicatorSummary]
    rating_hasil_kerja: str | None
    rating_perilaku: str | None
    predikat: str | None


class EvidenceOut(BaseModel):
    kind: str
    id: int
    title: str
    url: str
    permalink: str | None
    share: float
    value: float | None
    roles: list[str]
    outcome: str
    note: str
    at: UtcDateTime | None
    counted: bool


class IndicatorOut(IndicatorSummary):
    label: str
    rhk: str
    unit: str
    formula: str
    target_source: str
    status: str
    detail: str
    evidence: list[EvidenceOut]


class ScorecardOut(BaseModel):
    staff_id: int
    person: str
    team: str | None
    position: str | None
    supervisor: str | None
    period: str
    period_start: str
    period_end: str
    indicators: list[IndicatorOut]
    rating_hasil_kerja: str | None
    rating_reason: str
    rating_perilaku: str | None
    perilaku_notes: dict[str, str]
    predikat: str | None
    feedback: str | None
    reviewed_by: str | None
    reviewed_at: UtcDateTime | None


def summary(card: Scorecard) -> ScorecardSummary:
    return ScorecardSummary(staff_id=card.staff_id, **card.to_json())


def detail(card: Scorecard) -> ScorecardOut:
    shape = {i["name"]: i for i in card.to_json()["indicators"]}
    return ScorecardOut(
        staff_id=card.staff_id,
        person=card.person,
        team=card.team,
        position=card.position,
        supervisor=card.supervisor_name,
        period=card.period.key,
        period_start=card.period.start.isoformat(),
        period_end=card.period.end.isoformat(),
        indicators=[
            IndicatorOut(
                **shape[i.key],
                label=i.label,
                rhk=i.rhk,
                unit=i.unit,
                formula=i.formula,
                target_source=i.target_source,
                status=i.status,
                detail=i.detail,
                evidence=[EvidenceOut.model_validate(e, from_attributes=True) for e in i.evidence],
            )
            for i in card.indicators
        ],
        rating_hasil_kerja=card.rating_hasil_kerja,
        rating_reason=card.rating_reason.text(),
        rating_perilaku=card.rating_perilaku,
        perilaku_notes=card.perilaku_notes,
        predikat=card.predikat,
        feedback=card.feedback,
        reviewed_by=card.reviewed_by,
        reviewed_at=card.reviewed_at,
    )


# -- routes ------------------------------------------------------------------------------------------
@router.get("/scorecards", response_model=list[ScorecardSummary], responses={400: REFUSALS[400]})
def api_scorecards(
    request: Request, period: str | None = PERIOD_QUERY, user: User = Depends(require("staff"))
) -> Any:
    """The scorecards you may see for a period, in the shape of `gaung scorecards --json` plus `staff_id`.

    Ratings are `di atas | sesuai | di bawah`; a number without data is null, never 0.
    """
    with workspace(request).engine.connect() as conn:
        chosen = period_or_400(period, conn)
        return [summary(card) for card in visible_team(conn, user, chosen, kinerja_settings(request))]


@router.get("/scorecards/{staff_id}", response_model=ScorecardOut, responses=REFUSALS)
def api_scorecard(
    request: Request, staff_id: int, period: str | None = PERIOD_QUERY, user: User = Depends(require("staff"))
) -> Any:
    """One scorecard with targets, realisation, capaian and the evidence (bukti dukung) of each indicator."""
    with workspace(request).engine.connect() as conn:
        chosen = period_or_400(period, conn)
        return detail(visible_scorecard(conn, user, staff_id, chosen, kinerja_settings(request)))
