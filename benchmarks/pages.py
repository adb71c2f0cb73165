"""Page latency on a large archive: Ringkasan and Pemberitaan through the real app, in one process.

The app is `gaung.web.app.create_app` over a workspace on the archive; a temporary admin logs in through
the real login form (CSRF token from the page), and each page is fetched with Starlette's in-process
`TestClient`. What is timed (`time.perf_counter` around the request) is server time: routing, session
and role checks, the queries, template rendering. No network, no browser.

Each page runs `repeat` times after one warm-up round (so the OS page cache holds what it reads, as on a
server that has been up for a while), round-robin across pages so load from other processes falls on
every page alike. The baseline, timed in the same rounds, is the cheapest authenticated page: `/alerts`
(session lookup, one query on the small alerts table, the same page layout). A bare id lookup on the
same database is timed too, as the floor of any query.

Ringkasan reuses its numbers while no mention or correction arrives (`reports.cached_overview`), so its
timed rounds are the cached page; `overview_uncached` times `reports.overview` itself in the same rounds,
which is what the first view after new mentions costs (plus the page around it).

The benchmark user, its sessions, login attempts and audit rows are deleted afterwards, so the cached
archive is left with the rows it had.
"""

from __future__ import annotations

import re
import secrets
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from gaung.config import Settings
from gaung.store.db import transaction
from gaung.store.reports import overview
from gaung.store.schema import audit_log, login_attempts, mentions, sessions, users
from gaung.store.users import add_user
from gaung.workspace import Workspace

TARGET_P95_MS = 300.0
BENCH_USER = "bench-pages-admin"
BASELINE_PATH = "/alerts"
_CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
_CURSOR_RE = re.compile(r"[?&;]cursor=([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class PageCase:
    """One page as a browser asks for it; `next_of` names the case whose "next page" link it follows."""

    name: str
    path: str
    next_of: str | None = None


# Filters an analyst uses every day: a word from the search box (banjir is in ~2 % of articles), a tone
# facet, a source facet, both together, and the next page of the list through the keyset cursor.
PAGES: tuple[PageCase, ...] = (
    PageCase("Ringkasan /", "/"),
    PageCase("Pemberitaan", "/mentions"),
    PageCase("  q=banjir", "/mentions?q=banjir"),
    PageCase("  tone facet", "/mentions?tone=negative"),
    PageCase("  site facet", "/mentions?site=detik.com"),
    PageCase("  q + facet", "/mentions?q=banjir&tone=negative"),
    PageCase("  page 2", "", next_of="Pemberitaan"),
    PageCase("  q page 2", "", next_of="  q=banjir"),
)


def _percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile: with few samples it reports an observed value, never an interpolation."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _summary(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(_percentile(samples, 0.95), 2),
        "max_ms": round(max(samples), 2),
    }


def _login(client: TestClient, password: str) -> None:
    page = client.get("/login")
    token = _CSRF_RE.search(page.text)
    if not token:
        raise RuntimeError(f"no CSRF token on the login page (status {page.status_code})")
    response = client.post(
        "/login",
        data={"username": BENCH_USER, "password": password, "csrf_token": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    if response.status_code != 303:
        raise RuntimeError(f"benchmark login failed with status {response.status_code}")


def _cleanup(ws: Workspace) -> None:
    with transaction(ws.engine) as conn:
        ids = [
            int(i) for i in conn.execute(sa.select(users.c.id).where(users.c.name == BENCH_USER)).scalars()
        ]
        if ids:
            conn.execute(sa.delete(sessions).where(sessions.c.user_id.in_(ids)))
        conn.execute(sa.delete(login_attempts).where(login_attempts.c.username == BENCH_USER))
        conn.execute(
            sa.delete(audit_log).where(
                sa.or_(audit_log.c.user_name == BENCH_USER, audit_log.c.target == BENCH_USER)
            )
        )
        conn.execute(sa.delete(users).where(users.c.name == BENCH_USER))


def _timed_get(client: TestClient, path: str) -> tuple[float, str]:
    began = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - began) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} returned {response.status_code}: {response.text[:300]}")
    return elapsed, response.text


