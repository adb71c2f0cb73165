"""The search page and JSON API: escaped output, clear errors, no 500s."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gaung.web.app import create_app
from gaung.workspace import Workspace

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture
def client(sqlite_ws: Workspace, tmp_path: Path) -> TestClient:
    rows = [
        {
            "url": "https://contoh.example/1",
            "title": f"Banjir rob {HOSTILE}",
            "source": "contoh",
            "text": f"Banjir rob melanda pesisir Jakarta Utara. {HOSTILE} Warga mengungsi ke masjid.",
            "date": "2025-06-18 10:00",
        },
        {
            "url": "https://contoh.example/2",
            "title": "Pemprov DKI buka posko",
            "source": "contoh",
            "text": "Pemprov DKI membuka posko banjir di Penjaringan untuk warga terdampak.",
            "date": "2025-06-18 12:00",
        },
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    assert sqlite_ws.import_path(path).new == 2
    return TestClient(create_app(sqlite_ws))


def test_search_page_renders_hits_escaped(client: TestClient) -> None:
    page = client.get("/", params={"q": "banjir"})
    assert page.status_code == 200
    assert "2 hasil" in page.text
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text
    assert "<mark>" in page.text.lower() or "<mark>banjir" in page.text.lower()


def test_malformed_query_is_a_message_not_a_500(client: TestClient) -> None:
    page = client.get("/", params={"q": '(banjir AND "rob'})
    assert page.status_code == 200 and "Kueri tidak valid" in page.text
    api = client.get("/api/search", params={"q": "banjir AND"})
    assert api.status_code == 400
    body = api.json()
    assert body["position"] >= 0 and body["error"]


def test_api_search_and_mention(client: TestClient) -> None:
    result = client.get("/api/search", params={"q": '"posko banjir" source:contoh'}).json()
    assert result["total"] == 1
    mention_id = result["hits"][0]["id"]
    mention = client.get(f"/api/mentions/{mention_id}").json()
    assert mention["title"] == "Pemprov DKI buka posko" and "minhash" not in mention
    assert client.get("/api/mentions/999999").status_code == 404
    assert client.get("/api/search", params={"q": "x", "limit": 0}).status_code == 422


def test_openapi_and_health(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/search" in spec["paths"] and "/api/sources" in spec["paths"]
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/api/sources").json() == []
