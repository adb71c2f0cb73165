"""Delivery settings: `[delivery]` (SMTP, Telegram, webhooks, retries) and `[[recipients]]` in gaung.toml.

Secrets never live in the file (nor on the settings page): the file names the environment variable
that holds them (`password_env`, `token_env`, `secret_env`) — a GAUNG_… name that is not one of Gaung's
own settings (`secret_env_problem`), so no edit can send the database URL to a server it names.

Addresses are checked when the file is loaded, but a bad address is *not* fatal: the recipient keeps a
`problem`, its deliveries fail with that message (naming the recipient), and every other recipient still
receives. A structural mistake (unknown key, unknown channel, duplicate name) is a `ConfigError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from gaung.errors import ConfigError

CHANNELS = ("email", "telegram", "webhook")
KINDS = ("alert", "brief")
SECURITY_MODES = ("starttls", "tls", "none")
# The key that holds a recipient's address, per channel (as the issue and the example file spell it).
ADDRESS_KEY = {"email": "address", "telegram": "chat_id", "webhook": "url"}

# RFC 5322 "dot-atom" local part and an LDH domain with at least one dot: strict enough to catch typos
# ("kadis@@pemkot", "kadis.pemkot.go.id", a trailing comma) without rejecting real government mailboxes.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_RE = re.compile(rf"^{_LOCAL}@{_LABEL}(?:\.{_LABEL})+$")
# A numeric chat id (groups and channels are negative) or a public @channelname.
CHAT_ID_RE = re.compile(r"^(?:-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$")
# Secrets are read from environment variables the file names, and sent to servers the file names. So that
# an admin's edit cannot send the server's own environment (a database URL with its password) to a mail
# server or a URL of their choosing, a secret variable must be named GAUNG_… and must not be one of the
# variables Gaung reads as its own settings (see gaung/config.py and the modules named below).
SECRET_ENV_RE = re.compile(r"^GAUNG_[A-Z0-9_]+$")
RESERVED_ENV = frozenset(
    {
        "GAUNG_HOME",  # config.py: the data directory
        "GAUNG_CONFIG",  # config.py: the settings file
        "GAUNG_DATABASE_URL",  # config.py: the database, with its password
        "GAUNG_MODELS",  # analyze/modelstore.py, analyze/ner.py
        "GAUNG_ANALYSIS_WORKERS",  # analyze/pipeline.py
        "GAUNG_TRUST_PROXY",  # web/auth.py
        "GAUNG_TEST_DATABASE_URL",  # tests/conftest.py: a database URL with its password
        "GAUNG_TEST_PG_ADMIN_URL",  # tests/conftest.py
    }
)
MAX_TIMEOUT = 120.0  # seconds per answer; a server silent for longer is down, and claims must outlast sends
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass
class SmtpSettings:
    """The office's mail server. `security`: starttls (port 587), tls (implicit TLS, 465) or none (25)."""

    host: str = ""
    port: int = 587
    security: str = "starttls"
    user: str = ""
    password_env: str = "GAUNG_SMTP_PASSWORD"
    from_address: str = ""  # the TOML key is `from`
    timeout: float = 20.0  # seconds for connect and each reply; a silent server fails, then is retried
    ca_file: str = ""  # trust this CA/self-signed certificate instead of the system store


@dataclass
class TelegramSettings:
    """The Telegram bot. The base URL is configurable so tests (and a local Bot API server) can stand in."""

    api_url: str = "https://api.telegram.org"
    token_env: str = "GAUNG_TELEGRAM_TOKEN"
    timeout: float = 20.0


@dataclass
class WebhookSettings:
    timeout: float = 10.0  # a receiver that hangs longer is retried later


@dataclass
class DeliverySettings:
    """How and when the dispatcher sends. Times are in seconds."""

    enabled: bool = True  # false: messages are still queued (and visible), the monitor sends nothing
    tick_seconds: float = 10.0  # the monitor sends due messages this often, independent of crawl passes
    max_attempts: int = 6  # then the delivery is failed and stays in the log
    backoff: float = 30.0  # wait before the 2nd attempt; doubles each time (±20% jitter)
    backoff_cap: float = 3600.0
    alert_max_age: float = 6 * 3600.0  # alerts whose window ended longer ago are not sent (replays)
    base_url: str = ""  # the web app's address, for links in messages (e.g. https://gaung.example.go.id)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    telegram: TelegramSettings = field(default_factory=TelegramSettings)
    webhook: WebhookSettings = field(default_factory=WebhookSettings)


@dataclass
class Recipient:
    """One person, group or system that receives alerts and/or briefs on one channel."""

    name: str
    channel: str
    address: str  # email address, Telegram chat id or webhook URL (per `channel`)
    kinds: list[str] = field(default_factory=lambda: list(KINDS))
    secret_env: str = ""  # webhook: environment variable with the HMAC secret (no signature if empty)
    enabled: bool = True
    problem: str | None = None  # set when the address is invalid; deliveries to it fail naming it

    def options(self) -> dict[str, Any]:
        """Channel options that are safe to store and show (names of env vars, never their values)."""
        return {"secret_env": self.secret_env} if self.secret_env else {}

    def to_toml(self) -> dict[str, Any]:
        """The `[[recipients]]` table that reads back as this recipient."""
        table: dict[str, Any] = {"name": self.name, "channel": self.channel}
        table[ADDRESS_KEY.get(self.channel, "address")] = self.address
        table["kinds"] = list(self.kinds)
        if self.secret_env:
            table["secret_env"] = self.secret_env
        if not self.enabled:
            table["enabled"] = False
        return table


