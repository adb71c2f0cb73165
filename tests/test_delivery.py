"""Delivery of alerts and briefs against real servers on 127.0.0.1.

Email goes to a real SMTP server (aiosmtpd): plain, STARTTLS with a self-signed certificate made here
(openssl) and login, implicit TLS, one that refuses with 550, one that defers with 451 and one that
never answers. Telegram's Bot API and webhook receivers are a local HTTP server (500s, a handler that
hangs). Time is driven by passing `now`; nothing sleeps to wait for a retry.
"""

from __future__ import annotations

import asyncio
import email
import hashlib
import hmac
import html
import json
import re
import select
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from webhelpers import PASSWORD, csrf, login

from gaung.config import settings_from_dict, settings_from_toml
from gaung.deliver import enqueue
from gaung.deliver.dispatch import (
    STALE_CLAIM,
    Dispatcher,
    DispatchSummary,
    claim_due,
    dispatch_due,
    max_send_seconds,
    recover_stale,
    stale_after,
)
from gaung.deliver.email import QUIT_TIMEOUT
from gaung.deliver.outbox import list_deliveries, status_counts, sync_recipients
from gaung.deliver.settings import RESERVED_ENV, DeliverySettings, parse_delivery
from gaung.errors import ConfigError
from gaung.ingest.pipeline import Pipeline
from gaung.ingest.scheduler import Monitor
from gaung.store.db import transaction
from gaung.store.schema import alerts, deliveries
from gaung.store.users import add_user
from gaung.web.app import create_app
from gaung.workspace import Workspace

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 08:00 WIB
HOOK = "/hooks/T0K3N-rahasia?key=T0K3N"  # a webhook path with its token, as chat services issue them
PDF = b"%PDF-1.4\n% a tiny stand-in for the daily brief\n%%EOF\n"
TOKEN = "123456:TEST-token-abcdef"
SMTP_USER, SMTP_PASSWORD = "gaung@pemkot.example.go.id", "sandi-smtp-rahasia"


# -- servers ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """An aiosmtpd handler that keeps what it accepted, or answers RCPT/DATA with a canned refusal."""

    def __init__(self, rcpt_reply: str | None = None, data_reply: str | None = None):
        self.rcpt_reply = rcpt_reply
        self.data_reply = data_reply
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[str] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_reply:
            return self.data_reply
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 queued as GAUNG1"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            SMTP_USER.encode(),
            SMTP_PASSWORD.encode(),
        )
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made with the openssl command."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class SmtpServer:
    mailbox: Mailbox
    port: int


@pytest.fixture
def start_smtp(certificate: tuple[Path, Path]) -> Iterator[Callable[..., SmtpServer]]:
    """Start aiosmtpd servers: `start_smtp(mode="plain"|"starttls"|"tls", rcpt_reply=..., data_reply=...)`."""
    running: list[Controller] = []

    def start(mode: str = "plain", **replies: str) -> SmtpServer:
        mailbox = Mailbox(**replies)
        port = free_port()
        server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_context.load_cert_chain(*certificate)
        options: dict[str, Any] = {}
        if mode == "starttls":
            options = {
                "tls_context": server_context,
                "require_starttls": True,
                "authenticator": mailbox.authenticate,
                "auth_required": True,
            }
        elif mode == "tls":
            options = {"ssl_context": server_context}
        controller = Controller(mailbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        running.append(controller)
        return SmtpServer(mailbox, port)

    yield start
    for controller in running:
        controller.stop()


@pytest.fixture
def silent_smtp() -> Iterator[int]:
    """A port that accepts connections and never says a word (a hung mail server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield int(listener.getsockname()[1])
    listener.close()


@dataclass
class Seen:
    path: str
    headers: dict[str, str]
    body: bytes
    hanging: int = 0  # requests answered "hang" whose client was still waiting when this one arrived

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class FakeService:
    """Stands in for Telegram's Bot API and webhook receivers: canned replies per path, or a hang."""

    replies: dict[str, tuple[list[Any], int]] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    base_url: str = ""
    hung: list[socket.socket] = field(default_factory=list)  # connections of "hang" requests
    hang_arrived: threading.Event = field(default_factory=threading.Event)
    wait_for_hang: bool = False  # other requests count hanging clients only after a hang arrived

    def reply(self, path: str, *answers: Any) -> None:
        """Answer the next requests to `path` with these in turn (the last repeats): (status, json),
        "hang" (never answer: the client times out) or "hold" (answer 200 once `release` is set)."""
        self.replies[path] = (list(answers), len(self.to(path)))

    def to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]


def still_connected(conn: socket.socket) -> bool:
    """Whether the client at the other end of `conn` still waits (has not closed the connection)."""
    try:
        readable, _, _ = select.select([conn], [], [], 0)
        return not readable or conn.recv(1, socket.MSG_PEEK) != b""
    except (OSError, ValueError):
        return False


@pytest.fixture
def service() -> Iterator[FakeService]:
    fake = FakeService()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                answers, before = fake.replies.get(self.path) or ([(404, {"ok": False})], 0)
                served = len(fake.to(self.path)) + 1 - before  # this request included
                answer = answers[min(served, len(answers)) - 1]
            if answer != "hang" and fake.wait_for_hang:
                fake.hang_arrived.wait(10)
            with lock:
                hanging = sum(1 for conn in fake.hung if still_connected(conn))
                fake.seen.append(Seen(self.path, dict(self.headers.items()), body, hanging))
                if answer == "hang":
                    fake.hung.append(self.connection)
                    fake.hang_arrived.set()
            if answer == "hang":
                fake.release.wait(30)
                return
            if answer == "hold":
                fake.release.wait(30)
                answer = (200, {"ok": True})
            status, payload = answer
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        block_on_close = False

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # the client hung up on a hanging handler on purpose

    server = Server(("127.0.0.1", 0), Handler)
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    yield fake
    fake.release.set()
    server.shutdown()
    server.server_close()


# -- workspaces -----------------------------------------------------------------------------------------


def make_ws(tmp_path: Path, db_url: str, config: dict[str, Any]) -> Workspace:
    settings = settings_from_dict(config)
    settings.home = tmp_path / "home"
    settings.database_url = db_url
    return Workspace(settings)


def smtp_config(port: int, **extra: Any) -> dict[str, Any]:
    return {
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "from": "Gaung Diskominfo <gaung@pemkot.example.go.id>",
        "timeout": 5.0,
        **extra,
    }


def rows(ws: Workspace) -> list[dict[str, Any]]:
    with ws.engine.connect() as conn:
        return sorted(list_deliveries(conn, limit=1000), key=lambda r: r["id"])


def by_recipient(ws: Workspace) -> dict[str, dict[str, Any]]:
    return {row["recipient"]: row for row in rows(ws)}


@pytest.fixture
def closing() -> Iterator[list[Workspace]]:
    opened: list[Workspace] = []
    yield opened
    for ws in opened:
        if "engine" in ws.__dict__:
            ws.engine.dispose()


# -- configuration ------------------------------------------------------------------------------------