def run(db_path: Path, *, repeat: int) -> dict[str, Any]:
    """Time the pages on the archive at `db_path`; per-page p50/p95, ratios to the baseline page."""
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="gaung-bench-pages-") as home:
        ws = Workspace(Settings(home=Path(home), database_url=f"sqlite:///{db_path}"))
        try:
            _cleanup(ws)  # a run that was killed may have left its user behind
            with transaction(ws.engine) as conn:
                add_user(conn, BENCH_USER, password, "admin")
                size = int(conn.execute(sa.select(sa.func.max(mentions.c.id))).scalar_one() or 0)
            result = _measure(ws, password, repeat, size)
        finally:
            _cleanup(ws)
            ws.engine.dispose()
    return result


def _measure(ws: Workspace, password: str, repeat: int, size: int) -> dict[str, Any]:
    from gaung.web.app import create_app

    times: dict[str, list[float]] = {case.name: [] for case in PAGES}
    baseline: list[float] = []
    lookups: list[float] = []
    uncached: list[float] = []
    paths = {case.name: case.path for case in PAGES}
    first_ms: dict[str, float] = {}
    with TestClient(create_app(ws)) as client:
        _login(client, password)
        for round_index in range(repeat + 1):  # round 0 warms caches and is not counted
            for case in PAGES:
                elapsed, html = _timed_get(client, paths[case.name])
                if round_index == 0:
                    first_ms[case.name] = round(elapsed, 1)
                    for later in PAGES:  # the "next page" link of this page, for the case that follows it
                        if later.next_of == case.name:
                            found = _CURSOR_RE.search(html)
                            if not found:
                                raise RuntimeError(f"no next-page cursor on {paths[case.name]}")
                            joiner = "&" if "?" in paths[case.name] else "?"
                            paths[later.name] = f"{paths[case.name]}{joiner}cursor={found.group(1)}"
                else:
                    times[case.name].append(elapsed)
                base_ms, _ = _timed_get(client, BASELINE_PATH)
                with ws.engine.connect() as conn:
                    began = time.perf_counter()
                    conn.execute(
                        sa.select(mentions.c.id, mentions.c.title, mentions.c.published_at).where(
                            mentions.c.id == (round_index * 7919 + len(case.name) * 104729) % size + 1
                        )
                    ).all()
                    lookup_ms = (time.perf_counter() - began) * 1000
                if round_index:
                    baseline.append(base_ms)
                    lookups.append(lookup_ms)
            if round_index:
                with ws.engine.connect() as conn:
                    began = time.perf_counter()
                    overview(conn)
                    uncached.append((time.perf_counter() - began) * 1000)
    base = _summary(baseline)
    per_page: dict[str, Any] = {}
    for case in PAGES:
        mine = _summary(times[case.name])
        per_page[case.name.strip()] = {
            "path": paths[case.name],
            "first_ms": first_ms[case.name],
            **mine,
            "ratio_p50_vs_baseline": round(mine["p50_ms"] / max(base["p50_ms"], 1e-6), 1),
            "ratio_p95_vs_baseline": round(mine["p95_ms"] / max(base["p95_ms"], 1e-6), 1),
            "pass": mine["p95_ms"] < TARGET_P95_MS,
        }
    return {
        "archive_rows": size,
        "repeat": repeat,
        "target_p95_ms": TARGET_P95_MS,
        "baseline_path": BASELINE_PATH,
        "baseline": base,
        "id_lookup": _summary(lookups),
        "overview_uncached": _summary(uncached),
        "per_page": per_page,
        "pages_passing": sum(1 for item in per_page.values() if item["pass"]),
        "pass": all(item["pass"] for item in per_page.values()),
    }
