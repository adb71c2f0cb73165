"""`gaung demo`: a working Monitoring Center from bundled real Indonesian news, offline, in minutes.

Loads gaung/data/demo (IndoSum dev, the scraped 2025 corpus, three publisher RSS files; see SOURCES.md
there) into `$GAUNG_HOME` (default ./var) with a demo organisation whose watchlist matches that corpus.
Loading twice stores nothing twice.
"""

from __future__ import annotations

import gzip
import json
import os
import secrets
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console

from gaung.brief.demo import make_demo_brief
from gaung.config import settings_from_toml
from gaung.ingest import feeds
from gaung.ingest.pipeline import RunSummary
from gaung.models import Article, ItemProblem
from gaung.store.db import transaction
from gaung.workspace import Workspace

DEMO_DIR = Path(__file__).parent / "data" / "demo"
REPLAY_DAYS = 7
ARCHIVES = (
    "scrapping_news_2025-06-18.csv.gz",
    "scrapping_news_2025-06-19.csv.gz",
    "scrapping_news_2025-06-20.csv.gz",
    "berita_kompas.csv.gz",
)
# IndoSum (2017) adds depth for search; its headline-news section is what a government office monitors.
# The whole bundled file is ~3,500 articles, and analysing every article costs ~35 ms of two cores, so the
# demo takes the newest INDOSUM_ARTICLES headline stories to stay within a few minutes.
INDOSUM_FILE = "indosum_dev.jsonl.gz"
INDOSUM_CATEGORIES = {"tajuk utama"}
INDOSUM_ARTICLES = 800


def demo_workspace() -> Workspace:
    settings = settings_from_toml(DEMO_DIR / "gaung.toml")
    settings.home = Path(os.environ.get("GAUNG_HOME", "var"))
    keep_demo_settings(settings.home)
    return Workspace(settings)


def keep_demo_settings(home: Path) -> None:
    """Leave the demo organisation's gaung.toml (and its logo) in the data folder, unless one is there.

    Later commands over the same folder (`gaung brief`, `gaung scorecards`, `gaung serve`) then speak for
    the demo organisation with its watchlist, alert rules and logo instead of the bare defaults.
    """
    home.mkdir(parents=True, exist_ok=True)
    if (home / "gaung.toml").exists():
        return
    for name in ("logo.svg", "gaung.toml"):  # the config last: it names the logo
        shutil.copyfile(DEMO_DIR / name, home / name)


