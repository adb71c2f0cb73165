"""Browser tests: the Monitoring Center served by uvicorn, driven by the system Chromium via Playwright.

- `archive`: a small real archive in a temporary GAUNG_HOME — the scraped-2025 sample imported
  through `Workspace`, one hostile article (script/onerror payloads stored verbatim in title and text),
  a user of every role and one open alert.
- `server`: the app on 127.0.0.1 and a free port, uvicorn in a background thread, for the session.
- `browser`: one headless Chromium (Debian's `/usr/bin/chromium`, installed by `make browser`; the
  browser Playwright would download is never used). Every test gets a fresh context (`page`).

Without Chromium the tests skip with the reason, except under CI=true, where they fail.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from gaung.config import settings_from_toml
from gaung.demo import DEMO_DIR
from gaung.store.db import transaction
from gaung.store.schema import alerts, mentions
from gaung.store.users import ROLES, add_user
from gaung.web.app import create_app
from gaung.workspace import Workspace

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
FIXTURES = Path(__file__).parent.parent / "fixtures"
PASSWORD = "kata-sandi-browser-123"
HOSTILE_URL = "https://contoh.example/berita/banjir-rob-hostile"
# What a hostile page could smuggle into a stored title or text. `window.__xss` is what the
# tests look for besides dialogs: any of these running would set it or open an alert box.
HOSTILE_TITLE = "Banjir rob Muara Angke <script>alert(1)</script><img src=x onerror=alert(1)>"
HOSTILE_TEXT = (
    "Banjir rob melanda pesisir Jakarta Utara sejak pagi. <script>alert(1)</script>"
    "<script>window.__xss = 'script'</script>\n"
    "Warga mengungsi ke masjid terdekat. <img src=x onerror=alert(1)>"
    "<img src=x onerror=\"window.__xss = 'img'\"><svg onload=\"window.__xss = 'svg'\"></svg>"
)
ALERT_RULE = "lonjakan-browser"
ALERT_REASON_ID = "Pemberitaan 'pemprov-dki' melonjak: 9 dalam 6 jam (uji peramban)"
ALERT_REASON_EN = "Mentions of 'pemprov-dki' spiked: 9 in 6 hours (browser test)"


def unavailable(reason: str) -> None:
    """Skip with `reason`, or fail under CI=true, where the browser tests are mandatory."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true makes the browser tests mandatory: run `make browser`)")
    pytest.skip(reason)


@dataclass
class Archive:
    """The served workspace and the ids the tests need."""

    ws: Workspace
    hostile_id: int
    alert_id: int
    users: dict[str, str] = field(default_factory=dict)  # role -> user name
    password: str = PASSWORD  # every user's
    alert_rule: str = ALERT_RULE
    alert_reason_id: str = ALERT_REASON_ID
    alert_reason_en: str = ALERT_REASON_EN
    hostile_title: str = HOSTILE_TITLE
    hostile_text: str = HOSTILE_TEXT

    def mention_tone(self, mention_id: int) -> str | None:
        with self.ws.engine.connect() as conn:
            return conn.execute(sa.select(mentions.c.tone).where(mentions.c.id == mention_id)).scalar_one()


