"""The Monitoring Center: server-rendered pages (Jinja2 + htmx) and a JSON API under /api/.

`create_app(ws)` wires the pieces; each page or API area lives in its own module under `routes/` or
`api/` and exposes `router`. Routes are thin: they parse parameters, call the store (the same
functions a Python caller uses) and render. Bad input never becomes a 500: malformed queries and
filters get a 400 page (or JSON) that says what to fix, unknown ids and paths a 404 page.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from gaung.store.mentions import count_mentions
from gaung.web import api as api_package
from gaung.web import auth
from gaung.web import routes as routes_package
from gaung.web.i18n import N_
from gaung.web.templating import render
from gaung.workspace import Workspace

STATIC_DIR = Path(__file__).parent / "static"
ERROR_TITLES = {
    400: N_("The request is not valid"),
    401: N_("Please log in"),
    403: N_("You are not allowed to do this"),
    404: N_("Not found"),
    405: N_("This action is not available here"),
    413: N_("The request is too large"),
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/healthz"


def error_page(request: Request, status: int, message: str = "") -> Response:
    """The HTML error page (or JSON under /api/) with a message that says what to do."""
    if _wants_json(request):
        return JSONResponse({"detail": message or ERROR_TITLES.get(status, "error")}, status_code=status)
    title = ERROR_TITLES.get(status, N_("Something went wrong"))
    return render(request, "error.html", {"status": status, "title": title, "message": message}, status)


def _include_routers(app: FastAPI) -> None:
    # Every module in routes/ and api/ that exposes `router` is mounted, so a new page is one new file.
    for package in (routes_package, api_package):
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            router = getattr(module, "router", None)
            if router is not None:
                app.include_router(router)


def create_app(ws: Workspace) -> FastAPI:
    """The web app over one workspace (settings + database)."""
    app = FastAPI(
        title="Gaung",
        version="0.1.0",
        description="Media monitoring for communications offices: mentions, issues, alerts, sources.",
    )
    app.state.ws = ws
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            body: dict[str, Any] = {"detail": exc.detail}
            # the documented 400 shape is {"error": ...}, also for an unparsable body
            if exc.status_code == 400:
                body["error"] = str(exc.detail)
            return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code not in (404, 405) else ""
        return error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors: list[Any] = list(exc.errors())
        if any(error.get("loc", ("",))[0] == "path" for error in errors):
            return error_page(request, 404)  # /mentions/abc: no such mention, not a bad request
        if _wants_json(request):
            return JSONResponse({"detail": jsonable(errors)}, status_code=422)
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error.get('loc', ())[1:])}: {error.get('msg', '')}"
            for error in errors
        )
        return error_page(request, 400, problems)

    @app.exception_handler(OverflowError)
    async def id_out_of_range(request: Request, exc: OverflowError) -> Response:
        # an id beyond the database's 64-bit integers names nothing that can exist: not found, not a crash
        if _wants_json(request):
            return JSONResponse({"detail": "Not Found"}, status_code=404)
        return error_page(request, 404)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        with ws.engine.connect() as conn:
            count_mentions(conn)
        return {"status": "ok"}

    _include_routers(app)
    auth.install(app, ws)

    return app


def jsonable(value: Any) -> Any:
    """Validation error details made JSON-safe (pydantic puts exceptions in `ctx`)."""
    from fastapi.encoders import jsonable_encoder

    return jsonable_encoder(value, custom_encoder={Exception: str})
