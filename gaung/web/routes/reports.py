"""Laporan: the stored daily briefs, making one for a chosen day (analysts), and each brief as HTML or PDF.

The brief's HTML is served as the standalone document it is (the same one the PDF and the email carry),
with a Content-Security-Policy that allows no script, no frame and no outside resource: everything in it
is escaped when rendered, and the policy makes sure a slip could not run anything.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gaung.brief.errors import BriefError
from gaung.brief.service import configured_logo, make_brief, parse_day, yesterday
from gaung.brief.store import StoredBrief, get_brief, list_briefs
from gaung.errors import GaungError
from gaung.store.db import transaction
from gaung.web import auth
from gaung.web.api.common import workspace
from gaung.web.auth import User, require, verify_csrf
from gaung.web.i18n import LANGUAGES, negotiate
from gaung.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 50
BRIEF_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; form-action 'none'"
)


def find_brief(request: Request, day: date, lang: str | None) -> StoredBrief:
    """The stored brief of `day`: in `lang` if given, else in the reader's language, else the other one."""
    ws = workspace(request)
    wanted = (
        [lang] if lang else [negotiate(request), *[code for code in LANGUAGES if code != negotiate(request)]]
    )
    with ws.engine.connect() as conn:
        for code in wanted:
            brief = get_brief(conn, day, code)
            if brief is not None:
                return brief
    raise HTTPException(404, f"no brief for {day.isoformat()}")


@router.get("/reports")
def reports_page(
    request: Request,
    page: int = Query(1, ge=1, le=10_000),
    made: str | None = Query(None, max_length=20),
    user: User = Depends(require("viewer")),
) -> Response:
    ws = workspace(request)
    with ws.engine.connect() as conn:
        items, total = list_briefs(conn, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    context = {
        "items": items,
        "total": total,
        "page": page,
        "pages": pages,
        "made": made if made and made in {item.day.isoformat() for item in items} else None,
        "default_day": yesterday().isoformat(),
        "logo_warning": configured_logo(ws.settings).warning if user.can("analyst") else None,
        "schedule": ws.settings.brief,
    }
    return render(request, "reports.html", context)


@router.post("/reports", dependencies=[Depends(verify_csrf)])
def generate(
    request: Request,
    day: str = Form(..., max_length=40),
    lang: str = Form("id", max_length=5),
    user: User = Depends(require("analyst")),
) -> Response:
    """Make (or remake) the brief of one day; it replaces the stored one of that day and language."""
    ws = workspace(request)
    try:
        chosen = parse_day(day, name="date")
        if lang not in LANGUAGES:
            raise BriefError(f"language {lang!r}: use id or en")
        made = make_brief(
            ws.engine, ws.settings, chosen, lang=lang, require_pdf=False, generated_by=user.name
        )
    except GaungError as exc:
        raise HTTPException(400, str(exc)) from None
    with transaction(ws.engine) as conn:
        auth.audit(
            conn, user, "brief.generate", f"brief:{chosen.isoformat()}:{lang}", {"stories": made.data.stories}
        )
    return RedirectResponse(f"/reports?made={chosen.isoformat()}", status_code=303)


# the .pdf route first: "/reports/{day}" would otherwise try to read "2025-06-18.pdf" as a date
@router.get("/reports/{day}.pdf")
def brief_pdf(
    request: Request,
    day: date,
    lang: str | None = Query(None, pattern="^(id|en)$"),
    user: User = Depends(require("viewer")),
) -> Response:
    brief = find_brief(request, day, lang)
    if brief.pdf is None:
        raise HTTPException(
            404, f"the brief for {day.isoformat()} has no PDF (no PDF engine when it was made)"
        )
    filename = f"laporan-{day.isoformat()}{'' if brief.lang == 'id' else '-' + brief.lang}.pdf"
    return Response(
        brief.pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/reports/{day}")
def brief_html(
    request: Request,
    day: date,
    lang: str | None = Query(None, pattern="^(id|en)$"),
    user: User = Depends(require("viewer")),
) -> Response:
    brief = find_brief(request, day, lang)
    return HTMLResponse(brief.html or "", headers={"Content-Security-Policy": BRIEF_CSP})
