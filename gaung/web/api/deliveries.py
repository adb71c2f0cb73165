"""JSON API: the delivery log (what was sent to whom, what failed and why) and resending a failed one."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel

from gaung.deliver import outbox
from gaung.errors import GaungError
from gaung.store.db import transaction
from gaung.web import auth
from gaung.web.api.common import UtcDateTime, workspace
from gaung.web.auth import User, require, verify_csrf

router = APIRouter(prefix="/api", tags=["deliveries"])


class DeliveryOut(BaseModel):
    """One delivery; a webhook `address` is shown only as scheme://host/… (its path often holds a token)."""

    id: int
    kind: str
    ref: str
    subject: str
    recipient: str
    channel: str
    address: str
    status: str
    attempts: int
    created_at: UtcDateTime
    next_attempt_at: UtcDateTime | None
    sent_at: UtcDateTime | None
    last_error: str | None
    receipt: str | None
    attachment_name: str | None


class DeliveryLog(BaseModel):
    counts: dict[str, int]
    items: list[DeliveryOut]


@router.get("/deliveries", response_model=DeliveryLog)
def api_deliveries(
    request: Request,
    status: Literal["queued", "sending", "sent", "failed"] | None = Query(None),
    kind: Literal["alert", "brief", "test"] | None = Query(None),
    recipient: str | None = Query(None, max_length=100),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=10_000_000),
    user: User = Depends(require("analyst")),
) -> Any:
    """Deliveries, newest first, with counts per status; `last_error` names the recipient and the reason.

    Webhook URLs appear only as scheme://host/…, in `address` and in `last_error`.
    """
    with workspace(request).engine.connect() as conn:
        rows = outbox.list_deliveries(
            conn, status=status, kind=kind, recipient=recipient, limit=limit, offset=offset
        )
        counts = outbox.status_counts(conn)
    items = [DeliveryOut.model_validate(outbox.for_display(row)) for row in rows]
    return DeliveryLog(counts=counts, items=items)


@router.post(
    "/deliveries/{delivery_id}/retry",
    dependencies=[Depends(verify_csrf)],
    responses={
        404: {"description": "unknown id"},
        400: {"description": "not failed, or the address is invalid"},
    },
)
def api_retry(request: Request, delivery_id: int, user: User = Depends(require("analyst"))) -> dict[str, Any]:
    """Queue a failed delivery again; the monitor's next delivery tick sends it."""
    try:
        with transaction(workspace(request).engine) as conn:
            outbox.retry(conn, delivery_id)
            auth.audit(conn, user, "delivery.retry", f"delivery:{delivery_id}", {})
    except GaungError as exc:
        raise HTTPException(404 if "no delivery" in str(exc) else 400, str(exc)) from None
    return {"id": delivery_id, "status": "queued"}
