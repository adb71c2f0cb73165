"""JSON API: alerts, and acknowledging one."""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel

from gaung.errors import GaungError
from gaung.store import monitoring
from gaung.store.db import transaction
from gaung.store.schema import alerts
from gaung.web import auth
from gaung.web.api.common import UtcDateTime, workspace
from gaung.web.auth import User, require, verify_csrf

router = APIRouter(prefix="/api", tags=["alerts"])


class AlertOut(BaseModel):
    id: int
    rule: str
    kind: str
    target: str | None
    fired_at: UtcDateTime
    window_start: UtcDateTime
    window_end: UtcDateTime
    observed: float | None
    expected: float | None
    p_value: float | None
    reason_id: str
    reason_en: str
    status: str
    acknowledged_by: str | None
    acknowledged_at: UtcDateTime | None


@router.get("/alerts", response_model=list[AlertOut])
def api_alerts(
    request: Request,
    status: Literal["open", "acknowledged"] | None = Query(None),
    limit: int = Query(100, ge=1, le=1000),
    user: User = Depends(require("viewer")),
) -> Any:
    """Alerts, newest window first; `reason_id`/`reason_en` say why each fired."""
    with workspace(request).engine.connect() as conn:
        rows = monitoring.list_alerts(conn, status=status, limit=limit)
    return [AlertOut.model_validate(r) for r in rows]


@router.post(
    "/alerts/{alert_id}/ack",
    response_model=AlertOut,
    dependencies=[Depends(verify_csrf)],
    responses={404: {"description": "unknown id"}},
)
def api_acknowledge(request: Request, alert_id: int, user: User = Depends(require("analyst"))) -> Any:
    """Mark an alert acknowledged by the calling user (audited)."""
    try:
        with transaction(workspace(request).engine) as conn:
            monitoring.acknowledge_alert(conn, alert_id, user.name)
            auth.audit(conn, user, "alert.acknowledge", f"alert:{alert_id}", {})
    except GaungError:
        raise HTTPException(404, f"no alert with id {alert_id}") from None
    with workspace(request).engine.connect() as conn:
        row = conn.execute(sa.select(alerts).where(alerts.c.id == alert_id)).mappings().one()
    return AlertOut.model_validate(dict(row))