@pytest.fixture(scope="session")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """The scraped-2025 sample, one hostile article, a user per role and one open alert."""
    root = tmp_path_factory.mktemp("browser")
    settings = settings_from_toml(DEMO_DIR / "gaung.toml")  # the demo watchlist and alert rules
    settings.home = root / "home"
    settings.database_url = f"sqlite:///{root / 'gaung.db'}"
    settings.config_path = root / "gaung.toml"
    settings.config_path.write_text((DEMO_DIR / "gaung.toml").read_text(encoding="utf-8"), encoding="utf-8")
    ws = Workspace(settings)
    ws.import_path(FIXTURES / "archive" / "scraped_2025_sample.csv")
    hostile = root / "hostile.jsonl"
    record = {
        "url": HOSTILE_URL,
        "title": HOSTILE_TITLE,
        "source": "contoh.example",
        "text": HOSTILE_TEXT,
        "date": "2025-06-18 10:00",
    }
    hostile.write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert ws.import_path(hostile).new == 1
    users = {role: f"uji-{role}" for role in ROLES}
    with transaction(ws.engine) as conn:
        # extraction strips markup, but the pages must not rely on that: store the payload verbatim
        hostile_id = conn.execute(
            sa.select(mentions.c.id).where(mentions.c.canonical_url.contains("banjir-rob-hostile"))
        ).scalar_one()
        conn.execute(
            sa.update(mentions)
            .where(mentions.c.id == hostile_id)
            .values(title=HOSTILE_TITLE, text=HOSTILE_TEXT)
        )
        for role, name in users.items():
            add_user(conn, name, PASSWORD, role)
        end = datetime(2025, 6, 18, 12, 0)
        alert_id = conn.execute(
            alerts.insert().values(
                rule=ALERT_RULE,
                kind="volume",
                target="pemprov-dki",
                fired_at=end,
                window_start=end - timedelta(hours=6),
                window_end=end,
                observed=9,
                expected=2.0,
                p_value=0.001,
                reason_id=ALERT_REASON_ID,
                reason_en=ALERT_REASON_EN,
                status="open",
            )
        ).inserted_primary_key[0]
        # a second open alert that no test acknowledges, so "viewers see alerts" holds in any test order
        conn.execute(
            alerts.insert().values(
                rule="kedua-negatif",
                kind="negative_share",
                target=None,
                fired_at=end,
                window_start=end - timedelta(hours=6),
                window_end=end,
                observed=7,
                expected=1.5,
                p_value=0.0005,
                reason_id=ALERT_REASON_ID,
                reason_en=ALERT_REASON_EN,
                status="open",
            )
        )
    yield Archive(ws=ws, hostile_id=int(hostile_id), alert_id=int(alert_id), users=users)
    ws.engine.dispose()


@pytest.fixture(scope="session")
def server(archive: Archive) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 (a free port) in a background thread; yields its URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))  # the OS picks a free port; handing uvicorn the socket avoids a race
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        create_app(archive.ws), log_level="warning", lifespan="off", ws="none", access_log=False
    )
    served = uvicorn.Server(config)
    thread = threading.Thread(
        target=served.run, kwargs={"sockets": [sock]}, name="gaung-uvicorn", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not served.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("uvicorn did not start serving the Monitoring Center")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    served.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")  # module: sync Playwright keeps an event loop running while open
def browser() -> Iterator[object]:
    """One headless Chromium per module (the system's, never a downloaded one)."""
    if not CHROMIUM.exists():
        unavailable(f"{CHROMIUM} is missing: run `make browser` (apt-get install chromium)")
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
        except PlaywrightError as exc:
            unavailable(f"{CHROMIUM} does not start: {exc.message.splitlines()[0]}")
        yield chromium
        chromium.close()


@dataclass
class Watched:
    """What a page did that a test wants to know about: dialogs opened, uncaught script errors."""

    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@pytest.fixture
def watched() -> Watched:
    return Watched()


def _new_page(browser: object, server: str, watched: Watched) -> tuple[object, object]:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    context = browser.new_context(base_url=server, locale="id-ID", accept_downloads=True)
    context.set_default_timeout(10_000)
    new_page = context.new_page()

    def on_dialog(dialog: object) -> None:
        watched.dialogs.append(f"{dialog.type}: {dialog.message}")  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    new_page.on("dialog", on_dialog)
    new_page.on("pageerror", lambda error: watched.page_errors.append(str(error)))
    return context, new_page


@pytest.fixture
def page(browser: object, server: str, watched: Watched) -> Iterator[object]:
    """A page in a fresh browser context (no cookies), in Indonesian like the office's browsers."""
    context, new_page = _new_page(browser, server, watched)
    yield new_page
    context.close()  # type: ignore[attr-defined]


@pytest.fixture
def other_page(browser: object, server: str, watched: Watched) -> Iterator[Callable[[], object]]:
    """Pages in further fresh contexts (a second person at another desk), closed after the test."""
    contexts: list[object] = []

    def make() -> object:
        context, new_page = _new_page(browser, server, watched)
        contexts.append(context)
        return new_page

    yield make
    for context in contexts:
        context.close()  # type: ignore[attr-defined]


@pytest.fixture
def login(page: object, archive: Archive) -> Callable[..., object]:
    """Log a page (the test's own by default) in through the real form as the user of `role`."""
    from playwright.sync_api import Page, expect

    def do_login(role: str, on: object = None) -> Page:
        target = on if on is not None else page
        assert isinstance(target, Page)
        target.goto("/login")
        target.get_by_label(re.compile("Nama pengguna|User name")).fill(archive.users[role])
        target.get_by_label(re.compile("Kata sandi|Password")).fill(PASSWORD)
        target.locator("form.login-form button[type=submit]").click()
        expect(target.get_by_test_id("current-user")).to_contain_text(archive.users[role])
        return target

    return do_login
