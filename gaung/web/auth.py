"""Who is asking, and may they? Sessions, API tokens, roles, CSRF and the body-size limit.

Every route declares what it needs, and nothing else decides:

    @router.post("/mentions/{mention_id}/correct", dependencies=[Depends(verify_csrf)])
    def correct(..., user: User = Depends(require("analyst"))) -> ...

- `current_user(request)`: the session cookie (`gaung_session`, a random id whose sha256 is a row in
  `sessions`) or an `Authorization: Bearer gaung_…` API token; looked up once per request.
- `require(role)`: not logged in → 303 to `/login?next=…` for pages, 401 JSON under `/api/`;
  role too low → 403 (a refusal page, or JSON).
- `verify_csrf`: state-changing requests carry the session's token (form field `csrf_token` or header
  `X-CSRF-Token`). Bearer-token requests are exempt: a browser never adds that header by itself, so a
  forged cross-site request cannot carry one. Before login the token is bound to a `gaung_csrf` cookie
  (double submit), which stops login CSRF.
- `install(app, ws)`: the middleware (body-size limit, queued cookies, security headers) and the
  handlers that turn the refusals above into responses.
The plain Python API underneath (users, sessions, tokens, audit) is `gaung.store.users`.
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import escape
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gaung.store import users as store
from gaung.store.db import transaction
from gaung.store.users import ROLES, SessionInfo, User, audit, role_rank
from gaung.web.i18n import N_
from gaung.workspace import Workspace

__all__ = [
    "ROLES",
    "User",
    "audit",
    "client_ip",
    "csrf_token",
    "current_user",
    "install",
    "require",
    "verify_csrf",
]

SESSION_COOKIE = "gaung_session"
CSRF_COOKIE = "gaung_csrf"  # only before login: binds the login form's token to this browser
LANG_COOKIE = "gaung_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
MAX_BODY_BYTES = 1_000_000  # forms and JSON edits are a few kB; 1 MB leaves room for a long watchlist
# Platform exports are uploaded whole; the importer checks the file itself against the same 100 MB limit.
UPLOAD_BODY_BYTES = {"/content/import": 100 * 1024 * 1024}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_UNSET = object()


@dataclass(frozen=True)
class AuthConfig:
    """What `install` was told; kept on `app.state.auth`."""

    ws: Workspace
    trust_proxy: bool = False  # believe X-Forwarded-Proto/-For (only behind a proxy you run)
    max_body_bytes: int = MAX_BODY_BYTES
    upload_body_bytes: dict[str, int] = field(default_factory=lambda: dict(UPLOAD_BODY_BYTES))

    def body_limit(self, path: str) -> int:
        """The request-body limit for a path: upload endpoints get theirs, everything else the default."""
        return self.upload_body_bytes.get(path, self.max_body_bytes)


class NotAuthenticated(Exception):
    """No (live) session or token; `expired` when a session cookie came with the request but is dead."""

    def __init__(self, expired: bool = False):
        super().__init__("login required")
        self.expired = expired


class Forbidden(Exception):
    """Logged in, but the role is too low for this route."""

    def __init__(self, user: User, needed: str):
        super().__init__(f"{user.name} ({user.role}) needs role {needed}")
        self.user = user
        self.needed = needed


class CsrfRejected(Exception):
    """A state-changing request without the right CSRF token."""


def auth_config(request: Request) -> AuthConfig:
    config = getattr(request.app.state, "auth", None)
    if config is None:
        raise RuntimeError("gaung.web.auth.install(app, ws) was not called by the app factory")
    return config


def wants_json(request: Request) -> bool:
    """API clients get JSON refusals; browsers get pages and redirects."""
    path = request.url.path
    if path == "/api" or path.startswith("/api/"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


def is_secure(request: Request) -> bool:
    """True when the browser talks TLS to us, directly or through a proxy we were told to trust."""
    if request.url.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return auth_config(request).trust_proxy and forwarded == "https"


def client_ip(request: Request) -> str:
    """The client's address (the proxy's view of it when the proxy is trusted), for rate limits."""
    if auth_config(request).trust_proxy:
        forwarded = [p.strip() for p in request.headers.get("x-forwarded-for", "").split(",") if p.strip()]
        if forwarded:
            # the last entry is the one our own proxy appended; earlier ones are the client's to forge
            return forwarded[-1][:64]
    return (request.client.host if request.client else "unknown")[:64]


def set_cookie(
    request: Request, response: Response, name: str, value: str, *, max_age: int | None = None
) -> None:
    """Set a cookie the way every Gaung cookie is set: HttpOnly, SameSite=Lax, Secure under TLS."""
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="lax", secure=is_secure(request)
    )


def delete_cookie(request: Request, response: Response, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=is_secure(request))


def _queue_cookie(request: Request, name: str, value: str | None, max_age: int | None = None) -> None:
    """Ask the middleware to add a Set-Cookie to whatever response this request ends with."""
    carrier = Response()
    if value is None:
        delete_cookie(request, carrier, name)
    else:
        set_cookie(request, carrier, name, value, max_age=max_age)
    queued: list[tuple[bytes, bytes]] = request.scope.setdefault("state", {}).setdefault("gaung_cookies", [])
    queued.extend((k, v) for k, v in carrier.raw_headers if k == b"set-cookie")


# -- who is asking --------------------------------------------------------------------------------
def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _load(request: Request) -> tuple[User | None, SessionInfo | None]:
    cached = getattr(request.state, "gaung_auth", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    user: User | None = None
    session: SessionInfo | None = None
    token = _bearer(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    engine = auth_config(request).ws.engine
    if token is not None:
        # a request that names a token is judged by that token alone, never by a cookie beside it
        with transaction(engine) as conn:
            user = store.user_for_token(conn, token)
        request.state.gaung_via_token = user is not None
    elif cookie:
        with transaction(engine) as conn:
            session = store.load_session(conn, cookie)
        if session is None:
            request.state.gaung_session_expired = True
            _queue_cookie(request, SESSION_COOKIE, None)
        else:
            user = session.user
    request.state.gaung_auth = (user, session)
    return user, session


def current_user(request: Request) -> User | None:
    """The logged-in user (session cookie or API token), or None. Cached for the request."""
    return _load(request)[0]


def session_expired(request: Request) -> bool:
    """True when the request came with a session cookie that no longer opens a session."""
    _load(request)
    return bool(getattr(request.state, "gaung_session_expired", False))


def require(role: str) -> Callable[..., User]:
    """A dependency that returns the current user if their role includes `role`, else refuses."""
    role_rank(role)  # an unknown role is a programming error: fail at import, not at request time

    def dependency(request: Request) -> User:
        user = current_user(request)
        if user is None:
            raise NotAuthenticated(expired=session_expired(request))
        if not user.can(role):
            raise Forbidden(user, role)
        return user

    dependency.__name__ = f"require_{role}"
    return dependency


# -- CSRF -----------------------------------------------------------------------------------------
def csrf_token(request: Request) -> str:
    """The token forms must send back: the session's, or before login one bound to a cookie."""
    _, session = _load(request)
    if session is not None:
        return session.csrf_token
    existing = getattr(request.state, "gaung_anon_csrf", None) or request.cookies.get(CSRF_COOKIE, "")
    if len(existing) < 32 or len(existing) > 100:
        existing = secrets.token_urlsafe(32)
        _queue_cookie(request, CSRF_COOKIE, existing)
    request.state.gaung_anon_csrf = existing
    return str(existing)


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing request whose CSRF token is missing or wrong (API tokens exempt)."""
    if request.method in SAFE_METHODS:
        return
    user, session = await run_in_threadpool(_load, request)
    if _bearer(request) is not None:
        if user is None:
            raise NotAuthenticated()
        return
    if user is None and wants_json(request) and not getattr(request.state, "gaung_session_expired", False):
        raise NotAuthenticated()  # an API caller without credentials needs "log in", not "bad token"
    # The form field and the header are both accepted: a page loaded before a login (boosted navigation
    # keeps old attributes) may send a stale header next to a fresh field, and either proves the origin.
    supplied = [value for value in (request.headers.get(CSRF_HEADER),) if value]
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        if isinstance(value, str) and value:
            supplied.append(value)
    if session is not None:
        expected: str | None = session.csrf_token
    elif getattr(request.state, "gaung_session_expired", False):
        # the form was loaded in a session that has since ended: say so, not "bad token"
        raise NotAuthenticated(expired=True)
    else:
        expected = request.cookies.get(CSRF_COOKIE)
    if not supplied:
        raise CsrfRejected("missing")
    if not expected or not any(hmac.compare_digest(token.encode(), expected.encode()) for token in supplied):
        raise CsrfRejected("mismatch")


def safe_next(target: str | None, default: str = "/") -> str:
    """A same-site path to go to after login; anything else (//evil, https://…) becomes `default`."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return default
    if any(ord(c) < 32 or c == "\\" for c in target):
        return default
    return target


# -- refusals -------------------------------------------------------------------------------------
MSG_EXPIRED = N_("Your session expired, please log in again.")
MSG_LOGIN = N_("Please log in to continue.")
MSG_FORBIDDEN_TITLE = N_("You are not allowed to do this")
MSG_FORBIDDEN = N_("This page or action needs the %(role)s role; your role is %(mine)s.")
MSG_CSRF = N_(
    "Request refused: the form's security token is missing or does not match. Reload the page and try again."
)
MSG_TOO_LARGE_TITLE = N_("The request is too large")
MSG_TOO_LARGE = N_("The submitted data is larger than %(limit)s. Send less and try again.")


def request_lang(request: Request) -> str:
    """The interface language chosen for this request (id or en)."""
    from gaung.web import i18n

    return i18n.negotiate(request)


def render_page(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Response:
    """Render with the shared renderer (`gaung.web.templating.render`: user, csrf_token, language …)."""
    from gaung.web.templating import render  # templating imports this module: import when used

    return render(request, name, context, status_code)


def translate(request: Request, msgid: str, **values: Any) -> str:
    """`msgid` in the request's language (gettext catalogue), with %(name)s values filled in."""
    from gaung.web import i18n

    i18n.activate(i18n.negotiate(request))
    text = i18n.gettext(msgid)
    return text % values if values else text


def refusal_page(request: Request, status_code: int, title: str, text: str) -> Response:
    """The shared error page, or a plain page when even that cannot be rendered."""
    try:
        return render_page(
            request, "error.html", {"status": status_code, "title": title, "message": text}, status_code
        )
    except Exception:  # a broken error template must not hide the refusal itself
        body = f"<!doctype html><meta charset='utf-8'><title>{status_code}</title><p>{escape(text)}</p>"
        return HTMLResponse(body, status_code=status_code)


def _path_of(url: str) -> str:
    """The path and query of an absolute URL (host dropped: we only ever go back to this site)."""
    rest = url.split("://", 1)[1] if "://" in url else ""
    return "/" + rest.split("/", 1)[1] if "/" in rest else "/"


def _login_url(request: Request, expired: bool) -> str:
    if request.headers.get("hx-request"):
        # htmx asks for a fragment; come back to the page it was on, not to the fragment
        target = _path_of(request.headers.get("hx-current-url", ""))
    elif request.method not in SAFE_METHODS:
        # a form posted after the session ended: after login go back to the form's page (GET-able),
        # not to the POST-only action
        target = _path_of(request.headers.get("referer", ""))
    else:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = f"/login?next={quote(safe_next(target), safe='')}"
    return url + "&expired=1" if expired else url


async def _not_authenticated(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NotAuthenticated)
    response: Response
    if wants_json(request):
        text = MSG_EXPIRED if exc.expired else MSG_LOGIN
        response = JSONResponse(
            {"error": f"{text} Send a session cookie or 'Authorization: Bearer <token>'."},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    elif request.headers.get("hx-request"):
        response = Response(status_code=401, headers={"HX-Redirect": _login_url(request, exc.expired)})
    else:
        response = RedirectResponse(_login_url(request, exc.expired), status_code=303)
    if exc.expired:
        delete_cookie(request, response, SESSION_COOKIE)
    return response


async def _forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Forbidden)
    if wants_json(request):
        text = MSG_FORBIDDEN % {"role": exc.needed, "mine": exc.user.role}
        return JSONResponse({"error": text, "needed_role": exc.needed, "role": exc.user.role}, 403)
    # role names come from the catalogue too ("analyst" → "analis"), like the users page shows them
    needed, mine = translate(request, exc.needed), translate(request, exc.user.role)
    text = translate(request, MSG_FORBIDDEN, role=needed, mine=mine)
    return refusal_page(request, 403, MSG_FORBIDDEN_TITLE, text)


async def _csrf_rejected(request: Request, exc: Exception) -> Response:
    if wants_json(request):
        return JSONResponse({"error": MSG_CSRF, "reason": str(exc)}, 403)
    return refusal_page(request, 403, MSG_FORBIDDEN_TITLE, translate(request, MSG_CSRF))


# -- middleware -----------------------------------------------------------------------------------
class _BodyTooLarge(Exception):
    pass


SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),  # no framing: a framed form is a clickjacking target
    (b"referrer-policy", b"same-origin"),
)


class AuthMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware): caps request bodies, adds queued cookies and headers."""

    def __init__(self, app: ASGIApp, config: AuthConfig):
        self.app = app
        self.config = config

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state: dict[str, Any] = scope.setdefault("state", {})
        limit = self.config.body_limit(scope["path"])
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await self._too_large(scope, receive, send)
            return
        seen = 0
        started = False
        exceeded = False
        refused = False

        async def counting_receive() -> Message:
            nonlocal seen, exceeded
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > limit:
                    exceeded = True
                    raise _BodyTooLarge
            return msg

        async def decorating_send(msg: Message) -> None:
            nonlocal started, refused
            if exceeded and not started:
                # the app turned the interrupted read into its own error (FastAPI: a 400 "error parsing
                # the body"); answer what actually happened instead
                if not refused:
                    refused = True
                    await self._too_large(scope, receive, send)
                return
            if msg["type"] == "http.response.start":
                started = True
                headers = list(msg.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend(state.get("gaung_cookies", []))
                headers.extend((k, v) for k, v in SECURITY_HEADERS if k not in present)
                if b"cache-control" not in present and not scope["path"].startswith("/static/"):
                    # pages show who said what about whom: keep them out of shared office browser caches
                    headers.append((b"cache-control", b"no-store"))
                msg = {**msg, "headers": headers}
            await send(msg)

        try:
            await self.app(scope, counting_receive, decorating_send)
        except _BodyTooLarge:
            if started:
                raise
            if not refused:
                await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        limit = f"{self.config.body_limit(scope['path']) // 1000} kB"
        if wants_json(request):
            response: Response = JSONResponse({"error": MSG_TOO_LARGE % {"limit": limit}}, 413)
        else:
            response = refusal_page(
                request, 413, MSG_TOO_LARGE_TITLE, translate(request, MSG_TOO_LARGE, limit=limit)
            )
        response.headers["connection"] = "close"
        await response(scope, receive, send)


def install(
    app: FastAPI,
    ws: Workspace,
    *,
    trust_proxy: bool | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> None:
    """Wire authentication into the app: call once from the app factory, before routes are used.

    `trust_proxy` defaults to the environment variable GAUNG_TRUST_PROXY=1: set it only when Gaung
    runs behind a TLS proxy you control, so X-Forwarded-Proto/-For cannot be forged by clients.
    """
    if trust_proxy is None:
        trust_proxy = os.environ.get("GAUNG_TRUST_PROXY", "").lower() in ("1", "true", "yes")
    app.state.auth = AuthConfig(ws=ws, trust_proxy=trust_proxy, max_body_bytes=max_body_bytes)
    handlers: dict[type[Exception], Callable[[Request, Exception], Awaitable[Response]]] = {
        NotAuthenticated: _not_authenticated,
        Forbidden: _forbidden,
        CsrfRejected: _csrf_rejected,
    }
    for exc_class, handler in handlers.items():
        app.add_exception_handler(exc_class, handler)
    app.add_middleware(AuthMiddleware, config=app.state.auth)
