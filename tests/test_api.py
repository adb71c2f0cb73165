"""The JSON API under /api/: typed responses, the search contract, cursors, corrections, 400/404s."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from webhelpers import csrf, hostile_id

from gaung.workspace import Workspace

pytestmark = pytest.mark.usefixtures("clients")


def test_openapi_lists_every_api_route(viewer: TestClient) -> None:
    spec = viewer.get("/openapi.json").json()
    for path in (
        "/api/mentions",
        "/api/mentions/{mention_id}",
        "/api/mentions/{mention_id}/corrections",
        "/api/issues",
        "/api/issues/{issue_id}",
        "/api/alerts",
        "/api/alerts/{alert_id}/ack",
        "/api/sources",
        "/api/overview",
        "/api/search",
    ):
        assert path in spec["paths"], path
    assert "MentionDetail" in spec["components"]["schemas"]
    assert viewer.get("/docs").status_code == 200


def test_search_contract(viewer: TestClient) -> None:
    result = viewer.get("/api/search", params={"q": "banjir"}).json()
    assert result["total"] >= 1 and result["hits"][0]["id"]
    bad = viewer.get("/api/search", params={"q": "banjir AND"})
    assert bad.status_code == 400
    body = bad.json()
    assert body["position"] >= 0 and body["error"] and body["query"] == "banjir AND"
    assert viewer.get("/api/search", params={"q": "x", "limit": 0}).status_code == 422


def test_mentions_cursor_and_filters(viewer: TestClient) -> None:
    first = viewer.get("/api/mentions", params={"limit": 10}).json()
    assert first["total"] == 41 and len(first["items"]) == 10 and first["next_cursor"]
    ids = [item["id"] for item in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = viewer.get("/api/mentions", params={"limit": 10, "cursor": cursor}).json()
        ids += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
    assert len(ids) == len(set(ids)) == 41
    liputan = viewer.get("/api/mentions", params={"site": "liputan6.com", "q": "NOT zzzz"}).json()
    assert liputan["total"] == 15 and all(i["site"] == "liputan6.com" for i in liputan["items"])
    bad = viewer.get("/api/mentions", params={"q": '"rob'})
    assert bad.status_code == 400 and bad.json()["position"] == 0
    assert viewer.get("/api/mentions", params={"from": "kemarin"}).json()["parameter"] == "from"
    assert viewer.get("/api/mentions", params={"cursor": "xyz"}).status_code == 400


def test_mention_detail_and_404(viewer: TestClient, web_ws: Workspace) -> None:
    detail = viewer.get(f"/api/mentions/{hostile_id(web_ws)}").json()
    assert "<script>" in detail["title"]  # JSON carries the text as stored; escaping is the reader's job
    assert {"entities", "quotes", "copies", "corrections"} <= set(detail)
    assert "minhash" not in detail
    assert viewer.get("/api/mentions/999999").status_code == 404
    assert viewer.get("/api/issues/999999").status_code == 404


def test_api_corrections_need_analyst_and_csrf(
    analyst: TestClient,
    viewer: TestClient,
    web_ws: Workspace,
) -> None:
    mention_id = hostile_id(web_ws)
    url = f"/api/mentions/{mention_id}/corrections"
    assert analyst.post(url, json={"field": "tone", "value": "neutral"}).status_code == 403  # no CSRF token
    token = csrf(analyst)
    done = analyst.post(url, json={"field": "tone", "value": "neutral"}, headers={"X-CSRF-Token": token})
    assert done.status_code == 200 and done.json()["mention"]["tone"] == "neutral"
    bad = analyst.post(url, json={"field": "tone", "value": "marah"}, headers={"X-CSRF-Token": token})
    assert bad.status_code == 400 and bad.json()["error"]
    unknown = analyst.post(
        "/api/mentions/999999/corrections",
        json={"field": "tone", "value": "neutral"},
        headers={"X-CSRF-Token": token},
    )
    assert unknown.status_code == 404
    refused = viewer.post(
        url, json={"field": "tone", "value": "neutral"}, headers={"X-CSRF-Token": csrf(viewer)}
    )
    assert refused.status_code == 403


def test_overview_issues_alerts_sources(viewer: TestClient, analyst: TestClient) -> None:
    overview = viewer.get("/api/overview").json()
    assert overview["volume"] and overview["top_outlets"][0]["count"] >= 1
    assert sum(overview["totals"].values()) == 41
    issues = viewer.get("/api/issues").json()
    assert issues["total"] >= 1
    detail = viewer.get(f"/api/issues/{issues['items'][0]['id']}").json()
    assert detail["key_articles"] and detail["timeline"]
    assert isinstance(viewer.get("/api/alerts").json(), list)
    assert isinstance(viewer.get("/api/sources").json(), list)
    assert analyst.post("/api/alerts/999999/ack", headers={"X-CSRF-Token": csrf(analyst)}).status_code == 404


def test_api_needs_login(web_app: object) -> None:
    anonymous = TestClient(web_app)  # type: ignore[arg-type]
    assert anonymous.get("/api/mentions").status_code == 401
