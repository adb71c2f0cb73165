"""Routes: Pengguna (users) — accounts, roles, API tokens and the audit log. Admins only.

Every change is a POST with a CSRF token, goes through `gaung.store.users` (the same functions the
`gaung users` command uses) and is written to the audit log with who made it. Changes redirect back
to the page (post/redirect/get), except a new API token: it is shown once, in the response itself,
and never stored in a form the server could show again.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from gaung.errors import GaungError
from gaung.store import users as store
from gaung.store.db import transaction
from gaung.web.auth import ROLES, User, audit, auth_config, render_page, require, verify_csrf

router = APIRouter(dependencies=[Depends(verify_csrf)])
admin_only = require("admin")

# Outcome codes carried in the redirect (?done=…); the template turns them into translated messages.
DONE_CODES = frozenset({"added", "role", "disabled", "enabled", "password", "revoked"})
AUDIT_SHOWN = 50


def _page(request: Request, me: User, *, status_code: int = 200, **context: Any) -> Response:
    with auth_config(request).ws.engine.connect() as conn:
        values: dict[str, Any] = {
            "me": me,
            "roles": ROLES,
            "users": store.list_users(conn),
            "tokens": store.list_tokens(conn),
            "audit_entries": store.list_audit(conn, AUDIT_SHOWN),
            "done": None,
            "error": None,
            "new_token": None,
            "form": {},
        }
    values.update(context)
    response = render_page(request, "users.html", values, status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def _back(done: str) -> Response:
    return RedirectResponse(f"/users?done={done}", status_code=303)


def _refused(request: Request, me: User, exc: GaungError, **context: Any) -> Response:
    return _page(request, me, status_code=400, error=str(exc), **context)


@router.get("/users", include_in_schema=False)
def users_page(request: Request, done: str = "", me: User = Depends(admin_only)) -> Response:
    """The users, their roles and tokens, and the latest audit entries."""
    return _page(request, me, done=done if done in DONE_CODES else None)


@router.post("/users", include_in_schema=False)
def add_user(
    request: Request,
    name: str = Form(..., max_length=100),
    role: str = Form(..., max_length=10),
    password: str = Form(..., max_length=store.MAX_PASSWORD_LENGTH),
    me: User = Depends(admin_only),
) -> Response:
    """Create an account with a first password (the admin hands it over in person)."""
    try:
        with transaction(auth_config(request).ws.engine) as conn:
            user_id = store.add_user(conn, name, password, role)
            audit(conn, me, "user.add", store.get_user_row(conn, user_id)["name"], {"role": role})
    except GaungError as exc:
        return _refused(request, me, exc, form={"name": name, "role": role})
    return _back("added")


@router.post("/users/{user_id}/role", include_in_schema=False)
def change_role(
    request: Request, user_id: int, role: str = Form(..., max_length=10), me: User = Depends(admin_only)
) -> Response:
    """Give a user another role; it applies from their next click (roles are read on every request)."""
    try:
        with transaction(auth_config(request).ws.engine) as conn:
            before = store.set_role(conn, user_id, role)
            audit(conn, me, "user.role", before["name"], {"from": before["role"], "to": role})
    except GaungError as exc:
        return _refused(request, me, exc)
    return _back("role")


@router.post("/users/{user_id}/disable", include_in_schema=False)
def disable_user(request: Request, user_id: int, me: User = Depends(admin_only)) -> Response:
    """Disable an account: its sessions end and its API tokens stop working at once."""
    return _set_disabled(request, user_id, me, True)


@router.post("/users/{user_id}/enable", include_in_schema=False)
def enable_user(request: Request, user_id: int, me: User = Depends(admin_only)) -> Response:
    """Re-enable a disabled account."""
    return _set_disabled(request, user_id, me, False)


def _set_disabled(request: Request, user_id: int, me: User, disabled: bool) -> Response:
    try:
        with transaction(auth_config(request).ws.engine) as conn:
            row = store.set_disabled(conn, user_id, disabled)
            audit(conn, me, "user.disable" if disabled else "user.enable", row["name"])
    except GaungError as exc:
        return _refused(request, me, exc)
    return _back("disabled" if disabled else "enabled")


@router.post("/users/{user_id}/password", include_in_schema=False)
def reset_password(
    request: Request,
    user_id: int,
    password: str = Form(..., max_length=store.MAX_PASSWORD_LENGTH),
    me: User = Depends(admin_only),
) -> Response:
    """Set a new password for a user (who is logged out everywhere)."""
    try:
        with transaction(auth_config(request).ws.engine) as conn:
            store.set_password(conn, user_id, password)
            audit(conn, me, "user.password", store.get_user_row(conn, user_id)["name"])
    except GaungError as exc:
        return _refused(request, me, exc)
    return _back("password")


@router.post("/users/{user_id}/tokens", include_in_schema=False)
def create_token(
    request: Request, user_id: int, label: str = Form(..., max_length=200), me: User = Depends(admin_only)
) -> Response:
    """Issue an API token and show it this once; the server keeps only its hash."""
    try:
        with transaction(auth_config(request).ws.engine) as conn:
            token_id, token = store.create_token(conn, user_id, label)
            owner = store.get_user_row(conn, user_id)["name"]
            audit(conn, me, "token.create", owner, {"token_id": token_id, "label": label.strip()})
    except GaungError as exc:
        return _refused(request, me, exc)
    return _page(request, me, new_token={"id": token_id, "token": token, "owner": owner, "label": label})


@router.post("/users/tokens/{token_id}/revoke", include_in_schema=False)
def revoke_token(request: Request, token_id: int, me: User = Depends(admin_only)) -> Response:
    """Revoke an API token; scripts using it get 401 from their next call."""
    try:
        with transaction(auth_config(request).ws.engine) as conn:
            row = store.revoke_token(conn, token_id)
            audit(conn, me, "token.revoke", row["user_name"], {"token_id": token_id, "label": row["label"]})
    except GaungError as exc:
        return _refused(request, me, exc)
    return _back("revoked")