def secret_env_problem(name: str) -> str | None:
    """Why `name` may not hold a delivery secret (see SECRET_ENV_RE), or None when it may."""
    if not SECRET_ENV_RE.match(name):
        return (
            f"{name!r} is not allowed: name a variable that starts with GAUNG_ and has only capital "
            "letters, digits and _ (e.g. GAUNG_SMTP_PASSWORD)"
        )
    if name in RESERVED_ENV:
        return f"{name!r} is one of Gaung's own settings, not a delivery secret; use e.g. GAUNG_SMTP_PASSWORD"
    return None


def shown_address(channel: str, address: str) -> str:
    """The address as the log, the API and error lines show it: a webhook URL only as scheme://host/….

    Webhook URLs often carry their token in the path or query (`/hooks/T0K3N`), so everything after the
    host is hidden; email addresses and chat ids are shown whole.
    """
    if channel != "webhook":
        return address
    return _redacted_url(address)


def _redacted_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme and parts.netloc:
        host = parts.netloc.rpartition("@")[2]  # never a user:password@
        rest = url.strip().split(parts.netloc, 1)[1]
        return f"{parts.scheme}://{host}" + ("/…" if rest.strip("/") else rest)
    cut = min((i for i in (url.find("/"), url.find("?")) if i >= 0), default=-1)
    return url if cut < 0 else url[:cut] + "/…"


def address_problem(channel: str, address: str) -> str | None:
    """Why `address` cannot be used on `channel`, or None when it looks deliverable."""
    address = address.strip()
    if not address:
        return f"no {ADDRESS_KEY.get(channel, 'address')} given"
    if channel == "email":
        if len(address) > 254 or not EMAIL_RE.match(address) or len(address.split("@")[0]) > 64:
            return f"{address!r} is not a valid email address (expected name@domain.go.id)"
    elif channel == "telegram":
        if not CHAT_ID_RE.match(address):
            return f"{address!r} is not a Telegram chat id (a number such as -1001234567890, or @channel)"
    elif channel == "webhook":
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return f"{_redacted_url(address)!r} is not an http(s) URL"
    else:
        return f"unknown channel {channel!r}"
    return None


