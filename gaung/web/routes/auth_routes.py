"""Routes: log in, log out, and choose the interface language.

Login failures are counted in the database per user name and per client address (see
`gaung.store.users.login_retry_after`), so the limit holds across web workers and restarts.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from gaung.store import users as store
from gaung.store.db import transaction
from gaung.web.auth import (
    LANG_COOKIE,
    SESSION_COOKIE,
    audit,
    auth_config,
    client_ip,
    current_user,
    delete_cookie,
    render_page,
    safe_next,
    session_expired,
    set_cookie,
    verify_csrf,
)

router = APIRouter()

LANGUAGES = ("id", "en")
LANG_COOKIE_MAX_AGE = 365 * 24 * 3600  # a choice of language is not a secret; remember it for a year


def _login_page(request: Request, *, next_path: str, status_code: int = 200, **context: Any) -> Response:
    values: dict[str, Any] = {"next": next_path, "error": None, "expired": False, "username": ""}
    values.update(context)
    return render_page(request, "login.html", values, status_code=status_code)


@router.get("/login", include_in_schema=False)
def login_form(request: Request, next: str = "/", expired: bool = False) -> Response:
    """The login page; says so when the visitor arrives because their session expired."""
    target = safe_next(next)
    if current_user(request) is not None:
        return RedirectResponse(target, status_code=303)
    return _login_page(request, next_path=target, expired=expired or session_expired(request))


@router.post("/login", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def login(
    request: Request,
    username: str = Form("", max_length=200),
    password: str = Form("", max_length=store.MAX_PASSWORD_LENGTH),
    next: str = Form("/", max_length=2000),
) -> Response:
    """Check the password (rate-limited), start a session and go where the visitor was heading."""
    target = safe_next(next)
    ip = client_ip(request)
    engine = auth_config(request).ws.engine
    with transaction(engine) as conn:
        wait = store.login_retry_after(conn, username, ip)
        if wait:
            minutes = max(1, (wait + 59) // 60)
            response = _login_page(
                request,
                next_path=target,
                status_code=429,
                error="too_many",
                retry_minutes=minutes,
                username=username,
            )
            response.headers["Retry-After"] = str(wait)
            return response
        user = store.authenticate(conn, username, password) if username and password else None
        store.record_login_attempt(conn, username, ip, succeeded=user is not None)
        if user is None:
            audit(conn, None, "login.failed", username.strip().lower()[:100], {"ip": ip})
        else:
            old = request.cookies.get(SESSION_COOKIE)
            if old:
                store.delete_session(conn, old)
            session_id, _ = store.create_session(
                conn, user, ip=ip, user_agent=request.headers.get("user-agent")
            )
            audit(conn, user, "login", user.name, {"ip": ip})
    if user is None:
        return _login_page(request, next_path=target, status_code=401, error="invalid", username=username)
    response = RedirectResponse(target, status_code=303)
    # no max_age: a browser-session cookie, gone when the browser closes; the server expires it too
    set_cookie(request, response, SESSION_COOKIE, session_id)
    return response


@router.post("/logout", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def logout(request: Request) -> Response:
    """End the session on the server (not just in the browser) and return to the login page."""
    user = current_user(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        with transaction(auth_config(request).ws.engine) as conn:
            store.delete_session(conn, cookie)
            if user is not None:
                audit(conn, user, "logout", user.name)
    response = RedirectResponse("/login", status_code=303)
    delete_cookie(request, response, SESSION_COOKIE)
    return response


@router.post("/lang", include_in_schema=False, dependencies=[Depends(verify_csrf)])
def set_language(
    request: Request, lang: str = Form(..., max_length=5), next: str = Form("/", max_length=2000)
) -> Response:
    """Remember the chosen interface language (id or en) in the `gaung_lang` cookie."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if lang in LANGUAGES:
        set_cookie(request, response, LANG_COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE)
    return response
