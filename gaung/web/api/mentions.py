"""JSON API: mention lists with filters and cursors, one mention in full, and corrections."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.datastructures import QueryParams

from gaung.errors import GaungError, QueryError
from gaung.store.db import transaction
from gaung.store.reports import FilterError, MentionFilters, MentionRow, mention_page
from gaung.web.api.common import CorrectionField, UtcDateTime, apply_correction, require_mention, workspace
from gaung.web.auth import User, require, verify_csrf

router = APIRouter(prefix="/api", tags=["mentions"])


class ErrorOut(BaseModel):
    """A malformed query or filter: what is wrong, and where in the query (0-based) when known."""

    error: str
    position: int | None = None
    query: str | None = None
    parameter: str | None = None


class MentionItem(BaseModel):
    id: int
    title: str | None
    site: str | None
    url: str | None
    published_at: UtcDateTime | None
    language: str | None
    tone: str | None
    tone_reason: list[str]
    issue_id: int | None
    copies: int = Field(description="other stored copies of this story (syndication)")
    outlets: int = Field(description="outlets carrying the story, this one included")

    @classmethod
    def of(cls, row: MentionRow) -> MentionItem:
        return cls(**row.__dict__)


class MentionList(BaseModel):
    total: int
    total_exact: bool
    items: list[MentionItem]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last")


class EntityOut(BaseModel):
    id: int
    text: str
    type: str
    start: int | None
    end: int | None
    watch_id: str | None


class QuoteOut(BaseModel):
    id: int
    speaker: str | None
    speaker_watch_id: str | None
    text: str
    verb: str | None


class CopyOut(BaseModel):
    id: int
    site: str | None
    url: str | None
    title: str | None
    published_at: UtcDateTime | None


class IssueRef(BaseModel):
    id: int
    label: str


class CorrectionOut(BaseModel):
    id: int
    field: str
    old_value: Any = None
    new_value: Any = None
    user: str
    created_at: UtcDateTime


class MentionDetail(BaseModel):
    id: int
    url: str | None
    canonical_url: str
    title: str | None
    text: str
    published_at: UtcDateTime | None
    author: str | None
    site: str | None
    language: str | None
    platform: str
    tone: str | None
    tone_scores: dict[str, float] | None
    tone_reason: list[str] | None
    sentiment: str | None
    sentiment_scores: dict[str, float] | None
    analysis_version: str | None
    is_canonical: bool
    syndication_group_id: int | None
    issue: IssueRef | None
    entities: list[EntityOut]
    quotes: list[QuoteOut]
    copies: list[CopyOut]
    corrections: list[CorrectionOut]


class CorrectionIn(BaseModel):
    field: CorrectionField
    value: str = Field("", max_length=200, description="tone label, issue id, entity type or watch id")
    entity_id: int | None = Field(None, description="for entity_* fields: which entity of the mention")


class CorrectionResult(BaseModel):
    correction_id: int
    mention: MentionDetail


def _filters_from(params: QueryParams) -> MentionFilters:
    return MentionFilters.from_params(
        QueryParams([(k, v) for k, v in params.multi_items() if k not in ("cursor", "limit")])
    )


def _error(exc: QueryError | FilterError) -> JSONResponse:
    if isinstance(exc, QueryError):
        body = ErrorOut(error=exc.message, position=exc.position, query=exc.query)
    else:
        body = ErrorOut(error=exc.reason, parameter=exc.name)
    return JSONResponse(body.model_dump(exclude_none=True), status_code=400)


@router.get(
    "/mentions",
    response_model=MentionList,
    responses={400: {"model": ErrorOut, "description": "malformed query or filter"}},
)
def list_mentions(
    request: Request,
    q: str = Query("", max_length=1000, description="query language, see docs/query-language.md"),
    tone: list[str] = Query([], description="positive | neutral | negative (repeat to OR)"),
    site: list[str] = Query([], description="exact site, e.g. kompas.com (repeat to OR)"),
    entity: list[str] = Query([], description="watchlist id or entity name (repeat to OR)"),
    issue: int | None = Query(None, ge=1, le=2**62),
    lang: list[str] = Query([], description="language code"),
    from_: str | None = Query(None, alias="from", description="YYYY-MM-DD (office time)"),
    to: str | None = Query(None, description="YYYY-MM-DD inclusive"),
    limit: int = Query(25, ge=1, le=200),
    cursor: str | None = Query(None, max_length=200),
    user: User = Depends(require("viewer")),
) -> Any:
    """Canonical mentions matching the query and filters, newest first, one keyset page."""
    ws = workspace(request)
    try:
        filters = _filters_from(request.query_params)
        with ws.engine.connect() as conn:
            page = mention_page(conn, filters, limit=limit, cursor=cursor)
    except (QueryError, FilterError) as exc:
        return _error(exc)
    return MentionList(
        total=page.total,
        total_exact=page.total_exact,
        items=[MentionItem.of(r) for r in page.rows],
        next_cursor=page.next_cursor,
    )


def _detail(request: Request, mention_id: int) -> MentionDetail:
    with workspace(request).engine.connect() as conn:
        return MentionDetail.model_validate(require_mention(conn, mention_id))


@router.get(
    "/mentions/{mention_id}", response_model=MentionDetail, responses={404: {"description": "unknown id"}}
)
def get_mention(request: Request, mention_id: int, user: User = Depends(require("viewer"))) -> Any:
    """One mention with its entities, quotes, syndicated copies, issue and corrections."""
    return _detail(request, mention_id)


@router.post(
    "/mentions/{mention_id}/corrections",
    response_model=CorrectionResult,
    dependencies=[Depends(verify_csrf)],
    responses={400: {"model": ErrorOut}, 404: {"description": "unknown id"}},
)
def correct_mention(
    request: Request,
    mention_id: int,
    correction: CorrectionIn = Body(...),
    user: User = Depends(require("analyst")),
) -> Any:
    """Correct tone, issue or an entity; the last correction wins, every one is kept and audited."""
    ws = workspace(request)
    try:
        with transaction(ws.engine) as conn:
            require_mention(conn, mention_id)
            correction_id = apply_correction(
                conn, user, mention_id, correction.field, correction.value, correction.entity_id
            )
    except HTTPException:
        raise
    except GaungError as exc:
        return JSONResponse(ErrorOut(error=str(exc)).model_dump(exclude_none=True), status_code=400)
    return CorrectionResult(correction_id=correction_id, mention=_detail(request, mention_id))
