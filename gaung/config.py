"""Settings: one dataclass tree with shipped defaults, overridden by `gaung.toml`, then by environment.

A user's file only needs the keys it changes (the lesson of trafilatura's settings.cfg). Lookup order:
`--config PATH`, `$GAUNG_CONFIG`, `./gaung.toml`, `$GAUNG_HOME/gaung.toml`; the data directory is
`$GAUNG_HOME` (default `./var`).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from gaung.brief.settings import BriefSettings, brief_settings_from_dict
from gaung.deliver.settings import DeliverySettings, Recipient, parse_delivery
from gaung.errors import ConfigError

SOURCE_KINDS = ("feed", "sitemap", "page", "html", "archive")


@dataclass
class FetchSettings:
    """How politely and safely we crawl."""

    user_agent: str = "GaungBot/0.1 (+https://github.com/gaung-id/gaung; media monitoring)"
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0  # seconds between requests to one host, unless robots.txt asks for more
    global_concurrency: int = 16
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    max_bytes: int = (
        10 * 1024 * 1024
    )  # a bigger body is abandoned mid-stream and reported, never loaded whole
    retries: int = 3
    backoff: float = 1.0  # first retry delay in seconds; doubles each try
    max_redirects: int = 10
    respect_robots: bool = True
    allow_private: bool = False  # refuse loopback/private/link-local targets (SSRF) unless set


@dataclass
class PollSettings:
    """Adaptive feed polling: poll often when a feed is busy, rarely when it is quiet."""

    min_interval: float = 300.0
    max_interval: float = 6 * 3600.0
    default_interval: float = 1800.0
    stale_after_days: float = 3.0  # no new item for this long: "stale"
    dead_after_failures: int = 5  # this many failures in a row: "dead"


@dataclass
class SourceConfig:
    name: str
    kind: str
    url: str
    allow_private: bool = False
    enabled: bool = True
    site: str | None = None


@dataclass
class WatchEntry:
    """One thing the office watches: a person, agency, program or place, with its aliases."""

    id: str
    name: str
    type: str = "PERSON"  # PERSON | ORGANIZATION | PLACE | PROGRAM
    aliases: list[str] = field(default_factory=list)


# -- kinerja (SKP scorecards; gaung.kinerja.scorecards) -------------------------------------------
# Office default targets per person per MONTH (quarters and years scale the counts by 3 and 12; rates
# stay as they are). A `skp_targets` row for the person and period wins; a default of 0 means "no target".
KINERJA_DEFAULT_TARGETS: dict[str, float] = {
    "posts_published": 8.0,
    "total_reach": 20000.0,
    "median_engagement_rate": 3.0,  # percent, engagement rate by reach
    "negative_answered_within": 80.0,  # percent of responses published within `response_hours`
    "assignments_on_time": 80.0,  # percent of assignments due in the period done by their due date
}
# How one output's credit is split among the roles that worked on it (normalised over the roles
# present, then split equally among the people holding a role).
KINERJA_ROLE_WEIGHTS: dict[str, float] = {
    "writer": 0.4,
    "designer": 0.2,
    "videographer": 0.2,
    "editor": 0.1,
    "approver": 0.1,
}


@dataclass
class KinerjaSettings:
    """Scorecards: default targets, credit weights, the response window and the rating rule.

    The default rule follows common PermenPAN-RB 6/2022 practice: "di atas ekspektasi" when every
    indicator with data reaches its target and at least `above_share` of them reach `above_threshold`
    percent; "di bawah ekspektasi" when more than `below_share` of them stay under `below_threshold`
    percent; otherwise "sesuai ekspektasi".
    """

    targets: dict[str, float] = field(default_factory=lambda: dict(KINERJA_DEFAULT_TARGETS))
    role_weights: dict[str, float] = field(default_factory=lambda: dict(KINERJA_ROLE_WEIGHTS))
    response_hours: float = 24.0  # "negative issue answered within N hours" of its first mention
    above_threshold: float = 110.0
    above_share: float = 0.5
    below_threshold: float = 80.0
    below_share: float = 0.5
    recognition_min_posts: int = 3  # "best engagement" only among people with at least this many posts


def _kinerja_settings(data: Any, where: str) -> KinerjaSettings:
    """`[kinerja]` with `[kinerja.targets]` and `[kinerja.role_weights]`, each key checked."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: [kinerja] must be a table")
    settings = KinerjaSettings()
    known = {f.name for f in fields(KinerjaSettings)}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{where} [kinerja]: unknown key {key!r}; known: {', '.join(sorted(known))}")
        if key in ("targets", "role_weights"):
            if not isinstance(value, dict):
                raise ConfigError(f"{where} [kinerja.{key}]: must be a table of numbers")
            table = dict(getattr(settings, key))
            for name, number in value.items():
                if key == "targets" and name not in KINERJA_DEFAULT_TARGETS:
                    raise ConfigError(
                        f"{where} [kinerja.targets]: unknown indicator {name!r}; "
                        f"known: {', '.join(KINERJA_DEFAULT_TARGETS)}"
                    )
                if isinstance(number, bool) or not isinstance(number, int | float) or number < 0:
                    raise ConfigError(
                        f"{where} [kinerja.{key}] {name}: expected a number ≥ 0, got {number!r}"
                    )
                table[name] = float(number)
            setattr(settings, key, table)
            continue
        expected = type(getattr(settings, key))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or isinstance(value, bool) or value < 0:
            raise ConfigError(f"{where} [kinerja] {key}: expected a {expected.__name__} ≥ 0, got {value!r}")
        setattr(settings, key, value)
    return settings


