"""The web app over an empty workspace: it starts, serves its assets and spec, and is healthy.

Pages and the API over a real archive are tested in test_pages.py, test_api.py and test_export.py.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from gaung.web.app import create_app
from gaung.workspace import Workspace


def test_empty_workspace_app(sqlite_ws: Workspace) -> None:
    with TestClient(create_app(sqlite_ws)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        spec = client.get("/openapi.json").json()
        assert "/api/search" in spec["paths"] and "/api/mentions" in spec["paths"]
        for asset in (
            "/static/gaung.css",
            "/static/vendor/htmx-2.0.11.min.js",
            "/static/vendor/chart-4.6.1.umd.min.js",
        ):
            assert client.get(asset).status_code == 200
        assert client.get("/static/nope.js").status_code == 404
        assert client.get("/login").status_code == 200