def test_recipients_config_names_bad_entries_without_losing_the_others() -> None:
    delivery, recipients = parse_delivery(
        {
            "delivery": {"smtp": {"host": "mail.example.go.id", "port": 465, "security": "tls"}},
            "recipients": [
                {"name": "Kepala Dinas", "channel": "email", "address": "kadis@example.go.id"},
                {"name": "Sekretaris", "channel": "email", "address": "sekdis@@example", "kinds": ["brief"]},
                {"name": "Grup Humas", "channel": "telegram", "chat_id": -1001234567890, "kinds": ["alert"]},
                {"name": "Dasbor", "channel": "webhook", "url": "ftp://dasbor.example.go.id/hook"},
            ],
        }
    )
    assert delivery.smtp.security == "tls" and delivery.smtp.port == 465
    assert [r.problem is None for r in recipients] == [True, False, True, False]
    assert "Sekretaris" in (recipients[1].problem or "") and "sekdis@@example" in (
        recipients[1].problem or ""
    )
    assert recipients[2].address == "-1001234567890" and recipients[2].kinds == ["alert"]
    assert "Dasbor" in (recipients[3].problem or "")
    for bad, words in (
        ({"recipients": [{"name": "X", "channel": "fax", "address": "1"}]}, ["X", "channel"]),
        ({"recipients": [{"name": "X", "channel": "email", "url": "https://a.b"}]}, ["X", "url"]),
        (
            {"recipients": [{"name": "X", "channel": "email", "address": "a@b.id", "kinds": ["gosip"]}]},
            ["kinds"],
        ),
        ({"recipients": [{"name": "X", "channel": "email", "address": "a@b.id"}] * 2}, ["used twice"]),
        ({"delivery": {"smtp": {"security": "ssl"}}}, ["security", "starttls"]),
        ({"delivery": {"smtp": {"port": "587"}}}, ["port", "int"]),
        ({"delivery": {"smtp": {"password": "rahasia"}}}, ["unknown key", "password"]),
    ):
        with pytest.raises(ConfigError) as caught:
            parse_delivery(bad, "gaung.toml")
        assert all(word in str(caught.value) for word in words), caught.value
    shipped = settings_from_toml(Path(__file__).parent.parent / "gaung" / "data" / "gaung.example.toml")
    assert shipped.delivery.smtp.password_env == "GAUNG_SMTP_PASSWORD" and shipped.recipients == []


def test_secret_variables_are_gaung_names_and_never_gaungs_own_settings() -> None:
    """An admin cannot point a secret at the server's environment (the database URL, PATH, …)."""
    hook = {"name": "Dasbor", "channel": "webhook", "url": "https://dasbor.example.go.id/h"}
    for bad, key in (
        ({"delivery": {"smtp": {"password_env": "DATABASE_URL"}}}, "[delivery.smtp].password_env"),
        ({"delivery": {"smtp": {"password_env": "GAUNG_DATABASE_URL"}}}, "[delivery.smtp].password_env"),
        ({"delivery": {"telegram": {"token_env": "GAUNG_HOME"}}}, "[delivery.telegram].token_env"),
        ({"delivery": {"telegram": {"token_env": "gaung_token"}}}, "[delivery.telegram].token_env"),
        ({"recipients": [{**hook, "secret_env": "GAUNG_CONFIG"}]}, "(Dasbor).secret_env"),
        ({"recipients": [{**hook, "secret_env": "HOME"}]}, "(Dasbor).secret_env"),
        ({"delivery": {"telegram": {"api_url": "http://bot.example.com"}}}, "[delivery.telegram].api_url"),
    ):
        with pytest.raises(ConfigError) as caught:
            settings_from_dict(bad, "gaung.toml")
        assert "gaung.toml" in str(caught.value) and key in str(caught.value), caught.value
    fine = settings_from_dict(
        {
            "delivery": {
                "smtp": {"password_env": "GAUNG_SMTP_PASSWORD"},
                "telegram": {"api_url": "http://127.0.0.1:8081", "token_env": "GAUNG_BOT_HUMAS"},
            },
            "recipients": [{**hook, "secret_env": "GAUNG_WEBHOOK_SECRET"}],
        }
    )
    assert fine.recipients[0].secret_env == "GAUNG_WEBHOOK_SECRET"
    # every GAUNG_ variable Gaung itself reads is reserved (a new one added without reserving fails here)
    root = Path(__file__).parent.parent
    sources = [*(root / "gaung").rglob("*.py"), *(root / "tests").glob("conftest*.py")]
    read = {
        name
        for source in sources
        for name in re.findall(
            r'(?:environ\.get\(|environ\[|getenv\(|setdefault\()\s*"(GAUNG_[A-Z0-9_]+)"',
            source.read_text(encoding="utf-8"),
        )
    }
    assert {"GAUNG_HOME", "GAUNG_DATABASE_URL", "GAUNG_CONFIG"} <= read and read <= RESERVED_ENV


# -- the outbox -----------------------------------------------------------------------------------------


def test_enqueue_is_idempotent_per_recipient_kind_and_ref(
    db_url: str, tmp_path: Path, closing: list[Workspace]
) -> None:
    config = {
        "recipients": [
            {"name": "Kepala Dinas", "channel": "email", "address": "kadis@example.go.id"},
            {
                "name": "Wali Kota",
                "channel": "email",
                "address": "walikota@example.go.id",
                "kinds": ["brief"],
            },
            {"name": "Salah Ketik", "channel": "email", "address": "humas@example", "kinds": ["alert"]},
        ]
    }
    ws = make_ws(tmp_path, db_url, config)
    closing.append(ws)
    with transaction(ws.engine) as conn:
        assert (
            enqueue(conn, kind="alert", ref="17", subject="Peringatan", text="Lonjakan berita", now=T0) == 1
        )
        assert (
            enqueue(conn, kind="alert", ref="17", subject="Peringatan", text="Lonjakan berita", now=T0) == 0
        )
        pdf = ("laporan-2026-03-01.pdf", PDF, "application/pdf")
        assert enqueue(conn, kind="brief", ref="2026-03-01", subject="Laporan", text="…", attachment=pdf) == 2
    # a monitor restart re-enqueues everything it fired: nothing new
    restarted = make_ws(tmp_path, db_url, config)
    closing.append(restarted)
    with transaction(restarted.engine) as conn:
        assert enqueue(conn, kind="alert", ref="17", subject="Peringatan", text="Lonjakan berita") == 0
        assert enqueue(conn, kind="brief", ref="2026-03-01", subject="Laporan", text="…", attachment=pdf) == 0
    found = {(r["kind"], r["recipient"]): r for r in rows(ws)}
    assert set(found) == {
        ("alert", "Kepala Dinas"),
        ("alert", "Salah Ketik"),
        ("brief", "Kepala Dinas"),
        ("brief", "Wali Kota"),
    }
    assert found[("alert", "Salah Ketik")]["status"] == "failed"
    assert "Salah Ketik" in found[("alert", "Salah Ketik")]["last_error"]
    assert found[("alert", "Kepala Dinas")]["status"] == "queued"
    # a recipient added later gets the same message once, the others nothing new
    later = [*restarted.settings.recipients]
    sekda = {"name": "Sekda", "channel": "email", "address": "sekda@example.go.id"}
    later.append(parse_delivery({"recipients": [sekda]})[1][0])
    with transaction(ws.engine) as conn:
        sync_recipients(conn, later)
        assert enqueue(conn, kind="alert", ref="17", subject="Peringatan", text="Lonjakan berita") == 1
        assert enqueue(conn, kind="alert", ref="17", subject="Peringatan", text="Lonjakan berita") == 0
        assert status_counts(conn) == {"queued": 4, "sending": 0, "sent": 0, "failed": 1}
    # two dispatchers claiming at once never take the same row
    first = claim_due(ws.engine)
    second = claim_due(ws.engine)
    assert len(first) == 4 and second == []


# -- email ------------------------------------------------------------------------------------------------