@dataclass
class Settings:
    organisation: str = "Diskominfo"
    home: Path = field(default_factory=lambda: Path(os.environ.get("GAUNG_HOME", "var")))
    database_url: str = ""  # empty: SQLite file in `home`
    fetch: FetchSettings = field(default_factory=FetchSettings)
    poll: PollSettings = field(default_factory=PollSettings)
    sources: list[SourceConfig] = field(default_factory=list)
    watchlist: list[WatchEntry] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)  # [[alerts]] tables, validated on load
    kinerja: KinerjaSettings = field(default_factory=KinerjaSettings)  # [kinerja]: SKP scorecards
    brief: BriefSettings = field(default_factory=BriefSettings)  # [brief]: the daily brief
    delivery: DeliverySettings = field(default_factory=DeliverySettings)  # [delivery]: SMTP, Telegram
    recipients: list[Recipient] = field(default_factory=list)  # [[recipients]] of alerts and briefs
    config_path: Path | None = None

    def alert_rules(self) -> list[Any]:
        """The `[[alerts]]` rules as `gaung.analyze.alerts.AlertRule`s."""
        from gaung.analyze.alerts import rules_from_config

        return rules_from_config(self.alerts)

    @property
    def db_url(self) -> str:
        """The effective database URL: `$GAUNG_DATABASE_URL`, the file's value, or SQLite in `home`."""
        url = os.environ.get("GAUNG_DATABASE_URL") or self.database_url
        if url:
            return url
        return f"sqlite:///{(self.home / 'gaung.db').resolve()}"


def _build(cls: type, data: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    unknown = sorted(set(data) - set(known))
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    kwargs: dict[str, Any] = {}
    defaults = cls() if cls in (FetchSettings, PollSettings) else None
    for key, value in data.items():
        if defaults is not None:
            expected = type(getattr(defaults, key))
            if expected is float and isinstance(value, int):
                value = float(value)
            if not isinstance(value, expected):
                raise ConfigError(f"{where}.{key}: expected {expected.__name__}, got {value!r}")
        kwargs[key] = value
    try:
        return cls(**kwargs)
    except TypeError as exc:
        raise ConfigError(f"{where}: {exc}") from None


def load_settings(path: str | Path | None = None) -> Settings:
    """Read settings from the first config file found (see module docstring) plus the environment."""
    candidates: list[Path] = []
    if path:
        candidates = [Path(path)]
        if not candidates[0].exists():
            raise ConfigError(f"config file not found: {path}")
    else:
        if os.environ.get("GAUNG_CONFIG"):
            candidates.append(Path(os.environ["GAUNG_CONFIG"]))
        candidates.append(Path("gaung.toml"))
        candidates.append(Path(os.environ.get("GAUNG_HOME", "var")) / "gaung.toml")
    settings = Settings()
    for candidate in candidates:
        if candidate.is_file():
            return settings_from_toml(candidate)
    return settings


def settings_from_toml(path: Path) -> Settings:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return settings_from_dict(data, where=str(path))


def settings_from_dict(data: dict[str, Any], where: str = "config") -> Settings:
    settings = Settings(config_path=Path(where) if where != "config" else None)
    org = data.get("organisation", {})
    if isinstance(org, dict):
        settings.organisation = org.get("name", settings.organisation)
    elif isinstance(org, str):
        settings.organisation = org
    storage = data.get("storage", {})
    if "home" in storage and not os.environ.get("GAUNG_HOME"):
        settings.home = Path(storage["home"])
    settings.database_url = storage.get("database_url", "")
    if "fetch" in data:
        settings.fetch = _build(FetchSettings, data["fetch"], f"{where} [fetch]")
    if "poll" in data:
        settings.poll = _build(PollSettings, data["poll"], f"{where} [poll]")
    for i, raw in enumerate(data.get("sources", [])):
        src = _build(SourceConfig, raw, f"{where} [[sources]] #{i + 1}")
        if src.kind not in SOURCE_KINDS:
            raise ConfigError(
                f"{where} [[sources]] {src.name!r}: kind must be one of {', '.join(SOURCE_KINDS)}"
            )
        settings.sources.append(src)
    for i, raw in enumerate(data.get("watchlist", [])):
        settings.watchlist.append(_build(WatchEntry, raw, f"{where} [[watchlist]] #{i + 1}"))
    settings.alerts = list(data.get("alerts", []))
    if "kinerja" in data:
        settings.kinerja = _kinerja_settings(data["kinerja"], where)
    if "brief" in data:
        settings.brief = brief_settings_from_dict(data["brief"], where)
    settings.delivery, settings.recipients = parse_delivery(data, where)  # bad addresses: not fatal
    try:
        settings.alert_rules()  # fail at start-up, naming the rule, not at the first alert check
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return settings


def to_plain(obj: Any) -> Any:
    """Settings as plain dicts/lists (for `gaung config show` and tests)."""
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_plain(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, list):
        return [to_plain(x) for x in obj]
    if isinstance(obj, Path):
        return str(obj)
    return obj
