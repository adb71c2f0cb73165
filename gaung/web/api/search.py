"""JSON API: the query-language search with relevance ranking and highlighted snippets."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from gaung.errors import QueryError
from gaung.web.api.common import UtcDateTime, workspace
from gaung.web.api.mentions import ErrorOut
from gaung.web.auth import User, require

router = APIRouter(prefix="/api", tags=["search"])
PAGE_SIZE = 20
MAX_OFFSET = 10_000  # deep offsets are slow and useless; narrow the query (or use /api/mentions cursors)


class SearchHitOut(BaseModel):
    id: int
    title: str | None
    site: str | None
    published_at: UtcDateTime | None
    url: str | None
    snippet: str
    score: float | None = None


class SearchPageOut(BaseModel):
    query: str
    total: int
    total_exact: bool
    hits: list[SearchHitOut]
    limit: int
    offset: int
    order: str


@router.get("/search", response_model=SearchPageOut, responses={400: {"model": ErrorOut}})
def api_search(
    request: Request,
    q: str = Query(..., min_length=1, max_length=1000),
    limit: int = Query(PAGE_SIZE, ge=1, le=100),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    order: Literal["relevance", "newest"] = Query("relevance"),
    user: User = Depends(require("viewer")),
) -> Any:
    """Search mentions with the query language; a malformed query gets 400 with the position.

    Snippets are plain text with matches between \\u0002 and \\u0003.
    """
    try:
        page = workspace(request).search(q, limit=limit, offset=offset, order=order)
    except QueryError as exc:
        return JSONResponse(
            status_code=400, content={"error": exc.message, "position": exc.position, "query": exc.query}
        )
    return SearchPageOut(
        query=page.query,
        total=page.total,
        total_exact=page.total_exact,
        hits=[SearchHitOut(**hit.__dict__) for hit in page.hits],
        limit=page.limit,
        offset=page.offset,
        order=page.order,
    )
