"""Users and security: login/logout, sessions and their expiry, CSRF, rate limits, API tokens, the CLI.

The app under test is the real `create_app`; passwords are hashed with cheap argon2 parameters (the
real ones cost ~50 ms each), which also lets one test check that outdated hashes are upgraded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from jinja2 import ChoiceLoader, DictLoader
from sqlalchemy import select, update
from typer.testing import CliRunner

from gaung.config import Settings
from gaung.store import users as store
from gaung.store.db import transaction
from gaung.store.schema import api_tokens, audit_log, sessions
from gaung.web import auth
from gaung.web.app import create_app
from gaung.workspace import Workspace

PASSWORD = "rahasia-kantor-1"
ROLE_USERS = {role: f"{role}-user" for role in auth.ROLES}
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
TEMPLATE_DIR = Path(auth.__file__).parent / "templates"
# Stand-ins used only while the shared base/error templates are not in the tree yet.
STUB_TEMPLATES = {
    "base.html": "<!doctype html><title>{% block title %}{% endblock %}</title>"
    "<main>{% block content %}{% endblock %}</main>",
    "error.html": "{% extends 'base.html' %}{% block content %}<h1>{{ status }}</h1>"
    "<p>{{ message }}</p>{% endblock %}",
}


def make_app(ws: Workspace, **install: Any) -> FastAPI:
    """The real app, plus one tiny /api route so the API refusals can be tested before the API exists."""
    from gaung.web import templating

    missing = {name: body for name, body in STUB_TEMPLATES.items() if not (TEMPLATE_DIR / name).exists()}
    loader = templating.templates.env.loader
    if missing and loader is not None and not isinstance(loader, ChoiceLoader):
        templating.templates.env.loader = ChoiceLoader([loader, DictLoader(missing)])
    app = create_app(ws)
    if install:
        auth.install(app, ws, **install)

    @app.get("/api/test-whoami")
    def whoami(user: auth.User = Depends(auth.require("viewer"))) -> dict[str, str]:
        return {"name": user.name, "role": user.role}

    return app


@pytest.fixture(scope="module")
def cheap_hashing() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store, "HASHER", CHEAP_HASHER)
        store._dummy_hash.cache_clear()
        yield
    store._dummy_hash.cache_clear()


@pytest.fixture(scope="module")
def auth_ws(tmp_path_factory: pytest.TempPathFactory, cheap_hashing: None) -> Iterator[Workspace]:
    """One database with a user of every role; tests that need a clean slate make their own."""
    home = tmp_path_factory.mktemp("auth")
    ws = Workspace(Settings(home=home, database_url=f"sqlite:///{home / 'gaung.db'}"))
    with transaction(ws.engine) as conn:
        for role, name in ROLE_USERS.items():
            store.add_user(conn, name, PASSWORD, role)
    yield ws
    ws.engine.dispose()


@pytest.fixture(scope="module")
def app(auth_ws: Workspace) -> FastAPI:
    return make_app(auth_ws)


def client_for(app: FastAPI, ip: str = "10.0.0.1", **kwargs: Any) -> TestClient:
    """A browser from address `ip` that does not follow redirects (tests look at them)."""
    return TestClient(app, client=(ip, 50000), follow_redirects=False, **kwargs)


def anon_csrf(client: TestClient) -> str:
    page = client.get("/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text
    return match.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD, next_path: str = "/") -> Any:
    token = anon_csrf(client)
    return client.post(
        "/login", data={"username": name, "password": password, "csrf_token": token, "next": next_path}
    )


def session_csrf(ws: Workspace, client: TestClient) -> str:
    """The CSRF token of the client's session (what every page's forms carry)."""
    with transaction(ws.engine) as conn:
        info = store.load_session(conn, client.cookies[auth.SESSION_COOKIE])
    assert info is not None
    return info.csrf_token


def logged_in(app: FastAPI, ws: Workspace, role: str, ip: str = "10.0.0.2") -> tuple[TestClient, str]:
    client = client_for(app, ip)
    assert login(client, ROLE_USERS[role]).status_code == 303
    return client, session_csrf(ws, client)


# -- login and logout -----------------------------------------------------------------------------
def test_login_sets_a_safe_cookie_and_logout_ends_the_session(app: FastAPI, auth_ws: Workspace) -> None:
    client = client_for(app)
    page = client.get("/login")
    assert page.status_code == 200 and 'name="csrf_token"' in page.text
    response = login(client, "ADMIN-user", next_path="/users")  # names ignore case
    assert response.status_code == 303 and response.headers["location"] == "/users"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{auth.SESSION_COOKIE}=")
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower()
    assert "secure" not in cookie.lower()  # plain http: a Secure cookie would never come back
    assert "max-age" not in cookie.lower()  # a browser-session cookie
    users_page = client.get("/users")
    assert users_page.status_code == 200 and "viewer-user" in users_page.text
    assert users_page.headers["cache-control"] == "no-store"
    assert users_page.headers["x-frame-options"] == "DENY"
    with auth_ws.engine.connect() as conn:
        assert "login" in {r["action"] for r in store.list_audit(conn)}
    old_cookie = client.cookies[auth.SESSION_COOKIE]
    out = client.post("/logout", data={"csrf_token": session_csrf(auth_ws, client)})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    with auth_ws.engine.connect() as conn:
        hashes = set(conn.execute(select(sessions.c.id_hash)).scalars())
    assert store.sha256_hex(old_cookie) not in hashes  # ended on the server, not just in the browser
    replay = client_for(app, cookies={auth.SESSION_COOKIE: old_cookie}).get("/users")
    assert replay.status_code == 303 and replay.headers["location"].startswith("/login?next=%2Fusers")


def test_wrong_password_and_unknown_user_are_refused_alike(app: FastAPI, auth_ws: Workspace) -> None:
    client = client_for(app, "10.0.1.1")
    wrong = login(client, "analyst-user", "not-the-password")
    unknown = login(client, "nobody-here", "not-the-password")
    for response in (wrong, unknown):
        assert response.status_code == 401 and 'data-testid="login-error"' in response.text
        assert auth.SESSION_COOKIE not in response.headers.get("set-cookie", "")
    with auth_ws.engine.connect() as conn:
        failed = store.list_audit(conn, action="login.failed")
    assert {"analyst-user", "nobody-here"} <= {r["target"] for r in failed}


def test_cookie_is_secure_under_tls_and_behind_a_trusted_proxy_only(auth_ws: Workspace) -> None:
    https = client_for(make_app(auth_ws), "10.0.2.1", base_url="https://gaung.example")
    assert "secure" in login(https, "viewer-user").headers["set-cookie"].lower()
    forwarded = {"X-Forwarded-Proto": "https"}
    untrusted = client_for(make_app(auth_ws, trust_proxy=False), "10.0.2.2", headers=forwarded)
    assert "secure" not in login(untrusted, "viewer-user").headers["set-cookie"].lower()
    trusted = client_for(make_app(auth_ws, trust_proxy=True), "10.0.2.3", headers=forwarded)
    assert "secure" in login(trusted, "viewer-user").headers["set-cookie"].lower()


def test_next_never_leaves_the_site(app: FastAPI) -> None:
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        response = login(client_for(app, "10.0.3.1"), "viewer-user", next_path=evil)
        assert response.status_code == 303 and response.headers["location"] == "/"


# -- rate limits ----------------------------------------------------------------------------------
def test_five_failures_lock_the_name_for_a_while(app: FastAPI, auth_ws: Workspace) -> None:
    client = client_for(app, "10.0.4.1")
    for _ in range(store.LOGIN_FAILURES_PER_USER):
        assert login(client, "staff-user", "salah-sandi").status_code == 401
    blocked = login(client, "staff-user")  # even the right password waits
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= store.LOGIN_WINDOW.total_seconds() + 1
    assert 'data-testid="login-error"' in blocked.text
    assert login(client_for(app, "10.0.4.2"), "staff-user").status_code == 429  # from anywhere
    assert login(client, "analyst-user").status_code == 303  # other names from this address still work
    with transaction(auth_ws.engine) as conn:  # the window passes
        later = store.utcnow() + store.LOGIN_WINDOW + timedelta(seconds=5)
        assert store.login_retry_after(conn, "staff-user", "10.0.4.1", now=later) == 0


def test_many_failures_from_one_address_lock_the_address(app: FastAPI) -> None:
    client = client_for(app, "10.0.5.1")
    for i in range(store.LOGIN_FAILURES_PER_IP):
        assert login(client, f"guess-{i}", "salah-sandi").status_code == 401
    assert login(client, "viewer-user").status_code == 429
    assert login(client_for(app, "10.0.5.2"), "viewer-user").status_code == 303


# -- sessions -------------------------------------------------------------------------------------
@pytest.mark.parametrize("column", ["last_seen_at", "expires_at"])
def test_expired_session_sends_back_to_login_with_a_reason(
    app: FastAPI, auth_ws: Workspace, column: str
) -> None:
    client, _ = logged_in(app, auth_ws, "admin", "10.0.6.1")
    id_hash = store.sha256_hex(client.cookies[auth.SESSION_COOKIE])
    past = store.utcnow() - store.SESSION_IDLE - timedelta(minutes=1)
    with transaction(auth_ws.engine) as conn:
        conn.execute(update(sessions).where(sessions.c.id_hash == id_hash).values({column: past}))
    response = client.get("/users?done=added")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fusers%3Fdone%3Dadded&expired=1"
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and 'data-testid="session-expired"' in page.text
    api = client_for(app, cookies={auth.SESSION_COOKIE: "x" * 43}).get("/api/test-whoami")
    assert api.status_code == 401 and "expired" in api.json()["error"]


def test_a_form_posted_after_expiry_says_so_and_returns_to_its_page(app: FastAPI, auth_ws: Workspace) -> None:
    client, token = logged_in(app, auth_ws, "admin", "10.0.6.9")
    with transaction(auth_ws.engine) as conn:
        conn.execute(update(sessions).values(expires_at=store.utcnow() - timedelta(seconds=1)))
    response = client.post(
        "/users", data={"csrf_token": token}, headers={"Referer": "http://testserver/users?done=role"}
    )
    assert response.status_code == 303  # "session expired", not "bad security token"
    assert response.headers["location"] == "/login?next=%2Fusers%3Fdone%3Drole&expired=1"


def test_htmx_requests_are_sent_to_login_by_header(app: FastAPI) -> None:
    response = client_for(app).get(
        "/users", headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/users?done=role"}
    )
    assert response.status_code == 401
    assert response.headers["hx-redirect"] == "/login?next=%2Fusers%3Fdone%3Drole"


def test_disabling_a_user_ends_their_sessions(app: FastAPI, auth_ws: Workspace) -> None:
    with transaction(auth_ws.engine) as conn:
        store.add_user(conn, "temp-admin", PASSWORD, "admin")
    client = client_for(app, "10.0.7.1")
    assert login(client, "temp-admin").status_code == 303
    assert client.get("/users").status_code == 200
    admin, token = logged_in(app, auth_ws, "admin", "10.0.7.2")
    with auth_ws.engine.connect() as conn:
        temp_id = store.get_user_row(conn, "temp-admin")["id"]
    assert admin.post(f"/users/{temp_id}/disable", data={"csrf_token": token}).status_code == 303
    assert client.get("/users").status_code == 303


# -- CSRF -----------------------------------------------------------------------------------------
def test_state_changes_without_the_right_csrf_token_are_refused(app: FastAPI, auth_ws: Workspace) -> None:
    admin, token = logged_in(app, auth_ws, "admin", "10.0.8.1")
    form = {"name": "csrf-victim", "role": "admin", "password": PASSWORD}
    missing = admin.post("/users", data=form)
    wrong = admin.post("/users", data={**form, "csrf_token": "A" * 43})
    for response in (missing, wrong):  # Indonesian unless the user chose English
        assert response.status_code == 403 and "token keamanan formulir" in response.text
    admin.cookies.set(auth.LANG_COOKIE, "en")
    english = admin.post("/users", data=form)
    assert english.status_code == 403 and "security token" in english.text
    _, other_token = logged_in(app, auth_ws, "admin", "10.0.8.2")
    assert admin.post("/users", data={**form, "csrf_token": other_token}).status_code == 403
    with auth_ws.engine.connect() as conn:
        assert "csrf-victim" not in {u["name"] for u in store.list_users(conn)}
    assert admin.post("/users", data=form, headers={"X-CSRF-Token": token}).status_code == 303
    api = admin.post("/users", data=form, headers={"Accept": "application/json"})
    assert api.status_code == 403 and "security token" in api.json()["error"]


def test_login_form_needs_the_token_bound_to_this_browser(app: FastAPI) -> None:
    victim = client_for(app, "10.0.9.1")
    attacker_token = anon_csrf(client_for(app, "10.0.9.2"))
    form = {"username": "viewer-user", "password": PASSWORD}
    assert victim.post("/login", data=form).status_code == 403
    assert victim.post("/login", data={**form, "csrf_token": attacker_token}).status_code == 403


def test_oversized_form_posts_are_refused_with_413(app: FastAPI) -> None:
    client = client_for(app, "10.0.10.1")
    body = {"username": "x", "password": "y" * (auth.MAX_BODY_BYTES + 10)}
    response = client.post("/login", data=body)
    assert response.status_code == 413
    api = client.post("/api/test-whoami", content=b"{" + b" " * auth.MAX_BODY_BYTES + b"}")
    assert api.status_code == 413 and "larger than" in api.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the limit is counted while reading
        yield b"username=x&password="
        for _ in range(20):
            yield b"y" * 100_000

    chunked = client.post(
        "/login", content=chunks(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert chunked.status_code == 413


def test_language_switch_is_remembered_in_a_cookie(app: FastAPI) -> None:
    client = client_for(app, "10.0.11.1")
    response = client.post("/lang", data={"lang": "en", "next": "/login", "csrf_token": anon_csrf(client)})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    assert client.cookies.get(auth.LANG_COOKIE) == "en"
    assert client.post("/lang", data={"lang": "en"}).status_code == 403  # no token, no change


# -- roles and the users page ---------------------------------------------------------------------
def test_role_changes_apply_at_once_and_the_last_admin_stays(app: FastAPI, auth_ws: Workspace) -> None:
    with transaction(auth_ws.engine) as conn:
        store.add_user(conn, "soon-analyst", PASSWORD, "admin")
        user_id = store.get_user_row(conn, "soon-analyst")["id"]
    client, token = logged_in(app, auth_ws, "admin", "10.0.12.1")
    promoted = client_for(app, "10.0.12.2")
    assert login(promoted, "soon-analyst").status_code == 303
    assert promoted.get("/users").status_code == 200
    assert (
        client.post(f"/users/{user_id}/role", data={"role": "analyst", "csrf_token": token}).status_code
        == 303
    )
    assert promoted.get("/users").status_code == 403
    with transaction(auth_ws.engine) as conn:
        with pytest.raises(store.UserError, match="last active admin"):
            for row in store.list_users(conn):
                if row["role"] == "admin":
                    store.set_role(conn, row["id"], "viewer")
        conn.rollback()


def test_users_page_adds_a_user_with_escaped_output(app: FastAPI, auth_ws: Workspace) -> None:
    client, token = logged_in(app, auth_ws, "admin", "10.0.13.1")
    bad = client.post(
        "/users", data={"name": "<script>x", "role": "viewer", "password": PASSWORD, "csrf_token": token}
    )
    assert bad.status_code == 400 and "<script>x" not in bad.text and "&lt;script&gt;x" in bad.text
    short = client.post(
        "/users", data={"name": "pendek", "role": "viewer", "password": "abc", "csrf_token": token}
    )
    assert short.status_code == 400 and 'data-testid="users-error"' in short.text
    ok = client.post(
        "/users", data={"name": "Rina", "role": "analyst", "password": PASSWORD, "csrf_token": token}
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/users?done=added"
    assert login(client_for(app, "10.0.13.2"), "rina").status_code == 303
    with auth_ws.engine.connect() as conn:
        entry = store.list_audit(conn, action="user.add")[0]
    assert entry["user_name"] == "admin-user" and entry["target"] == "rina"
    assert entry["details"] == {"role": "analyst"}


# -- API tokens -----------------------------------------------------------------------------------
def test_api_tokens_authenticate_skip_csrf_and_stop_when_revoked(app: FastAPI, auth_ws: Workspace) -> None:
    admin, token = logged_in(app, auth_ws, "admin", "10.0.14.1")
    with auth_ws.engine.connect() as conn:
        analyst_id = store.get_user_row(conn, "analyst-user")["id"]
    created = admin.post(f"/users/{analyst_id}/tokens", data={"label": "skrip laporan", "csrf_token": token})
    assert created.status_code == 200 and created.headers["cache-control"] == "no-store"
    secret = re.search(r"<code>(gaung_[^<]+)</code>", created.text)
    assert secret
    bearer = {"Authorization": f"Bearer {secret.group(1)}"}
    with auth_ws.engine.connect() as conn:
        row = conn.execute(select(api_tokens).where(api_tokens.c.label == "skrip laporan")).mappings().one()
    assert row["token_hash"] == store.sha256_hex(secret.group(1)) and secret.group(1) not in str(dict(row))
    assert secret.group(1) not in admin.get("/users").text  # shown once only
    script = client_for(app, "10.0.14.2")
    assert script.get("/api/test-whoami", headers=bearer).json() == {
        "name": "analyst-user",
        "role": "analyst",
    }
    refused = script.get("/users", headers={**bearer, "Accept": "application/json"})
    assert refused.status_code == 403 and refused.json()["needed_role"] == "admin"
    with auth_ws.engine.connect() as conn:
        assert conn.execute(select(api_tokens.c.last_used_at).where(api_tokens.c.id == row["id"])).scalar()
    # a forged cookie next to a bad token does not help, and no token means 401 with a reason
    bad = script.get("/api/test-whoami", headers={"Authorization": "Bearer gaung_nope"})
    assert bad.status_code == 401 and bad.headers["www-authenticate"] == "Bearer" and bad.json()["error"]
    assert script.get("/api/test-whoami").status_code == 401
    revoke = admin.post(f"/users/tokens/{row['id']}/revoke", data={"csrf_token": token})
    assert revoke.status_code == 303
    assert script.get("/api/test-whoami", headers=bearer).status_code == 401


def test_bearer_requests_are_exempt_from_csrf(app: FastAPI, auth_ws: Workspace) -> None:
    with transaction(auth_ws.engine) as conn:
        _, secret = store.create_token(conn, "admin-user", "otomasi")
        viewer_id = store.get_user_row(conn, "viewer-user")["id"]
    script = client_for(app, "10.0.15.1")
    response = script.post(
        f"/users/{viewer_id}/role", data={"role": "viewer"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert response.status_code == 303
    with auth_ws.engine.connect() as conn:
        entry = conn.execute(select(audit_log).order_by(audit_log.c.id.desc()).limit(1)).mappings().one()
    assert entry["action"] == "user.role" and entry["user_name"] == "admin-user"


# -- passwords and the command line ---------------------------------------------------------------
def test_outdated_password_hashes_are_upgraded_at_login(tmp_path: Path) -> None:
    ws = Workspace(Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'g.db'}"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        with transaction(ws.engine) as conn:
            store.add_user(conn, "lama", PASSWORD, "viewer")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store, "HASHER", PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1))
        with transaction(ws.engine) as conn:
            assert store.authenticate(conn, "lama", PASSWORD) is not None
            new_hash = store.get_user_row(conn, "lama")["password_hash"]
        assert "m=2048,t=2" in new_hash and not store.HASHER.check_needs_rehash(new_hash)
    ws.engine.dispose()


def test_users_cli_on_a_fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gaung.web.users_cli import users_app

    monkeypatch.setenv("GAUNG_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GAUNG_DATABASE_URL", raising=False)
    monkeypatch.delenv("GAUNG_CONFIG", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(store, "HASHER", CHEAP_HASHER)
    runner = CliRunner()
    added = runner.invoke(
        users_app, ["add", "Kepala", "--role", "admin", "--password-stdin"], input=PASSWORD + "\n"
    )
    assert added.exit_code == 0, added.output
    assert "kepala" in added.output
    assert (
        runner.invoke(users_app, ["add", "x", "--role", "boss", "--password-stdin"], input=PASSWORD).exit_code
        != 0
    )
    token = runner.invoke(users_app, ["token", "create", "kepala", "--label", "cron"])
    assert token.exit_code == 0, token.output
    secret = token.stdout.strip().splitlines()[-1]
    assert secret.startswith("gaung_")
    listing = runner.invoke(users_app, ["list"])
    assert "kepala" in listing.output and "admin" in listing.output and "cron" in listing.output
    assert runner.invoke(users_app, ["set-role", "kepala", "--role", "viewer"]).exit_code != 0  # last admin
    assert runner.invoke(users_app, ["token", "revoke", "1"]).exit_code == 0
    ws = Workspace.open()
    with ws.engine.connect() as conn:
        assert store.user_for_token(conn, secret) is None
        actions = [r["action"] for r in store.list_audit(conn)]
    assert actions == ["token.revoke", "token.create", "user.add"]
    ws.engine.dispose()


def test_store_layer_on_both_databases(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """Users, sessions, tokens and rate limits behave the same on SQLite and PostgreSQL."""
    monkeypatch.setattr(store, "HASHER", CHEAP_HASHER)
    with transaction(ws.engine) as conn:
        user_id = store.add_user(conn, "Budi", PASSWORD, "analyst")
        with pytest.raises(store.UserError, match="already exists"):
            store.add_user(conn, "budi", PASSWORD, "viewer")
        user = store.authenticate(conn, "BUDI", PASSWORD)
        assert user == store.User(id=user_id, name="budi", role="analyst") and user.can("staff")
        assert not user.can("admin")
        assert store.authenticate(conn, "budi", "salah-sandi") is None
        cookie, csrf = store.create_session(conn, user, ip="10.0.0.1", user_agent="pytest")
        info = store.load_session(conn, cookie)
        assert info is not None and info.user == user and info.csrf_token == csrf
        token_id, token = store.create_token(conn, "budi", "skrip")
        assert store.user_for_token(conn, token) == user
        for _ in range(store.LOGIN_FAILURES_PER_USER):
            store.record_login_attempt(conn, "budi", "10.0.0.1", succeeded=False)
        assert store.login_retry_after(conn, "budi", "10.0.0.2") > 0
        store.record_login_attempt(conn, "budi", "10.0.0.1", succeeded=True)
        assert store.login_retry_after(conn, "budi", "10.0.0.2") == 0  # success forgives the typos
        store.set_disabled(conn, "budi", True)
        assert store.load_session(conn, cookie) is None and store.user_for_token(conn, token) is None
        store.set_disabled(conn, "budi", False)
        store.revoke_token(conn, token_id)
        assert store.user_for_token(conn, token) is None
        store.audit(conn, user, "tone.correct", "mention:1", {"to": "negative"})
        assert store.list_audit(conn, 1)[0]["details"] == {"to": "negative"}
