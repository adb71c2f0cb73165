"""FastAPI app: the archive search page and a JSON API under /api/ (OpenAPI at /docs).

Routes are thin: they call `Workspace` and the store; every article field is rendered escaped
(Jinja2 autoescape) because news HTML is hostile input.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from gaung.errors import QueryError
from gaung.store import sources as source_store
from gaung.store.mentions import count_mentions, get_mention
from gaung.workspace import Workspace

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
PAGE_SIZE = 20
MAX_OFFSET = 10_000  # deep offsets are slow and useless; narrow the query instead


def create_app(ws: Workspace) -> FastAPI:
    app = FastAPI(title="Gaung", version="0.1.0", description="Media monitoring for communications offices")
    app.state.ws = ws

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request, q: str = "", page: int = Query(1, ge=1, le=MAX_OFFSET // PAGE_SIZE)
    ) -> Any:
        context: dict[str, Any] = {
            "q": q,
            "page": page,
            "result": None,
            "error": None,
            "organisation": ws.settings.organisation,
        }
        with ws.engine.connect() as conn:
            context["total_mentions"] = count_mentions(conn)
            context["total_stories"] = count_mentions(conn, stories_only=True)
        if q.strip():
            try:
                context["result"] = ws.search(
                    q, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, order="relevance"
                )
            except QueryError as exc:
                context["error"] = exc
        return TEMPLATES.TemplateResponse(request, "search.html", context)

    @app.get("/api/search")
    def api_search(
        q: str = Query(..., min_length=1, max_length=1000),
        limit: int = Query(PAGE_SIZE, ge=1, le=100),
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
        order: Literal["relevance", "newest"] = Query("relevance"),
    ) -> Any:
        """Search mentions with the query language; a malformed query gets 400 with the position."""
        try:
            page = ws.search(q, limit=limit, offset=offset, order=order)
        except QueryError as exc:
            return JSONResponse(
                status_code=400, content={"error": exc.message, "position": exc.position, "query": exc.query}
            )
        return dataclasses.asdict(page)

    @app.get("/api/mentions/{mention_id}")
    def api_mention(mention_id: int) -> Any:
        with ws.engine.connect() as conn:
            row = get_mention(conn, mention_id)
        if row is None:
            raise HTTPException(404, "mention not found")
        row.pop("minhash", None)
        return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}

    @app.get("/api/sources")
    def api_sources() -> Any:
        out = []
        with ws.engine.connect() as conn:
            for row in source_store.list_sources(conn):
                health = source_store.source_health(
                    row, source_store.items_per_day(conn, row["id"]), ws.settings.poll
                )
                out.append(
                    {
                        "id": row["id"],
                        "name": row["name"],
                        "kind": row["kind"],
                        "url": row["url"],
                        "enabled": row["enabled"],
                        "status": health.status,
                        "reason": health.reason,
                        "items_per_day": health.items_per_day,
                        "consecutive_failures": row["consecutive_failures"],
                        "last_success_at": row["last_success_at"].isoformat()
                        if row["last_success_at"]
                        else None,
                    }
                )
        return out

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        with ws.engine.connect() as conn:
            count_mentions(conn)
        return {"status": "ok"}

    return app