def indosum_selection(ws: Workspace) -> Path:
    """The newest headline-news IndoSum articles, written once into the data folder for import."""
    target = ws.settings.home / f"demo-indosum-{INDOSUM_ARTICLES}.jsonl"
    if not target.exists():
        with gzip.open(DEMO_DIR / INDOSUM_FILE, "rt", encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
        chosen = sorted(
            (row for row in rows if row.get("category") in INDOSUM_CATEGORIES),
            key=lambda row: row.get("published_at") or "",
            reverse=True,
        )[:INDOSUM_ARTICLES]
        ws.settings.home.mkdir(parents=True, exist_ok=True)
        target.write_text(
            "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in chosen), encoding="utf-8"
        )
    return target


def load_rss(ws: Workspace, path: Path) -> RunSummary:
    """Store a saved feed's items (title + summary) as mentions: what a feed-only source gives."""
    summary = RunSummary()
    parsed = feeds.parse_feed(path.read_bytes(), path.as_uri())
    summary.problems.extend(ItemProblem(path.name, problem) for problem in parsed.problems)
    with transaction(ws.engine) as conn:
        for entry in parsed.entries:
            summary.fetched += 1
            text = entry.summary or entry.title or ""
            if not text.strip():
                summary.fail(entry.url, "feed item has no text")
                continue
            article = Article(
                url=entry.url,
                title=entry.title,
                text=text,
                published_at=entry.published_at,
                author=entry.author,
                site=path.stem.split("_")[0],
                extractor_version="feed-1",
            )
            with conn.begin_nested():
                summary.count(ws.pipeline.store_article(conn, article))
    return summary


def load_demo(
    *, progress_factory: Callable[[], Any] | None = None, console: Console | None = None
) -> Workspace:
    """Load every bundled file; returns the ready workspace."""
    console = console or Console(stderr=True)
    ws = demo_workspace()
    total = RunSummary()
    console.print(f"Memuat data contoh / loading the demo archive into {ws.settings.home.resolve()} ...")
    paths = [DEMO_DIR / name for name in ARCHIVES] + [indosum_selection(ws)]
    if progress_factory is not None:
        with progress_factory() as progress:
            for path in paths:
                task = progress.add_task(path.name, total=None)
                total.merge(ws.import_path(path, progress=lambda n, t=task: progress.advance(t, n)))
                progress.update(task, total=progress.tasks[task].completed)
    else:
        for path in paths:
            total.merge(ws.import_path(path))
    for rss in sorted((DEMO_DIR / "rss").glob("*.xml")):
        total.merge(load_rss(ws, rss))
    console.print(
        f"fetched {total.fetched}, new {total.new}, syndicated copies {total.syndicated}, "
        f"duplicates {total.duplicates}, skipped {total.failed}"
    )
    replay_demo_alerts(ws, console)
    load_demo_content(ws, console)
    ensure_demo_users(ws, console)
    load_demo_work(ws, console)
    make_demo_brief(ws, console)
    return ws


def load_demo_work(ws: Workspace, console: Console) -> None:
    """The demo team, its assignments, credits, SKP targets and reviews (gaung.kinerja.demo_data)."""
    from gaung.kinerja.demo_data import TEAM, load_demo_team

    added = load_demo_team(ws.engine, ws.settings)
    work = added["responses"] + added["stories"] + added["campaigns"] + added["manual"]
    logins = ", ".join(person.login for person in TEAM)
    console.print(f"tim / team: {added['staff']} new staff, {work} new assignments; logins {logins}")


def load_demo_content(ws: Workspace, console: Console) -> None:
    """The office's own posts: synthetic, format-exact platform exports (gaung/data/content_samples)."""
    from gaung.content.samples import load_content_samples

    reports = load_content_samples(ws.engine)
    new = sum(r.posts_new for r in reports)
    console.print(f"konten / content: {len(reports)} sample exports imported, {new} new posts")


DEMO_USERS = (("admin", "admin"), ("analis", "analyst"), ("pembaca", "viewer"))


def ensure_demo_users(ws: Workspace, console: Console) -> dict[str, str]:
    """Demo logins with a password generated once per data folder (kept in demo-login.txt, mode 0600)."""
    from gaung.store.users import UserError, add_user, get_user_row, set_password

    path = ws.settings.home / "demo-login.txt"
    fresh = not path.exists()
    if fresh:
        path.write_text(f"password {secrets.token_urlsafe(9)}\n", encoding="utf-8")
        path.chmod(0o600)
    password = path.read_text(encoding="utf-8").split()[-1]
    with transaction(ws.engine) as conn:
        for name, role in DEMO_USERS:
            try:
                get_user_row(conn, name)
            except UserError:
                add_user(conn, name, password, role)
            else:
                if fresh:  # the file was lost: give the existing demo users the newly printed password
                    set_password(conn, name, password)
    names = ", ".join(f"{name} ({role})" for name, role in DEMO_USERS)
    console.print(f"Masuk / log in: {names} — kata sandi / password: [bold]{password}[/bold]")
    return {name: password for name, _ in DEMO_USERS}


def replay_demo_alerts(ws: Workspace, console: Console) -> None:
    """Run the alert rules hour by hour over the archive's last week, as the monitor would have."""
    from gaung.store.monitoring import latest_mention_time, replay_alerts

    with ws.engine.connect() as conn:
        latest = latest_mention_time(conn)
    if latest is None:
        return
    fired = replay_alerts(ws.engine, ws.settings.alert_rules(), latest - timedelta(days=REPLAY_DAYS), latest)
    console.print(
        f"peringatan / alerts replayed over the last {REPLAY_DAYS} days of the archive: {fired} new"
    )
