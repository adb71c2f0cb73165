"""JSON API: sources with their health."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from gaung.web.api.common import UtcDateTime
from gaung.web.auth import User, require
from gaung.web.routes.sources import sources_with_health

router = APIRouter(prefix="/api", tags=["sources"])


class SourceOut(BaseModel):
    id: int
    name: str
    kind: str
    url: str
    site: str | None
    enabled: bool
    status: str
    reason: str
    items_per_day: float
    consecutive_failures: int
    last_success_at: UtcDateTime | None
    last_error: str | None


@router.get("/sources", response_model=list[SourceOut])
def api_sources(request: Request, user: User = Depends(require("viewer"))) -> Any:
    """Every source with status ok / stale / dead / never / paused and the reason."""
    return [
        SourceOut(
            id=row["id"],
            name=row["name"],
            kind=row["kind"],
            url=row["url"],
            site=row["site"],
            enabled=bool(row["enabled"]),
            status=row["health"].status,
            reason=row["health"].reason,
            items_per_day=row["health"].items_per_day,
            consecutive_failures=int(row["consecutive_failures"] or 0),
            last_success_at=row["last_success_at"],
            last_error=row["last_error"],
        )
        for row in sources_with_health(request)
    ]
