"""Rendering pages: one Jinja2 environment with gettext, autoescaping and the shared page context.

Autoescape is on for every template: article titles and texts come from the web and are hostile
input, so nothing from the store is ever marked safe (highlighting escapes first, then wraps).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import Response

from gaung.web import auth, i18n
from gaung.web.i18n import N_

TEMPLATE_DIR = Path(__file__).parent / "templates"

# (path, label, minimum role); labels are translated when rendered
NAV: tuple[tuple[str, str, str], ...] = (
    ("/", N_("Overview"), "viewer"),
    ("/mentions", N_("Coverage"), "viewer"),
    ("/issues", N_("Issues"), "viewer"),
    ("/alerts", N_("Alerts"), "viewer"),
    ("/reports", N_("Reports"), "viewer"),
    ("/content", N_("Content"), "viewer"),
    ("/content/what-works", N_("What works"), "viewer"),
    ("/assignments", N_("Assignments"), "viewer"),
    ("/kinerja", N_("Performance"), "staff"),
    ("/sources", N_("Sources"), "viewer"),
    ("/deliveries", N_("Deliveries"), "analyst"),
    ("/settings", N_("Settings"), "viewer"),
    ("/users", N_("Users"), "admin"),
)
TONE_NAMES = {"positive": N_("positive"), "neutral": N_("neutral"), "negative": N_("negative")}


def local_time(value: datetime | None, pattern: str = "%d/%m/%Y %H:%M") -> str:
    """A stored (naive UTC) time as office time (WIB), for display."""
    from gaung.store.reports import OFFICE_TZ

    if value is None:
        return "-"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return moment.astimezone(OFFICE_TZ).strftime(pattern)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    # The callables read the request's language from a context variable set by `render`, so one
    # environment serves Indonesian and English requests concurrently.
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["local_time"] = local_time
    env.globals["TONE_NAMES"] = TONE_NAMES
    return env


templates = Jinja2Templates(env=_environment())


def nav_items(user: Any) -> list[tuple[str, str]]:
    """The menu entries this user may open."""
    return [(path, label) for path, label, role in NAV if user is not None and user.can(role)]


def render(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """Render a page with the user, CSRF token, language and menu every page needs."""
    lang = i18n.negotiate(request)
    i18n.activate(lang)
    user = auth.current_user(request)
    ws = request.app.state.ws
    full: dict[str, Any] = {
        "user": user,
        "csrf_token": auth.csrf_token(request),
        "lang": lang,
        "languages": i18n.LANGUAGES,
        "nav": nav_items(user),
        "path": request.url.path,
        "organisation": ws.settings.organisation,
        **context,
    }
    return templates.TemplateResponse(request, template, full, status_code=status_code)
