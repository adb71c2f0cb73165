"""Peringatan: open and acknowledged alerts, why each fired, a link to its mentions, acknowledging."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from gaung.errors import GaungError
from gaung.store import monitoring
from gaung.store.db import transaction
from gaung.web import auth
from gaung.web.api.common import workspace
from gaung.web.auth import User, require, verify_csrf
from gaung.web.templating import local_time, render

router = APIRouter(include_in_schema=False)


def mentions_link(alert: dict[str, Any]) -> list[tuple[str, str]]:
    """Query parameters of the /mentions list behind an alert: the days of its window, its target.

    The list filters by office-calendar day, so it shows the whole days around the window.
    """

    start = alert["window_start"]
    end = alert["window_end"]
    params = [
        ("from", local_time(start, "%Y-%m-%d")),
        ("to", local_time(end - timedelta(seconds=1) if end > start else end, "%Y-%m-%d")),
    ]
    target = str(alert.get("target") or "")
    kind = str(alert.get("kind", ""))
    if kind == "issue" or target.startswith("issue:"):
        params.append(("issue", target.removeprefix("issue:")))
    elif target:
        params.append(("entity", target.removeprefix("entity:")))
    if "negative" in kind:
        params.append(("tone", "negative"))
    return params


@router.get("/alerts")
def alerts_page(
    request: Request,
    status: Literal["open", "acknowledged"] = Query("open"),
    user: User = Depends(require("viewer")),
) -> Response:
    ws = workspace(request)
    with ws.engine.connect() as conn:
        items = monitoring.list_alerts(conn, status=status, limit=200)
    for item in items:
        item["mentions_params"] = mentions_link(item)
    return render(request, "alerts.html", {"items": items, "status": status})


@router.post("/alerts/{alert_id}/ack", dependencies=[Depends(verify_csrf)])
def acknowledge(request: Request, alert_id: int, user: User = Depends(require("analyst"))) -> Response:
    ws = workspace(request)
    try:
        with transaction(ws.engine) as conn:
            monitoring.acknowledge_alert(conn, alert_id, user.name)
            auth.audit(conn, user, "alert.acknowledge", f"alert:{alert_id}", {})
    except GaungError:
        raise HTTPException(404, f"no alert with id {alert_id}") from None
    return RedirectResponse("/alerts", status_code=303)
