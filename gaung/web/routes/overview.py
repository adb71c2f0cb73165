"""Ringkasan: volume and tone over time, top issues/outlets/speakers, open alerts, good stories."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from gaung.store import monitoring
from gaung.store.reports import Overview, cached_overview
from gaung.web.api.common import workspace
from gaung.web.auth import User, require
from gaung.web.routes.kinerja import dashboard_fame
from gaung.web.templating import render

router = APIRouter(include_in_schema=False)


def chart_data(view: Overview) -> dict[str, Any]:
    """The volume chart's series (serialised into the page as JSON, read by static/charts.js)."""
    return {
        "labels": [day.day for day in view.volume],
        "positive": [day.positive for day in view.volume],
        "neutral": [day.neutral + day.unknown for day in view.volume],
        "negative": [day.negative for day in view.volume],
    }


@router.get("/")
def overview_page(request: Request, user: User = Depends(require("viewer"))) -> Response:
    ws = workspace(request)
    with ws.engine.connect() as conn:
        view = cached_overview(conn)  # recomputed when a mention or correction arrives
        alerts = monitoring.list_alerts(conn, status="open", limit=10)
        stories = monitoring.good_stories(conn, view.until.replace(tzinfo=UTC), limit=8)
        fame = dashboard_fame(conn, ws.settings.kinerja)  # Catatan tinta emas (gaung.kinerja.recognition)
    context = {
        "view": view,
        "alerts": alerts,
        "stories": stories,
        "chart": chart_data(view),
        **fame,
    }
    return render(request, "overview.html", context)