def _typed(cls: type, data: Any, where: str, renames: dict[str, str] | None = None) -> Any:
    """A settings dataclass from a TOML table, naming unknown keys and wrong types; skips nested tables."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a table, got {data!r}")
    renames = renames or {}
    defaults = cls()
    known = {renames.get(f.name, f.name): f.name for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        name = known[key]
        if _is_nested(defaults, name):
            continue  # read by the caller
        expected = type(getattr(defaults, name))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{where}.{key}: expected {expected.__name__}, got {value!r}")
        kwargs[name] = value
    return cls(**kwargs)


def _is_nested(obj: Any, name: str) -> bool:
    return isinstance(getattr(obj, name), SmtpSettings | TelegramSettings | WebhookSettings)


def parse_delivery(data: dict[str, Any], where: str = "config") -> tuple[DeliverySettings, list[Recipient]]:
    """Read `[delivery]` and `[[recipients]]` from a parsed gaung.toml; raises ConfigError naming the part."""
    raw = data.get("delivery", {})
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} [delivery]: expected a table")
    delivery = _typed(DeliverySettings, raw, f"{where} [delivery]")
    if "smtp" in raw:
        delivery.smtp = _typed(
            SmtpSettings, raw["smtp"], f"{where} [delivery.smtp]", {"from_address": "from"}
        )
    if "telegram" in raw:
        delivery.telegram = _typed(TelegramSettings, raw["telegram"], f"{where} [delivery.telegram]")
    if "webhook" in raw:
        delivery.webhook = _typed(WebhookSettings, raw["webhook"], f"{where} [delivery.webhook]")
    _check_delivery(delivery, where)
    recipients_raw = data.get("recipients", [])
    if not isinstance(recipients_raw, list):
        raise ConfigError(f"{where}: write each recipient as a [[recipients]] table")
    recipients: list[Recipient] = []
    seen: set[str] = set()
    for index, entry in enumerate(recipients_raw, start=1):
        recipient = parse_recipient(entry, f"{where} [[recipients]] #{index}")
        if recipient.name.casefold() in seen:
            raise ConfigError(f"{where} [[recipients]] #{index}: the name {recipient.name!r} is used twice")
        seen.add(recipient.name.casefold())
        recipients.append(recipient)
    return delivery, recipients


def _check_delivery(delivery: DeliverySettings, where: str) -> None:
    smtp = delivery.smtp
    if smtp.security not in SECURITY_MODES:
        raise ConfigError(
            f"{where} [delivery.smtp].security: {smtp.security!r}; use one of {', '.join(SECURITY_MODES)}"
        )
    if not 0 < smtp.port < 65536:
        raise ConfigError(f"{where} [delivery.smtp].port: {smtp.port} is not a TCP port")
    if smtp.from_address and address_problem("email", parseaddr(smtp.from_address)[1]):
        raise ConfigError(f"{where} [delivery.smtp].from: {smtp.from_address!r} is not a valid email address")
    for label, env_name in (
        ("[delivery.smtp].password_env", smtp.password_env),
        ("[delivery.telegram].token_env", delivery.telegram.token_env),
    ):
        problem = secret_env_problem(env_name) if env_name else None
        if problem:
            raise ConfigError(f"{where} {label}: {problem}")
    api = urlsplit(delivery.telegram.api_url)
    # The bot token travels in the URL: https, or plain http only to a Bot API server on this machine.
    if not api.hostname or not (
        api.scheme == "https" or (api.scheme == "http" and api.hostname in LOOPBACK_HOSTS)
    ):
        raise ConfigError(
            f"{where} [delivery.telegram].api_url: {delivery.telegram.api_url!r} must be an https:// URL "
            "(http:// only for a Bot API server on this machine)"
        )
    if delivery.max_attempts < 1:
        raise ConfigError(f"{where} [delivery].max_attempts: must be at least 1")
    for label, value in (
        ("tick_seconds", delivery.tick_seconds),
        ("backoff", delivery.backoff),
        ("backoff_cap", delivery.backoff_cap),
        ("smtp.timeout", smtp.timeout),
        ("telegram.timeout", delivery.telegram.timeout),
        ("webhook.timeout", delivery.webhook.timeout),
    ):
        if value <= 0:
            raise ConfigError(f"{where} [delivery].{label}: must be more than 0 seconds")
    for label, value in (
        ("smtp.timeout", smtp.timeout),
        ("telegram.timeout", delivery.telegram.timeout),
        ("webhook.timeout", delivery.webhook.timeout),
    ):
        if value > MAX_TIMEOUT:
            raise ConfigError(f"{where} [delivery].{label}: at most {MAX_TIMEOUT:g} seconds, got {value:g}")


def parse_recipient(entry: Any, where: str) -> Recipient:
    """One `[[recipients]]` table; an invalid address becomes `problem`, a structural error a ConfigError."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: expected a table")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: every recipient needs a name")
    name = " ".join(name.split())
    where = f"{where} ({name})"
    channel = entry.get("channel")
    if channel not in CHANNELS:
        raise ConfigError(f"{where}: channel must be one of {', '.join(CHANNELS)}, got {channel!r}")
    key = ADDRESS_KEY[channel]
    allowed = {"name", "channel", key, "kinds", "enabled"} | (
        {"secret_env"} if channel == "webhook" else set()
    )
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; a {channel} recipient takes {key}")
    address = entry.get(key, "")
    if isinstance(address, int) and not isinstance(address, bool):
        address = str(address)  # chat_id = -1001234 written as a number
    if not isinstance(address, str):
        raise ConfigError(f"{where}.{key}: expected text, got {address!r}")
    kinds = entry.get("kinds", list(KINDS))
    if isinstance(kinds, str):
        kinds = [kinds]
    if not isinstance(kinds, list) or not kinds or any(kind not in KINDS for kind in kinds):
        raise ConfigError(f"{where}.kinds: a list of {', '.join(KINDS)}, got {kinds!r}")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}.enabled: expected true or false, got {enabled!r}")
    secret_env = entry.get("secret_env", "")
    if not isinstance(secret_env, str):
        raise ConfigError(
            f"{where}.secret_env: expected the name of an environment variable, got {secret_env!r}"
        )
    problem = secret_env_problem(secret_env) if secret_env else None
    if problem:
        raise ConfigError(f"{where}.secret_env: {problem}")
    address = address.strip()
    problem = address_problem(channel, address)
    return Recipient(
        name=name,
        channel=channel,
        address=address,
        kinds=list(dict.fromkeys(kinds)),
        secret_env=secret_env,
        enabled=enabled,
        problem=f"recipient {name!r}: {problem}" if problem else None,
    )


def delivery_to_toml(delivery: DeliverySettings) -> dict[str, Any]:
    """`[delivery]` as TOML data (only what differs from the defaults), for writing gaung.toml back."""
    defaults = DeliverySettings()
    out: dict[str, Any] = {}
    for f in fields(DeliverySettings):
        value = getattr(delivery, f.name)
        if _is_nested(delivery, f.name):
            default_part = getattr(defaults, f.name)
            part = {
                ("from" if sub.name == "from_address" else sub.name): getattr(value, sub.name)
                for sub in fields(value)
                if getattr(value, sub.name) != getattr(default_part, sub.name)
            }
            if part:
                out[f.name] = part
        elif value != getattr(defaults, f.name):
            out[f.name] = value
    return out
