"""Plain helpers shared by the web tests (fixtures live in conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from gaung.store.schema import mentions
from gaung.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'
PASSWORD = "kata-sandi-uji-123"
ROLES = ("viewer", "analyst", "admin")


def login(client: TestClient, name: str) -> TestClient:
    """Log in through the real form (the login CSRF token comes from the page)."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text[:500]
    response = client.post(
        "/login",
        data={"username": name, "password": PASSWORD, "csrf_token": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]
    return client


def csrf(client: TestClient, path: str = "/") -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


def hostile_id(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(mentions.c.id).where(mentions.c.canonical_url.contains("contoh.example/hostile"))
            ).scalar_one()
        )
