"""The monitor against a local HTTP server: feeds → queue → pages → store, resumable after kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from httpserver import LocalHTTPServer
from sqlalchemy import func, select

from gaung.config import SourceConfig
from gaung.store import sources as source_store
from gaung.store.db import transaction
from gaung.store.schema import crawl_queue, mentions
from gaung.workspace import Workspace

HTML = Path(__file__).parent / "fixtures" / "id_news_html"
MANIFEST = json.loads((HTML / "manifest.json").read_text(encoding="utf-8"))
ARTICLES = [e for e in MANIFEST if e.get("page_type") == "article" and e.get("expected_text")][:8]


def rss(items: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><pubDate>Mon, 16 Jun 2025 10:00:00 +0700</pubDate></item>"
        for link, title in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Lokal</title>{body}</channel></rss>'.encode()


def serve_site(server: LocalHTTPServer, *, delay: float = 0.0) -> list[str]:
    urls = []
    for i, entry in enumerate(ARTICLES):
        path = f"/berita/{i}.html"
        server.route(path, body=(HTML / entry["file"]).read_bytes(), content_type="text/html", delay=delay)
        urls.append(server.url(path))
    server.route(
        "/rss.xml",
        body=rss([(u, f"Berita {i}") for i, u in enumerate(urls)]),
        content_type="application/rss+xml",
    )
    return urls


def count(ws: Workspace) -> int:
    with ws.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(mentions)).scalar_one())


def test_feed_poll_fetches_extracts_and_stores(ws: Workspace) -> None:
    with LocalHTTPServer() as server:
        urls = serve_site(server)
        server.route("/mati.xml", status=404)
        with transaction(ws.engine) as conn:
            source_store.add_source(conn, SourceConfig(name="lokal", kind="feed", url=server.url("/rss.xml")))
            source_store.add_source(conn, SourceConfig(name="mati", kind="feed", url=server.url("/mati.xml")))
        summary = ws.run_monitor(once=True, all_sources=True)
        assert summary.new + summary.syndicated == len(urls)
        assert any("mati" in p.where and "404" in p.reason for p in summary.problems)
        again = ws.run_monitor(once=True, all_sources=True)
        assert again.new == 0 and count(ws) == len(urls)
    with ws.engine.connect() as conn:
        rows = {r["name"]: r for r in source_store.list_sources(conn)}
        stored = conn.execute(select(mentions.c.title, mentions.c.text, mentions.c.raw_sha256)).all()
    assert rows["lokal"]["last_success_at"] is not None and rows["lokal"]["consecutive_failures"] == 0
    assert rows["mati"]["consecutive_failures"] == 2 and "404" in rows["mati"]["last_error"]
    stored_titles = [r.title or "" for r in stored]
    found = [e["title"] for e in ARTICLES if any(e["title"].lower() in t.lower() for t in stored_titles)]
    assert len(found) >= len(ARTICLES) - 1
    assert all(r.raw_sha256 for r in stored)


def test_dead_source_is_flagged(ws: Workspace) -> None:
    with LocalHTTPServer() as server:
        server.route("/mati.xml", status=500)
        ws.settings.fetch.retries = 0
        with transaction(ws.engine) as conn:
            source_store.add_source(conn, SourceConfig(name="mati", kind="feed", url=server.url("/mati.xml")))
        for _ in range(ws.settings.poll.dead_after_failures):
            ws.run_monitor(once=True, all_sources=True)
    with ws.engine.connect() as conn:
        row = source_store.list_sources(conn)[0]
    health = source_store.source_health(row, 0.0, ws.settings.poll)
    assert health.status == "dead" and "500" in health.reason


@pytest.mark.slow
def test_kill_9_mid_crawl_loses_nothing_and_doubles_nothing(tmp_path: Path) -> None:
    """Run the real CLI, kill -9 it mid-crawl, restart until done: every article stored exactly once."""
    with LocalHTTPServer() as server:
        urls = serve_site(server, delay=0.4)
        config = tmp_path / "gaung.toml"
        config.write_text(
            f'[storage]\ndatabase_url = "sqlite:///{tmp_path / "g.db"}"\n'
            "[fetch]\nallow_private = true\nper_host_delay = 0.0\nper_host_concurrency = 2\n"
            f'[[sources]]\nname = "lokal"\nkind = "feed"\nurl = "{server.url("/rss.xml")}"\n',
            encoding="utf-8",
        )
        env = {**os.environ, "GAUNG_HOME": str(tmp_path / "home")}
        cmd = [sys.executable, "-m", "gaung.cli", "--config", str(config), "run", "--once", "--all"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline and server.hits("/berita/2.html") + server.hits("/berita/3.html") == 0
        ):
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        from gaung.config import settings_from_toml

        ws = Workspace(settings_from_toml(config))
        partial = count(ws)
        assert partial < len(urls), "the kill came too late to test anything"
        for _ in range(3):
            subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=120)
        assert count(ws) == len(urls)
        with ws.engine.connect() as conn:
            states = dict(
                conn.execute(select(crawl_queue.c.state, func.count()).group_by(crawl_queue.c.state)).all()
            )
            distinct = conn.execute(select(func.count(func.distinct(mentions.c.url)))).scalar_one()
        assert states == {"done": len(urls)}
        assert distinct == len(urls)
        ws.engine.dispose()