def test_email_over_starttls_with_login_text_html_and_pdf(
    start_smtp: Callable[..., SmtpServer],
    certificate: tuple[Path, Path],
    tmp_path: Path,
    closing: list[Workspace],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GAUNG_SMTP_PASSWORD", SMTP_PASSWORD)
    server = start_smtp("starttls")
    implicit = start_smtp("tls")
    smtp = smtp_config(server.port, security="starttls", user=SMTP_USER, ca_file=str(certificate[0]))
    ws = make_ws(
        tmp_path,
        f"sqlite:///{tmp_path / 'g.db'}",
        {
            "delivery": {"smtp": smtp},
            "recipients": [
                {"name": "Kepala Dinas Kominfo", "channel": "email", "address": "kadis@example.go.id"}
            ],
        },
    )
    closing.append(ws)
    with transaction(ws.engine) as conn:
        enqueue(
            conn,
            kind="brief",
            ref="2026-03-01",
            subject="Laporan Monitoring Media Harian — 1 Maret 2026",
            text="Konklusi: 42 pemberitaan, naik 10% dari kemarin.\n\nhttps://gaung.example.go.id/reports/2026-03-01",
            html=(
                "<h1>Laporan Monitoring Media Harian</h1><p>Konklusi: 42 pemberitaan.</p>"
                '<svg xmlns="http://www.w3.org/2000/svg"><rect width="9" height="9"/></svg>'
            ),
            attachment=("laporan-2026-03-01.pdf", PDF, "application/pdf"),
            now=T0,
        )
    summary = dispatch_due(ws.engine, ws.settings.delivery, now=T0)
    assert (summary.sent, summary.failed, summary.retrying) == (1, 0, 0), summary.errors
    assert server.mailbox.logins == [SMTP_USER]
    (message,) = server.mailbox.messages
    assert server.mailbox.envelopes == [("gaung@pemkot.example.go.id", ["kadis@example.go.id"])]
    assert message["Subject"] == "Laporan Monitoring Media Harian — 1 Maret 2026"
    assert "kadis@example.go.id" in message["To"] and "Kepala Dinas Kominfo" in message["To"]
    plain = message.get_body(("plain",))
    rich = message.get_body(("html",))
    assert plain is not None and "42 pemberitaan, naik 10%" in plain.get_content()
    # the HTML part is compact: the text with a clickable link and the PDF named, not the brief's own
    # HTML document (mail clients strip its inline SVG charts; the PDF carries the full brief)
    assert rich is not None
    assert "<svg" not in rich.get_content() and "<h1>Laporan Monitoring" not in rich.get_content()
    assert "42 pemberitaan, naik 10%" in rich.get_content() and "laporan-2026-03-01.pdf" in rich.get_content()
    assert '<a href="https://gaung.example.go.id/reports/2026-03-01">' in rich.get_content()
    (attached,) = list(message.iter_attachments())
    assert (
        attached.get_filename() == "laporan-2026-03-01.pdf"
        and attached.get_content_type() == "application/pdf"
    )
    assert attached.get_content() == PDF
    (row,) = rows(ws)
    assert row["status"] == "sent" and row["attempts"] == 1 and "accepted by 127.0.0.1" in row["receipt"]

    # implicit TLS (port 465 style), and an untrusted certificate is a clear, permanent error
    ws.settings.delivery.smtp = settings_from_dict(
        {"delivery": {"smtp": smtp_config(implicit.port, security="tls", ca_file=str(certificate[0]))}}
    ).delivery.smtp
    with transaction(ws.engine) as conn:
        enqueue(conn, kind="alert", ref="1", subject="Peringatan uji", text="Lonjakan", now=T0)
    assert dispatch_due(ws.engine, ws.settings.delivery, now=T0).sent == 1
    assert [m["Subject"] for m in implicit.mailbox.messages] == ["Peringatan uji"]
    ws.settings.delivery.smtp.ca_file = ""
    with transaction(ws.engine) as conn:
        enqueue(conn, kind="alert", ref="2", subject="Peringatan dua", text="Lonjakan", now=T0)
    untrusted = dispatch_due(ws.engine, ws.settings.delivery, now=T0)
    assert untrusted.failed == 1 and "certificate is not trusted" in untrusted.errors[0]


def test_refusal_and_invalid_address_are_named_and_the_others_still_receive(
    start_smtp: Callable[..., SmtpServer], service: FakeService, tmp_path: Path, closing: list[Workspace]
) -> None:
    refusing = start_smtp(rcpt_reply="550 5.1.1 <kabag@example.go.id>: mailbox unavailable")
    service.reply("/hook", (200, {"received": True}))
    ws = make_ws(
        tmp_path,
        f"sqlite:///{tmp_path / 'g.db'}",
        {
            "delivery": {"smtp": smtp_config(refusing.port)},
            "recipients": [
                {"name": "Kabag Humas", "channel": "email", "address": "kabag@example.go.id"},
                {"name": "Staf Salah Ketik", "channel": "email", "address": "staf humas@example.go.id"},
                {"name": "Dasbor Pemkot", "channel": "webhook", "url": service.base_url + "/hook"},
            ],
        },
    )
    closing.append(ws)
    with transaction(ws.engine) as conn:
        assert enqueue(conn, kind="alert", ref="5", subject="Peringatan", text="Lonjakan", now=T0) == 2
    summary = dispatch_due(ws.engine, ws.settings.delivery, now=T0)
    assert (summary.sent, summary.failed) == (1, 1)
    found = by_recipient(ws)
    assert found["Dasbor Pemkot"]["status"] == "sent" and len(service.to("/hook")) == 1
    refused = found["Kabag Humas"]
    assert refused["status"] == "failed" and refused["attempts"] == 1  # 5xx is final: no retry
    assert "Kabag Humas" in refused["last_error"] and "550" in refused["last_error"]
    assert "refused the recipient kabag@example.go.id" in refused["last_error"]
    invalid = found["Staf Salah Ketik"]
    assert invalid["status"] == "failed" and invalid["attempts"] == 0
    assert "Staf Salah Ketik" in invalid["last_error"] and "staf humas@example.go.id" in invalid["last_error"]

    # the address is also checked at send time (a row queued before the address went bad)
    with transaction(ws.engine) as conn:
        conn.execute(sa.update(deliveries).where(deliveries.c.recipient == "Dasbor Pemkot").values(
            status="queued", address="not a url", next_attempt_at=T0.replace(tzinfo=None)
        ))  # fmt: skip
    again = dispatch_due(ws.engine, ws.settings.delivery, now=T0)
    assert again.failed == 1 and "Dasbor Pemkot" in again.errors[0] and "not a url" in again.errors[0]
    assert len(service.to("/hook")) == 1


def test_silent_or_deferring_mail_server_is_retried_with_capped_backoff_then_failed(
    silent_smtp: int, start_smtp: Callable[..., SmtpServer], tmp_path: Path, closing: list[Workspace]
) -> None:
    ws = make_ws(
        tmp_path,
        f"sqlite:///{tmp_path / 'g.db'}",
        {
            "delivery": {
                "smtp": smtp_config(silent_smtp, timeout=0.5),
                "max_attempts": 4,
                "backoff": 30.0,
                "backoff_cap": 90.0,
            },
            "recipients": [{"name": "Kadis", "channel": "email", "address": "kadis@example.go.id"}],
        },
    )
    closing.append(ws)
    with transaction(ws.engine) as conn:
        enqueue(conn, kind="alert", ref="9", subject="Peringatan", text="Lonjakan", now=T0)
    now = T0
    waits = []
    for attempt in (1, 2, 3):
        summary = dispatch_due(ws.engine, ws.settings.delivery, now=now)
        assert summary.retrying == 1, summary
        (row,) = rows(ws)
        assert row["status"] == "queued" and row["attempts"] == attempt
        assert "Kadis" in row["last_error"] and "did not answer within 0.5 s" in row["last_error"]
        wait = (row["next_attempt_at"] - now.replace(tzinfo=None)).total_seconds()
        waits.append(wait)
        early = dispatch_due(ws.engine, ws.settings.delivery, now=now + timedelta(seconds=wait - 1))
        assert early.attempted == 0  # not due yet
        now = now + timedelta(seconds=wait)
    assert 24 <= waits[0] <= 36 and 48 <= waits[1] <= 72 and 72 <= waits[2] <= 90  # ×2, ±20%, capped at 90
    final = dispatch_due(ws.engine, ws.settings.delivery, now=now)
    assert final.failed == 1
    (row,) = rows(ws)
    assert (
        row["status"] == "failed" and row["attempts"] == 4 and "gave up after 4 attempts" in row["last_error"]
    )

    # 451 (try later) is retried too; once the server accepts, the message goes out exactly once
    deferring = start_smtp(data_reply="451 4.3.0 try again later")
    ws.settings.delivery.smtp.port = deferring.port
    with transaction(ws.engine) as conn:
        enqueue(conn, kind="alert", ref="10", subject="Peringatan 10", text="Lonjakan", now=T0)
    deferred = dispatch_due(ws.engine, ws.settings.delivery, now=T0)
    assert deferred.retrying == 1 and "deferred the message: 451" in deferred.errors[0]
    deferring.mailbox.data_reply = None
    later = T0 + timedelta(hours=1)
    assert dispatch_due(ws.engine, ws.settings.delivery, now=later).sent == 1
    assert dispatch_due(ws.engine, ws.settings.delivery, now=later + timedelta(hours=1)).attempted == 0
    assert [m["Subject"] for m in deferring.mailbox.messages] == ["Peringatan 10"]


# -- webhooks and Telegram ----------------------------------------------------------------------------------


def test_webhook_is_signed_retried_after_500_and_a_hang(
    service: FakeService, tmp_path: Path, closing: list[Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAUNG_TEST_HOOK_SECRET", "rahasia-bersama")
    service.reply("/flaky", (500, {"error": "database down"}), (200, {"ok": True}))
    service.reply("/hang", "hang")
    ws = make_ws(
        tmp_path,
        f"sqlite:///{tmp_path / 'g.db'}",
        {
            "delivery": {"webhook": {"timeout": 0.5}},
            "recipients": [
                {
                    "name": "Dasbor",
                    "channel": "webhook",
                    "url": service.base_url + "/flaky",
                    "secret_env": "GAUNG_TEST_HOOK_SECRET",
                },
                {"name": "Sistem Lambat", "channel": "webhook", "url": service.base_url + "/hang"},
            ],
        },
    )
    closing.append(ws)
    with transaction(ws.engine) as conn:
        enqueue(
            conn,
            kind="brief",
            ref="2026-03-01",
            subject="Laporan harian",
            text="Konklusi …",
            attachment=("laporan.pdf", PDF, "application/pdf"),
            now=T0,
        )
    first = dispatch_due(ws.engine, ws.settings.delivery, now=T0)
    assert first.retrying == 2
    found = by_recipient(ws)
    assert "Dasbor" in found["Dasbor"]["last_error"] and "HTTP 500" in found["Dasbor"]["last_error"]
    assert "did not answer within 0.5 s" in found["Sistem Lambat"]["last_error"]
    second = dispatch_due(ws.engine, ws.settings.delivery, now=T0 + timedelta(minutes=5))
    assert second.sent == 1 and second.retrying == 1
    calls = service.to("/flaky")
    assert len(calls) == 2
    body = calls[1].body
    expected = "sha256=" + hmac.new(b"rahasia-bersama", body, hashlib.sha256).hexdigest()
    assert calls[1].headers["X-Gaung-Signature"] == expected
    assert (
        calls[0].headers["X-Gaung-Delivery"] == calls[1].headers["X-Gaung-Delivery"]
    )  # receivers can dedupe
    payload = calls[1].json()
    assert (
        payload["kind"] == "brief"
        and payload["ref"] == "2026-03-01"
        and payload["subject"] == "Laporan harian"
    )
    assert (
        payload["attachment"]["name"] == "laporan.pdf" and payload["attachment"]["mime"] == "application/pdf"
    )
    assert "X-Gaung-Signature" not in service.to("/hang")[0].headers


def test_telegram_text_document_and_refusals(
    service: FakeService, tmp_path: Path, closing: list[Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GAUNG_TELEGRAM_TOKEN", TOKEN)
    bot = f"/bot{TOKEN}"
    service.reply(f"{bot}/sendMessage", (200, {"ok": True, "result": {"message_id": 77}}))
    service.reply(f"{bot}/sendDocument", (200, {"ok": True, "result": {"message_id": 78}}))
    ws = make_ws(
        tmp_path,
        f"sqlite:///{tmp_path / 'g.db'}",
        {
            "delivery": {"telegram": {"api_url": service.base_url, "timeout": 2.0}},
            "recipients": [
                {"name": "Grup Humas", "channel": "telegram", "chat_id": "-1001234567890"},
                {"name": "Kanal Pimpinan", "channel": "telegram", "chat_id": "@pimpinan_pemkot"},
            ],
        },
    )
    closing.append(ws)
    with transaction(ws.engine) as conn:
        enqueue(
            conn, kind="alert", ref="3", subject="PERINGATAN: banjir", text="Lonjakan berita negatif", now=T0
        )
        enqueue(
            conn,
            kind="brief",
            ref="2026-03-01",
            subject="Laporan harian",
            text="Konklusi",
            attachment=("laporan.pdf", PDF, "application/pdf"),
            now=T0,
        )
    assert dispatch_due(ws.engine, ws.settings.delivery, now=T0).sent == 4
    texts = [call.json() for call in service.to(f"{bot}/sendMessage")]
    assert {t["chat_id"] for t in texts} == {"-1001234567890", "@pimpinan_pemkot"}
    assert all(t["text"].startswith("PERINGATAN: banjir\n\nLonjakan berita negatif") for t in texts)
    documents = service.to(f"{bot}/sendDocument")
    assert len(documents) == 2 and all(
        PDF in d.body and b'filename="laporan.pdf"' in d.body for d in documents
    )
    assert all(r["receipt"].startswith("telegram message") for r in rows(ws))

    service.reply(
        f"{bot}/sendMessage",
        (
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests",
                "parameters": {"retry_after": 600},
            },
        ),
        (400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}),
    )
    with transaction(ws.engine) as conn:
        enqueue(conn, kind="alert", ref="4", subject="PERINGATAN kedua", text="…", now=T0)
    slowed = dispatch_due(ws.engine, ws.settings.delivery, now=T0)
    assert slowed.retrying == 1 and slowed.failed == 1
    latest = [r for r in rows(ws) if r["ref"] == "4"]
    waiting = next(r for r in latest if r["status"] == "queued")
    assert (waiting["next_attempt_at"] - T0.replace(tzinfo=None)).total_seconds() >= 600  # as Telegram asked
    refused = next(r for r in latest if r["status"] == "failed")
    assert "chat not found" in refused["last_error"] and refused["recipient"] in refused["last_error"]
    assert all(TOKEN not in (r["last_error"] or "") for r in rows(ws))

    monkeypatch.delenv("GAUNG_TELEGRAM_TOKEN")
    missing = dispatch_due(ws.engine, ws.settings.delivery, now=T0 + timedelta(hours=1))
    assert missing.failed == 1 and "GAUNG_TELEGRAM_TOKEN" in missing.errors[0]


# -- sending side by side, in order of urgency -------------------------------------------------------------


def webhooks(service: FakeService, **paths: str) -> list[dict[str, Any]]:
    """One webhook recipient per name → path, receiving alerts and briefs."""
    return [
        {"name": name, "channel": "webhook", "url": service.base_url + path} for name, path in paths.items()
    ]


def test_a_hanging_recipient_does_not_hold_back_the_others(
    service: FakeService, tmp_path: Path, closing: list[Workspace]
) -> None:
    service.reply("/hang", "hang")
    service.reply("/ok", (200, {"ok": True}))
    service.wait_for_hang = True  # /ok counts the hanging clients once /hang has arrived
    ws = make_ws(
        tmp_path,
        f"sqlite:///{tmp_path / 'g.db'}",
        {
            "delivery": {"webhook": {"timeout": 5.0}},
            # "A …" is queued first: a dispatcher that sends one after another waits for it to time out
            "recipients": webhooks(service, **{"A Sistem Lambat": "/hang", "B Dasbor": "/ok"}),
        },
    )
    closing.append(ws)
    with transaction(ws.engine) as conn:
        assert enqueue(conn, kind="alert", ref="1", subject="Peringatan", text="Lonjakan", now=T0) == 2
    summary = dispatch_due(ws.engine, ws.settings.delivery, now=T0)
    assert (summary.sent, summary.retrying) == (1, 1), summary.errors
    found = by_recipient(ws)
    assert found["B Dasbor"]["status"] == "sent"
    slow = found["A Sistem Lambat"]
    assert slow["status"] == "queued" and "did not answer within 5 s" in slow["last_error"]
    (healthy,) = service.to("/ok")
    assert healthy.hanging == 1  # it arrived while the hanging request was still waiting for its answer


def test_the_monitor_loop_keeps_sending_while_a_send_hangs(
    service: FakeService, tmp_path: Path, closing: list[Workspace]
) -> None:
    service.reply("/slow", "hold")  # answers only when the test says so
    service.reply("/ok", (200, {"ok": True}))
    recipients = webhooks(service, **{"Sistem Lambat": "/slow", "Dasbor": "/ok"})
    recipients[0]["kinds"], recipients[1]["kinds"] = ["brief"], ["alert"]
    ws = make_ws(tmp_path, f"sqlite:///{tmp_path / 'g.db'}", {"recipients": recipients})
    closing.append(ws)
    with Dispatcher(ws.engine) as dispatcher:
        with transaction(ws.engine) as conn:
            enqueue(conn, kind="brief", ref="2026-03-01", subject="Laporan", text="…", now=T0)
        assert dispatcher.submit_due(ws.settings.delivery, now=T0) == 1
        wait_until(lambda: service.to("/slow"))
        # an alert fires while the brief's receiver holds its thread: the next tick sends it anyway
        with transaction(ws.engine) as conn:
            enqueue(conn, kind="alert", ref="7", subject="Peringatan", text="…", now=T0)
        assert dispatcher.submit_due(ws.settings.delivery, now=T0) == 1  # not the one in flight again
        wait_until(lambda: by_recipient(ws)["Dasbor"]["status"] == "sent")
        assert by_recipient(ws)["Sistem Lambat"]["status"] == "sending"
        service.release.set()
        dispatcher.wait()
        assert by_recipient(ws)["Sistem Lambat"]["status"] == "sent"
        assert dispatcher.collect().sent == 2


def wait_until(condition: Callable[[], Any]) -> None:
    """Wait for an event, not for a time: up to 30 s on a very busy machine."""
    for _ in range(600):
        if condition():
            return
        threading.Event().wait(0.05)
    raise AssertionError("the awaited event did not happen")


def test_alerts_go_before_briefs_and_first_attempts_before_retries(
    service: FakeService, tmp_path: Path, closing: list[Workspace]
) -> None:
    service.reply("/hook", (200, {"ok": True}))
    ws = make_ws(
        tmp_path, f"sqlite:///{tmp_path / 'g.db'}", {"recipients": webhooks(service, Dasbor="/hook")}
    )
    closing.append(ws)
    with transaction(ws.engine) as conn:  # queued oldest first in the order that must *not* be sent
        for kind, ref in (("brief", "b-retry"), ("brief", "b-new"), ("alert", "a-retry"), ("alert", "a-new")):
            enqueue(conn, kind=kind, ref=ref, subject=ref, text="…", now=T0)
        conn.execute(
            sa.update(deliveries)
            .where(deliveries.c.id.in_([1, 3]))  # failed once before
            .values(attempts=1, last_error="HTTP 500")
        )
    summary = dispatch_due(ws.engine, ws.settings.delivery, now=T0, workers=1)
    assert summary.sent == 4
    assert [call.json()["ref"] for call in service.to("/hook")] == ["a-new", "a-retry", "b-new", "b-retry"]


def test_claims_are_taken_one_send_at_a_time_and_never_settled_while_fresh(
    service: FakeService, tmp_path: Path, closing: list[Workspace]
) -> None:
    service.reply("/slow", "hold")
    service.reply("/ok", (200, {"ok": True}))
    ws = make_ws(
        tmp_path,
        f"sqlite:///{tmp_path / 'g.db'}",
        {"recipients": webhooks(service, **{"A Lambat": "/slow", "B Dasbor": "/ok", "C Arsip": "/ok"})},
    )
    closing.append(ws)
    with transaction(ws.engine) as conn:
        assert enqueue(conn, kind="alert", ref="1", subject="Peringatan", text="…", now=T0) == 3
    results: list[DispatchSummary] = []
    sending = threading.Thread(
        target=lambda: results.append(dispatch_due(ws.engine, ws.settings.delivery, now=T0, workers=1))
    )
    sending.start()
    try:
        wait_until(lambda: service.to("/slow"))
        with ws.engine.connect() as conn:  # only the one being sent is claimed; the others wait unclaimed
            assert status_counts(conn) == {"queued": 2, "sending": 1, "sent": 0, "failed": 0}
        # another dispatcher (`gaung deliver run`, the settings page's test button) just inside the window
        window = stale_after(ws.settings.delivery)
        assert recover_stale(ws.engine, T0 + window - timedelta(seconds=1), window) == 0
        (claimed,) = [r for r in rows(ws) if r["status"] == "sending"]
        assert claimed["recipient"] == "A Lambat" and claimed["claimed_at"] == T0.replace(tzinfo=None)
    finally:
        service.release.set()
        sending.join()
    (summary,) = results
    assert summary.sent == 3 and [r["status"] for r in rows(ws)] == ["sent"] * 3  # its outcome was kept
    assert len(service.to("/slow")) == 1
    # the window outlasts the longest possible send: twice over with the shipped timeouts, and with
    # every timeout at its maximum
    assert 2 * timedelta(seconds=max_send_seconds(DeliverySettings())) <= STALE_CLAIM
    slowest = parse_delivery(
        {"delivery": {"smtp": {"timeout": 120}, "telegram": {"timeout": 120}, "webhook": {"timeout": 120}}}
    )[0]
    assert stale_after(slowest) >= 2 * timedelta(seconds=max_send_seconds(slowest))
    with pytest.raises(ConfigError, match=r"smtp.timeout: at most 120"):
        parse_delivery({"delivery": {"smtp": {"timeout": 600}}}, "gaung.toml")


def test_a_mail_server_silent_after_accepting_is_not_waited_for_a_full_timeout(tmp_path: Path) -> None:
    """After the message is accepted, QUIT waits QUIT_TIMEOUT, not [delivery.smtp] timeout (60 s here)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    heard: list[str] = []
    hung_up_first = threading.Event()

    def serve() -> None:
        conn, _ = listener.accept()
        with conn, conn.makefile("rb") as lines:
            conn.sendall(b"220 mail.example ESMTP\r\n")
            in_data = False
            for raw in lines:
                line = raw.decode().rstrip("\r\n")
                if in_data:
                    if line == ".":
                        in_data = False
                        conn.sendall(b"250 2.0.0 queued\r\n")
                    continue
                heard.append(line.split(" ")[0].upper())
                if heard[-1] == "QUIT":  # say nothing: the client must give up on its own
                    conn.settimeout(3 * QUIT_TIMEOUT)
                    try:
                        if conn.recv(1) == b"":
                            hung_up_first.set()
                    except TimeoutError:
                        conn.sendall(b"221 bye\r\n")
                    return
                reply = {"DATA": b"354 go ahead\r\n"}.get(heard[-1], b"250 ok\r\n")
                in_data = heard[-1] == "DATA"
                conn.sendall(reply)

    server = threading.Thread(target=serve, daemon=True)
    server.start()
    port = int(listener.getsockname()[1])
    ws = make_ws(
        tmp_path,
        f"sqlite:///{tmp_path / 'g.db'}",
        {
            "delivery": {"smtp": smtp_config(port, timeout=60.0)},
            "recipients": [{"name": "Kadis", "channel": "email", "address": "kadis@example.go.id"}],
        },
    )
    try:
        with transaction(ws.engine) as conn:
            enqueue(conn, kind="alert", ref="1", subject="Peringatan", text="…", now=T0)
        summary = dispatch_due(ws.engine, ws.settings.delivery, now=T0)
        server.join()
    finally:
        listener.close()
        ws.engine.dispose()
    assert summary.sent == 1 and heard[-3:] == ["RCPT", "DATA", "QUIT"]
    assert hung_up_first.is_set()  # the client gave up on the goodbye; the message counts as sent


# -- restarts ---------------------------------------------------------------------------------------------


def test_restart_sends_nothing_twice(
    db_url: str,
    start_smtp: Callable[..., SmtpServer],
    service: FakeService,
    tmp_path: Path,
    closing: list[Workspace],
) -> None:
    server = start_smtp()
    service.reply("/hook", (200, {"ok": True}))
    config = {
        "delivery": {"smtp": smtp_config(server.port)},
        "recipients": [
            {"name": "Kadis", "channel": "email", "address": "kadis@example.go.id"},
            {"name": "Dasbor", "channel": "webhook", "url": service.base_url + "/hook"},
        ],
    }
    ws = make_ws(tmp_path, db_url, config)
    closing.append(ws)
    with transaction(ws.engine) as conn:
        enqueue(conn, kind="alert", ref="1", subject="Peringatan satu", text="…", now=T0)
    assert dispatch_due(ws.engine, ws.settings.delivery, now=T0).sent == 2
    # the next message is claimed, then the process dies before it can send or record anything
    with transaction(ws.engine) as conn:
        enqueue(conn, kind="alert", ref="2", subject="Peringatan dua", text="…", now=T0)
    assert len(claim_due(ws.engine, T0)) == 2
    ws.engine.dispose()

    restarted = make_ws(tmp_path, db_url, config)
    closing.append(restarted)
    with transaction(restarted.engine) as conn:  # the monitor re-enqueues what it fired: no-op
        assert enqueue(conn, kind="alert", ref="1", subject="Peringatan satu", text="…") == 0
        assert enqueue(conn, kind="alert", ref="2", subject="Peringatan dua", text="…") == 0
    soon = dispatch_due(restarted.engine, restarted.settings.delivery, now=T0 + timedelta(minutes=1))
    assert soon.attempted == 0 and soon.recovered == 0  # a claim this fresh may still be in flight
    later = dispatch_due(
        restarted.engine, restarted.settings.delivery, now=T0 + STALE_CLAIM + timedelta(seconds=1)
    )
    assert later.recovered == 2 and later.sent == 1  # only the webhook is sent again (receivers dedupe)
    assert [m["Subject"] for m in server.mailbox.messages] == ["Peringatan satu"]
    assert [call.json()["ref"] for call in service.to("/hook")] == ["1", "2"]
    email_row = next(r for r in rows(restarted) if r["ref"] == "2" and r["channel"] == "email")
    assert email_row["status"] == "failed" and "may have arrived" in email_row["last_error"]
    assert (
        dispatch_due(restarted.engine, restarted.settings.delivery, now=T0 + timedelta(hours=2)).attempted
        == 0
    )


# -- the alert path through the monitor -----------------------------------------------------------------


def burst_rows(now: datetime) -> list[dict[str, str]]:
    """A quiet day (a story every 3 hours) and then eight stories about flooding within the last hour."""
    found = []
    for i in range(10):
        found.append(
            {
                "url": f"https://warta.example/tenang/{i}",
                "title": f"Kegiatan warga kelurahan {i} berjalan lancar",
                "text": f"Warga kelurahan {i} mengadakan kerja bakti dan lomba kebersihan nomor {i}. " * 3,
                "date": (now - timedelta(hours=30 - 3 * i)).isoformat(),
            }
        )
    for i in range(8):
        found.append(
            {
                "url": f"https://warta.example/banjir/{i}",
                "title": f"Banjir rendam {i} RT, warga kecam Pemkot",
                "text": (
                    f"Banjir kembali merendam {i} RT. Warga mengecam Pemkot yang dinilai lamban, "
                    f"gagal membersihkan saluran dan tidak peduli. Kerugian ditaksir {i} miliar. "
                )
                * 3,
                "date": (now - timedelta(minutes=45 - 5 * i)).isoformat(),
            }
        )
    return found


def test_fired_alert_is_queued_sent_on_the_next_tick_and_never_twice(
    start_smtp: Callable[..., SmtpServer], tmp_path: Path, closing: list[Workspace]
) -> None:
    server = start_smtp()
    config = {
        "organisation": {"name": "Diskominfo Kota Contoh"},
        "alerts": [
            {"name": "lonjakan-berita", "kind": "volume", "window": "1h", "baseline": "1d", "min_count": 5}
        ],
        "delivery": {"smtp": smtp_config(server.port), "base_url": "https://gaung.example.go.id"},
        "recipients": [
            {"name": "Kadis", "channel": "email", "address": "kadis@example.go.id", "kinds": ["alert"]}
        ],
    }
    db = f"sqlite:///{tmp_path / 'g.db'}"
    ws = make_ws(tmp_path, db, config)
    closing.append(ws)
    archive = tmp_path / "burst.jsonl"
    archive.write_text("\n".join(json.dumps(r) for r in burst_rows(datetime.now(UTC))), encoding="utf-8")
    assert ws.import_path(archive).new >= 16
    monitor = Monitor(ws.settings, ws.pipeline)
    monitor.check_alerts()  # what run_once does after each pass
    (queued,) = rows(ws)
    assert queued["status"] == "queued" and queued["kind"] == "alert" and queued["recipient"] == "Kadis"
    summary = monitor.deliver()  # the next delivery tick
    assert summary.sent == 1, summary.errors
    (message,) = server.mailbox.messages
    assert (
        "PERINGATAN: lonjakan-berita" in message["Subject"] and "Diskominfo Kota Contoh" in message["Subject"]
    )
    text = message.get_body(("plain",))
    assert text is not None and "https://gaung.example.go.id/alerts" in text.get_content()

    ws.engine.dispose()
    restarted = make_ws(tmp_path, db, config)  # a new Monitor over the same database
    closing.append(restarted)
    again = Monitor(restarted.settings, Pipeline(restarted.engine))
    again.check_alerts()
    assert again.deliver().attempted == 0
    assert len(server.mailbox.messages) == 1 and len(rows(restarted)) == 1


def test_run_once_checks_alerts_off_the_event_loop(tmp_path: Path, closing: list[Workspace]) -> None:
    """The alert check queries the database: on the event loop it would stall the delivery tick."""
    ws = make_ws(tmp_path, f"sqlite:///{tmp_path / 'g.db'}", {"brief": {"enabled": False}})
    closing.append(ws)
    on_loop: list[bool] = []

    class Watched(Monitor):
        def check_alerts(self) -> None:
            try:
                asyncio.get_running_loop()
                on_loop.append(True)
            except RuntimeError:  # no loop runs in this thread: a worker thread
                on_loop.append(False)
            super().check_alerts()

    asyncio.run(Watched(ws.settings, ws.pipeline, on_event=lambda message: None).run_once())
    assert on_loop == [False]


def test_run_forever_delivers_on_its_own_tick(
    start_smtp: Callable[..., SmtpServer], tmp_path: Path, closing: list[Workspace]
) -> None:
    server = start_smtp()
    ws = make_ws(
        tmp_path,
        f"sqlite:///{tmp_path / 'g.db'}",
        {
            "delivery": {"smtp": smtp_config(server.port), "tick_seconds": 0.05},
            "recipients": [
                {"name": "Kadis", "channel": "email", "address": "kadis@example.go.id", "kinds": ["alert"]}
            ],
        },
    )
    closing.append(ws)
    monitor = Monitor(ws.settings, Pipeline(ws.engine), on_event=lambda message: None)

    async def scenario() -> None:
        stop = asyncio.Event()
        running = asyncio.create_task(monitor.run_forever(idle_seconds=3600, stop=stop))
        await asyncio.sleep(0.2)  # the first (empty) pass is over; the monitor now idles for an hour
        end = datetime.now(UTC)
        with transaction(ws.engine) as conn:  # an alert fires while the monitor idles
            conn.execute(
                alerts.insert().values(
                    rule="lonjakan",
                    kind="volume",
                    target=None,
                    fired_at=end.replace(tzinfo=None),
                    window_start=(end - timedelta(hours=1)).replace(tzinfo=None),
                    window_end=end.replace(tzinfo=None),
                    observed=9,
                    expected=1.5,
                    reason_id="Pemberitaan melonjak: 9 dalam 1 jam",
                    reason_en="Mentions spiked: 9 in 1 hour",
                    status="open",
                )
            )
        for _ in range(600):  # wait for the event, not for a time: up to 30 s on a very busy machine
            if server.mailbox.messages:
                break
            await asyncio.sleep(0.05)
        stop.set()
        await running

    asyncio.run(scenario())
    assert [m["Subject"] for m in server.mailbox.messages] == ["[Gaung] PERINGATAN: lonjakan — Diskominfo"]


# -- web and CLI ------------------------------------------------------------------------------------------


@pytest.fixture
def delivery_app(tmp_path: Path, service: FakeService) -> Iterator[tuple[Workspace, dict[str, TestClient]]]:
    config_path = tmp_path / "gaung.toml"
    config_path.write_text(
        '[organisation]\nname = "Diskominfo Uji"\n\n[[watchlist]]\nid = "a"\nname = "A"\n', encoding="utf-8"
    )
    settings = settings_from_toml(config_path)
    settings.home = tmp_path / "home"
    settings.database_url = f"sqlite:///{tmp_path / 'web.db'}"
    ws = Workspace(settings)
    with transaction(ws.engine) as conn:
        for role in ("viewer", "analyst", "admin"):
            add_user(conn, role, PASSWORD, role)
    app = create_app(ws)
    clients = {role: login(TestClient(app), role) for role in ("viewer", "analyst", "admin")}  # type: ignore[arg-type]
    yield ws, clients
    for client in clients.values():
        client.close()
    ws.engine.dispose()


def delivery_form(token: str, recipients: str, **overrides: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "smtp_host": "mail.example.go.id",
        "smtp_port": "587",
        "smtp_security": "starttls",
        "smtp_user": "gaung@example.go.id",
        "smtp_password_env": "GAUNG_TEST_SMTP_PASSWORD",
        "smtp_from": "Gaung <gaung@example.go.id>",
        "smtp_ca_file": "",
        "telegram_api_url": "https://api.telegram.org",
        "telegram_token_env": "GAUNG_TELEGRAM_TOKEN",
        "base_url": "https://gaung.example.go.id",
        "recipients": recipients,
        **overrides,
    }


def test_delivery_settings_page_admin_only_csrf_no_secrets_and_the_log(
    delivery_app: tuple[Workspace, dict[str, TestClient]],
    service: FakeService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ws, clients = delivery_app
    admin, analyst, viewer = clients["admin"], clients["analyst"], clients["viewer"]
    monkeypatch.setenv("GAUNG_TEST_SMTP_PASSWORD", "sandi-yang-tidak-boleh-tampil")
    assert viewer.get("/settings/delivery", follow_redirects=False).status_code == 403
    assert analyst.get("/settings/delivery", follow_redirects=False).status_code == 403
    assert viewer.get("/deliveries", follow_redirects=False).status_code == 403
    assert analyst.get("/deliveries").status_code == 200
    token = csrf(admin, "/settings/delivery")
    good = (
        '[[recipients]]\nname = "Kepala Dinas"\nchannel = "email"\naddress = "kadis@example.go.id"\n\n'
        f'[[recipients]]\nname = "Dasbor"\nchannel = "webhook"\nurl = "{service.base_url}{HOOK}"\nkinds = ["alert"]\n'
    )
    before = ws.settings.config_path.read_text(encoding="utf-8")  # type: ignore[union-attr]
    no_token = admin.post(
        "/settings/delivery", data={k: v for k, v in delivery_form(token, good).items() if k != "csrf_token"}
    )
    assert no_token.status_code == 403
    denied = analyst.post(
        "/settings/delivery", data=delivery_form(csrf(analyst, "/deliveries"), good), follow_redirects=False
    )
    assert denied.status_code == 403
    bad = admin.post(
        "/settings/delivery",
        data=delivery_form(
            token, good + '\n[[recipients]]\nname = "Sekda"\nchannel = "email"\naddress = "sekda@"\n'
        ),
    )
    assert bad.status_code == 400 and "Sekda" in bad.text and "sekda@" in bad.text
    assert ws.settings.config_path.read_text(encoding="utf-8") == before  # type: ignore[union-attr]
    closed_port = str(free_port())  # nothing listens: the email attempt fails fast and is retried
    saved = admin.post(
        "/settings/delivery", data=delivery_form(token, good, smtp_host="127.0.0.1", smtp_port=closed_port)
    )
    assert saved.status_code == 200 and "Kepala Dinas" in saved.text
    written = ws.settings.config_path.read_text(encoding="utf-8")  # type: ignore[union-attr]
    reread = settings_from_toml(ws.settings.config_path)  # type: ignore[arg-type]
    assert reread.organisation == "Diskominfo Uji" and [w.id for w in reread.watchlist] == ["a"]  # kept
    assert 'password_env = "GAUNG_TEST_SMTP_PASSWORD"' in written and "sandi-yang" not in written
    assert (
        "sandi-yang-tidak-boleh-tampil" not in saved.text
        and 'data-testid="env-GAUNG_TEST_SMTP_PASSWORD"' in saved.text
    )
    assert [r.name for r in reread.recipients] == ["Kepala Dinas", "Dasbor"]

    # the running app fans out to the saved list at once, and the log shows what happened
    service.reply(HOOK, (500, {"error": "down"}))
    with transaction(ws.engine) as conn:
        assert enqueue(conn, kind="alert", ref="1", subject="Peringatan uji", text="…") == 2
    dispatch_due(ws.engine, ws.settings.delivery)
    assert len(service.to(HOOK)) == 1
    log = analyst.get("/deliveries").text
    assert "Peringatan uji" in log and "HTTP 500" in log and "Kepala Dinas" in log
    # status and kind in the interface language; the webhook's token is in neither the page nor the API
    statuses = re.findall(r'data-testid="delivery-status">([^<]*)<', log)
    assert statuses == ["Dalam antrean", "Dalam antrean"] and ">Peringatan</span>" in log
    english = analyst.get("/deliveries", headers={"Accept-Language": "en"}).text
    assert re.findall(r'data-testid="delivery-status">([^<]*)<', english) == ["Queued", "Queued"]
    api = analyst.get("/api/deliveries", params={"status": "queued"}).json()
    assert api["counts"]["queued"] == 2 and {i["recipient"] for i in api["items"]} == {
        "Kepala Dinas",
        "Dasbor",
    }
    hook_row = next(i for i in api["items"] if i["recipient"] == "Dasbor")
    assert hook_row["address"] == f"{service.base_url}/…" and "HTTP 500" in hook_row["last_error"]
    assert f"{service.base_url}/…" in log
    assert "T0K3N" not in log and "T0K3N" not in analyst.get("/api/deliveries").text
    assert "T0K3N" in ws.settings.config_path.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert viewer.get("/api/deliveries").status_code == 403
    assert analyst.get("/api/deliveries", params={"status": "lost"}).status_code == 422
    failed_id = api["items"][0]["id"]
    with transaction(ws.engine) as conn:
        conn.execute(
            sa.update(deliveries).where(deliveries.c.id == failed_id).values(status="failed", last_error="x")
        )
    assert analyst.post(f"/deliveries/{failed_id}/retry", data={}, follow_redirects=False).status_code == 403
    retried = analyst.post(
        f"/deliveries/{failed_id}/retry", data={"csrf_token": csrf(analyst, "/deliveries")}
    )
    assert retried.status_code == 200
    assert (
        analyst.post(
            "/deliveries/999999/retry", data={"csrf_token": csrf(analyst, "/deliveries")}
        ).status_code
        == 404
    )


def test_settings_page_refuses_foreign_secret_variables_and_keeps_an_old_bad_address(
    delivery_app: tuple[Workspace, dict[str, TestClient]],
) -> None:
    ws, clients = delivery_app
    admin = clients["admin"]
    path = ws.settings.config_path
    assert path is not None
    # a hand-edited file with one invalid address: the app starts, that recipient is flagged
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n[[recipients]]\nname = "Kepala Dinas"\nchannel = "email"\naddress = "kadis@example.go.id"\n'
        + '\n[[recipients]]\nname = "Sekda"\nchannel = "email"\naddress = "sekda@"\n',
        encoding="utf-8",
    )
    ws.settings.recipients = settings_from_toml(path).recipients  # as the app loads it at start
    token = csrf(admin, "/settings/delivery")
    page = admin.get("/settings/delivery").text
    current = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S).group(1))  # type: ignore[union-attr]
    assert "sekda@" in current
    before = path.read_text(encoding="utf-8")
    for field_name, value in (
        ("smtp_password_env", "GAUNG_DATABASE_URL"),
        ("smtp_password_env", "DATABASE_URL"),
        ("telegram_token_env", "GAUNG_HOME"),
        ("telegram_api_url", "http://bot.example.com"),
    ):
        refused = admin.post("/settings/delivery", data=delivery_form(token, current, **{field_name: value}))
        key = field_name.removeprefix("smtp_").removeprefix("telegram_")
        assert refused.status_code == 400 and key in refused.text and value in refused.text, field_name
        assert path.read_text(encoding="utf-8") == before
    hook = '\n[[recipients]]\nname = "Dasbor"\nchannel = "webhook"\nurl = "https://d.example.go.id/h"\n'
    refused = admin.post(
        "/settings/delivery", data=delivery_form(token, current + hook + 'secret_env = "GAUNG_CONFIG"\n')
    )
    assert refused.status_code == 400 and "Dasbor" in refused.text and "secret_env" in refused.text
    # the old invalid address does not block other edits; it is kept, still flagged
    saved = admin.post(
        "/settings/delivery", data=delivery_form(token, current + hook, smtp_host="mail.pemkot.go.id")
    )
    assert saved.status_code == 200 and "sekda@" in saved.text
    reread = settings_from_toml(path)
    assert reread.delivery.smtp.host == "mail.pemkot.go.id"
    assert [(r.name, r.problem is None) for r in reread.recipients] == [
        ("Kepala Dinas", True),
        ("Sekda", False),
        ("Dasbor", True),
    ]
    # … but changing it to another invalid address is refused, naming the recipient
    changed = current.replace('"sekda@"', '"sekda@@pemkot"') + hook
    blocked = admin.post("/settings/delivery", data=delivery_form(token, changed))
    assert (
        blocked.status_code == 400 and "&#39;Sekda&#39;" in blocked.text and "sekda@@pemkot" in blocked.text
    )
    assert settings_from_toml(path).delivery.smtp.host == "mail.pemkot.go.id"


def test_cli_test_message_and_status(
    start_smtp: Callable[..., SmtpServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gaung.cli import app

    monkeypatch.setenv("GAUNG_HOME", str(tmp_path / "home"))

    server = start_smtp()
    config = tmp_path / "gaung.toml"
    config.write_text(
        f'[storage]\ndatabase_url = "sqlite:///{tmp_path / "cli.db"}"\n\n'
        f'[delivery.smtp]\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "none"\nfrom = "gaung@example.go.id"\n\n'
        '[[recipients]]\nname = "Kepala Dinas"\nchannel = "email"\naddress = "kadis@example.go.id"\n\n'
        '[[recipients]]\nname = "Typo"\nchannel = "email"\naddress = "typo@example"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    sent = runner.invoke(app, ["--config", str(config), "deliver", "test", "kepala dinas"])
    assert sent.exit_code == 0, sent.output
    assert "sent / terkirim 1" in sent.output
    assert [m["To"] for m in server.mailbox.messages] == ["Kepala Dinas <kadis@example.go.id>"]
    unknown = runner.invoke(app, ["--config", str(config), "deliver", "test", "Wali Kota"])
    assert unknown.exit_code != 0 and "Kepala Dinas" in str(unknown.exception)
    typo = runner.invoke(app, ["--config", str(config), "deliver", "test", "Typo"])
    assert typo.exit_code != 0 and "typo@example" in str(typo.exception)
    status = runner.invoke(app, ["--config", str(config), "deliver", "status"])
    assert status.exit_code == 0 and "Kepala Dinas" in status.output and "Typo" in status.output


def test_one_monitor_pass_sends_what_it_queued_before_exiting(
    service: FakeService, tmp_path: Path, closing: list[Workspace]
) -> None:
    """`gaung run --once` from cron: a pass with nothing to crawl still sends the queued message."""
    service.reply("/hook", (200, {"ok": True}))
    config = {"recipients": [{"name": "Dasbor", "channel": "webhook", "url": service.base_url + "/hook"}]}
    ws = make_ws(tmp_path, f"sqlite:///{tmp_path / 'once.db'}", config)
    closing.append(ws)
    with transaction(ws.engine) as conn:
        assert enqueue(conn, kind="alert", ref="7", subject="Peringatan", text="…") == 1
    events: list[str] = []
    ws.run_monitor(once=True, on_event=events.append)
    # the alert, and (after [brief] time) yesterday's short brief that the same pass made and queued
    assert "7" in [call.json()["ref"] for call in service.to("/hook")]
    assert {row["status"] for row in rows(ws)} == {"sent"}
    assert any(event.startswith("delivery: sent") for event in events)
