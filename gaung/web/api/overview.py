"""JSON API: the dashboard numbers (what the Ringkasan page shows)."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from gaung.store import monitoring
from gaung.store.reports import DayVolume, Ranked, overview
from gaung.web.api.common import UtcDateTime, workspace
from gaung.web.auth import User, require

router = APIRouter(prefix="/api", tags=["overview"])


class DayOut(BaseModel):
    day: str
    positive: int
    neutral: int
    negative: int
    unknown: int
    total: int

    @classmethod
    def of(cls, day: DayVolume) -> DayOut:
        return cls(**day.__dict__, total=day.total)


class RankedOut(BaseModel):
    key: str
    label: str
    count: int
    negative: int = 0

    @classmethod
    def of(cls, item: Ranked) -> RankedOut:
        return cls(key=item.key, label=item.label, count=item.count, negative=item.negative)


class GoodStoryOut(BaseModel):
    id: str
    title: str
    url: str | None
    published_at: UtcDateTime
    score: float
    outlets: int
    factors: dict[str, float]


class OverviewOut(BaseModel):
    until: UtcDateTime
    days: int
    totals: dict[str, int]
    volume: list[DayOut]
    top_issues: list[RankedOut]
    top_outlets: list[RankedOut]
    top_speakers: list[RankedOut]
    open_alerts: int
    good_stories: list[GoodStoryOut]


@router.get("/overview", response_model=OverviewOut)
def api_overview(request: Request, user: User = Depends(require("viewer"))) -> Any:
    """Volume and tone per day, top issues/outlets/speakers, open alerts and good stories."""
    with workspace(request).engine.connect() as conn:
        view = overview(conn)
        open_alerts = len(monitoring.list_alerts(conn, status="open", limit=1000))
        stories = monitoring.good_stories(conn, view.until.replace(tzinfo=UTC), limit=10)
    return OverviewOut(
        until=view.until,
        days=view.days,
        totals=view.totals,
        volume=[DayOut.of(d) for d in view.volume],
        top_issues=[RankedOut.of(r) for r in view.issues],
        top_outlets=[RankedOut.of(r) for r in view.outlets],
        top_speakers=[RankedOut.of(r) for r in view.speakers],
        open_alerts=open_alerts,
        good_stories=[
            GoodStoryOut(
                id=s.story.id,
                title=s.story.title,
                url=s.story.url,
                published_at=s.story.published_at,
                score=s.score,
                outlets=s.story.outlets,
                factors=s.factors,
            )
            for s in stories
        ],
    )
