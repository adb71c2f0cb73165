"""Pemberitaan: the mention list with the query language, facets, keyset paging and exports."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.datastructures import QueryParams

from gaung.errors import QueryError
from gaung.store.reports import (
    FilterError,
    MentionFilters,
    iter_mentions,
    mention_list,
)
from gaung.web import export
from gaung.web.api.common import workspace
from gaung.web.auth import User, require
from gaung.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 25


def filter_problem(exc: QueryError | FilterError) -> dict[str, Any]:
    """A bad query or filter as template context: what is wrong and where."""
    if isinstance(exc, QueryError):
        return {"kind": "query", "message": exc.message, "query": exc.query, "position": exc.position}
    return {"kind": "filter", "message": exc.reason, "name": exc.name, "value": exc.value}


def _raw_params(request: Request) -> QueryParams:
    # the cursor belongs to one page, not to the filters
    return QueryParams([(k, v) for k, v in request.query_params.multi_items() if k != "cursor"])


@router.get("/mentions")
def mentions_page(
    request: Request,
    cursor: str | None = Query(None, max_length=200),
    user: User = Depends(require("viewer")),
) -> Response:
    """The filtered list; a malformed query or filter is shown in the page with status 400."""
    ws = workspace(request)
    context: dict[str, Any] = {"problem": None, "page": None, "facets": {}, "cursor": cursor}
    raw = _raw_params(request)
    context["raw_q"] = raw.get("q", "")
    try:
        filters = MentionFilters.from_params(raw)
    except FilterError as exc:
        context.update(problem=filter_problem(exc), filters=MentionFilters())
        return render(request, "mentions.html", context, 400)
    context["filters"] = filters
    watch_names = {w.id: w.name for w in ws.settings.watchlist}
    try:
        with ws.engine.connect() as conn:
            # one read of a search word's matches serves the count, the page and the facets
            context["page"], context["facets"] = mention_list(
                conn, filters, watch_names, limit=PAGE_SIZE, cursor=cursor
            )
    except (QueryError, FilterError) as exc:
        context["problem"] = filter_problem(exc)
        return render(request, "mentions.html", context, 400)
    return render(request, "mentions.html", context)


def _export(request: Request, kind: str) -> Response:
    ws = workspace(request)
    try:
        filters = MentionFilters.from_params(_raw_params(request))
        with ws.engine.connect() as conn:
            rows = list(iter_mentions(conn, filters))
    except (QueryError, FilterError) as exc:
        context: dict[str, Any] = {"problem": filter_problem(exc), "page": None, "facets": {}}
        context.update(cursor=None, filters=MentionFilters(), raw_q=request.query_params.get("q", ""))
        return render(request, "mentions.html", context, 400)
    if kind == "csv":
        body, media = export.to_csv(rows, filters), "text/csv; charset=utf-8"
    else:
        body = export.to_xlsx(rows, filters)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    headers = {"Content-Disposition": f'attachment; filename="gaung-pemberitaan.{kind}"'}
    return Response(body, media_type=media, headers=headers)


@router.get("/mentions/export.csv")
def export_csv(request: Request, user: User = Depends(require("viewer"))) -> Response:
    """The filtered list as CSV (filters in leading `# ` lines)."""
    return _export(request, "csv")


@router.get("/mentions/export.xlsx")
def export_xlsx(request: Request, user: User = Depends(require("viewer"))) -> Response:
    """The filtered list as XLSX (filters on the "Filter" sheet)."""
    return _export(request, "xlsx")
