"""Each role is refused what it may not do, on pages and on the API, and every change needs CSRF.

One table says which role each route needs; the tests walk it for anonymous visitors and for every
role. A row whose route does not exist (404/405 for an anonymous visitor, who would otherwise be sent to
log in) fails, so the matrix cannot silently drift from the app.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from test_auth import CHEAP_HASHER, PASSWORD, ROLE_USERS, client_for, login, make_app, session_csrf

from gaung.config import Settings
from gaung.store import users as store
from gaung.store.db import transaction
from gaung.store.schema import mentions
from gaung.web.auth import ROLES
from gaung.workspace import Workspace

# (method, path, the least role allowed). Ids point at rows the fixture creates where it can.
MATRIX: list[tuple[str, str, str]] = [
    ("GET", "/", "viewer"),
    ("GET", "/mentions", "viewer"),
    ("GET", "/issues", "viewer"),
    ("GET", "/alerts", "viewer"),
    ("POST", "/alerts/1/ack", "analyst"),
    ("POST", "/issues/1/rename", "analyst"),
    ("POST", "/issues/1/merge", "analyst"),
    ("GET", "/sources", "viewer"),
    ("POST", "/sources", "admin"),
    ("GET", "/users", "admin"),
    ("POST", "/users", "admin"),
    ("POST", "/users/5/role", "admin"),
    ("POST", "/users/5/disable", "admin"),
    ("POST", "/users/5/tokens", "admin"),
    ("POST", "/users/tokens/1/revoke", "admin"),
    ("GET", "/api/mentions", "viewer"),
    ("POST", "/api/mentions/1/corrections", "analyst"),
    ("GET", "/content", "viewer"),
    ("GET", "/content/what-works", "viewer"),
    ("POST", "/content/import", "staff"),
    ("POST", "/content/channels", "admin"),
    ("GET", "/api/content/posts", "viewer"),
    ("GET", "/mentions/1", "viewer"),
    ("POST", "/mentions/1/corrections", "analyst"),
    ("GET", "/mentions/export.csv", "viewer"),
    ("GET", "/settings", "viewer"),
    ("POST", "/settings", "admin"),
    ("POST", "/sources/1/edit", "admin"),
    ("POST", "/sources/1/pause", "admin"),
    ("POST", "/sources/1/resume", "admin"),
    ("POST", "/sources/1/remove", "admin"),
    ("POST", "/sources/test", "admin"),
    ("GET", "/api/overview", "viewer"),
    ("GET", "/api/search?q=banjir", "viewer"),
    ("GET", "/api/mentions/1", "viewer"),
    ("GET", "/api/issues", "viewer"),
    ("GET", "/api/alerts", "viewer"),
    ("POST", "/api/alerts/1/ack", "analyst"),
    ("GET", "/api/sources", "viewer"),
    ("GET", "/deliveries", "analyst"),
    ("POST", "/deliveries/1/retry", "analyst"),
    ("GET", "/settings/delivery", "admin"),
    ("POST", "/settings/delivery", "admin"),
    ("POST", "/settings/delivery/test", "admin"),
    ("GET", "/api/deliveries", "analyst"),
    ("POST", "/api/deliveries/1/retry", "analyst"),
    ("GET", "/assignments", "viewer"),
    ("GET", "/assignments/new", "staff"),
    ("POST", "/assignments", "staff"),
    ("POST", "/assignments/1/move", "staff"),
    ("POST", "/assignments/1/comments", "staff"),
    ("GET", "/api/assignments", "viewer"),
    ("POST", "/api/assignments", "staff"),
    ("GET", "/kinerja", "staff"),
    ("GET", "/kinerja/team.xlsx?period=2025-06", "staff"),
    ("GET", "/api/scorecards?period=2025-06", "staff"),
    ("GET", "/reports", "viewer"),
    ("POST", "/reports", "analyst"),
    ("GET", "/api/briefs", "viewer"),
    ("POST", "/api/briefs", "analyst"),
]
ROW_IDS = [f"{method} {path}" for method, path, _ in MATRIX]
REFUSED_ANONYMOUS = {303, 401, 403}  # to the login page, 401 for the API, or a CSRF refusal


@pytest.fixture(scope="module")
def roles_ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    home = tmp_path_factory.mktemp("roles")
    ws = Workspace(Settings(home=home, database_url=f"sqlite:///{home / 'gaung.db'}"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store, "HASHER", CHEAP_HASHER)
        with transaction(ws.engine) as conn:
            for role, name in ROLE_USERS.items():
                store.add_user(conn, name, PASSWORD, role)
            # the /users rows act on this account (id 5) and its token (id 1), not on the testers
            store.add_user(conn, "target-user", PASSWORD, "viewer")
            store.create_token(conn, "target-user", "to revoke")
            conn.execute(
                mentions.insert().values(
                    canonical_url="https://contoh.example/1",
                    url="https://contoh.example/1",
                    content_hash="0" * 64,
                    title="Banjir rob di pesisir",
                    text="Banjir rob melanda pesisir Jakarta Utara.",
                    site="contoh",
                    ingested_at=datetime.now(UTC).replace(tzinfo=None),
                )
            )
        yield ws
    ws.engine.dispose()


@pytest.fixture(scope="module")
def roles_app(roles_ws: Workspace) -> FastAPI:
    return make_app(roles_ws)


@pytest.fixture(scope="module")
def browsers(roles_app: FastAPI, roles_ws: Workspace) -> dict[str, tuple[TestClient, str]]:
    """A logged-in browser and its CSRF token per role."""
    out = {}
    for i, role in enumerate(ROLES):
        client = client_for(roles_app, f"10.1.0.{i + 1}")
        assert login(client, ROLE_USERS[role]).status_code == 303
        out[role] = (client, session_csrf(roles_ws, client))
    return out


@pytest.fixture(scope="module")
def api_tokens(roles_ws: Workspace) -> dict[str, str]:
    with transaction(roles_ws.engine) as conn:
        return {role: store.create_token(conn, name, "matrix")[1] for role, name in ROLE_USERS.items()}


def is_api(path: str) -> bool:
    return path.startswith("/api/")


def send(client: TestClient, method: str, path: str, csrf: str | None = None, **headers: str) -> Any:
    if method == "GET":
        return client.get(path, headers=headers)
    if is_api(path):
        return client.request(method, path, json={}, headers=headers)
    data = {"csrf_token": csrf} if csrf else {}
    return client.request(method, path, data=data, headers=headers)


def skip_unbuilt(app: FastAPI, method: str, path: str) -> None:
    """Every row names a real route: a 404/405 for an anonymous visitor means the matrix is stale."""
    status = send(client_for(app, "10.1.9.9"), method, path).status_code
    assert status not in (404, 405), f"{method} {path} does not exist; update the role matrix"


@pytest.mark.parametrize(("method", "path", "least"), MATRIX, ids=ROW_IDS)
def test_anonymous_visitors_are_sent_to_log_in(
    roles_app: FastAPI, method: str, path: str, least: str
) -> None:
    skip_unbuilt(roles_app, method, path)
    response = send(client_for(roles_app, "10.1.1.1"), method, path)
    assert response.status_code in REFUSED_ANONYMOUS
    if is_api(path):
        assert response.status_code == 401 and response.json()["error"]
    elif method == "GET":
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "least"), MATRIX, ids=ROW_IDS)
def test_each_role_gets_exactly_its_rights(
    roles_app: FastAPI,
    browsers: dict[str, tuple[TestClient, str]],
    api_tokens: dict[str, str],
    method: str,
    path: str,
    least: str,
    role: str,
) -> None:
    skip_unbuilt(roles_app, method, path)
    allowed = ROLES.index(role) >= ROLES.index(least)
    if is_api(path):
        response = send(
            client_for(roles_app, "10.1.2.1"), method, path, Authorization=f"Bearer {api_tokens[role]}"
        )
    else:
        client, csrf = browsers[role]
        response = send(client, method, path, csrf)
    if allowed:
        # it may still be a 400/404/422 for the empty form or a missing row, but never a refusal
        assert response.status_code not in (401, 403), response.text[:300]
        assert not response.headers.get("location", "").startswith("/login")
    else:
        assert response.status_code == 403, f"{role} must not {method} {path}: got {response.status_code}"
        if is_api(path):
            assert response.json()["needed_role"] == least


@pytest.mark.parametrize(
    ("method", "path", "least"),
    [row for row in MATRIX if row[0] != "GET" and not is_api(row[1])],
    ids=[rid for rid, row in zip(ROW_IDS, MATRIX, strict=True) if row[0] != "GET" and not is_api(row[1])],
)
def test_every_change_needs_the_csrf_token(
    roles_app: FastAPI, browsers: dict[str, tuple[TestClient, str]], method: str, path: str, least: str
) -> None:
    skip_unbuilt(roles_app, method, path)
    client, _ = browsers["admin"]
    response = send(client, method, path, csrf=None)
    assert response.status_code == 403, f"{method} {path} accepted a request without a CSRF token"
