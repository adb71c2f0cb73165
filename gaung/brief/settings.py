"""Brief settings: `[brief]` in gaung.toml (when the monitor makes the daily brief, its logo, language).

Loaded with the rest of the settings, so a typo in the time or the language stops `gaung` at start-up
with the file and key named, not at seven the next morning. A logo path that does not exist is *not* an
error here: the brief is still made, without a logo, and says so (see `gaung.brief.render.load_logo`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import time as time_of_day
from typing import Any

from gaung.errors import ConfigError

LANGUAGES = ("id", "en")
_TIME_RE = re.compile(r"^(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)$")


@dataclass
class BriefSettings:
    """The daily brief (laporan monitoring media harian)."""

    time: str = "07:00"  # office time (WIB) after which the monitor makes yesterday's brief
    enabled: bool = True  # false: the monitor makes no brief (the CLI and the Laporan page still can)
    lang: str = "id"  # the language of the scheduled brief: id | en
    logo: str = ""  # an image file (PNG, JPEG, GIF, WebP or SVG); relative paths start at gaung.toml
    max_clippings: int = 60  # rekap kliping lists this many stories, then "and N more"
    base_url: str = ""  # the web app's address for evidence links; empty: [delivery] base_url, else no links

    def scheduled_time(self) -> time_of_day:
        """`time` as a `datetime.time` (validated when the settings are loaded)."""
        return parse_time(self.time, "[brief] time")


def parse_time(value: str, where: str) -> time_of_day:
    """'07:00' → time(7, 0); anything else is a ConfigError naming `where`."""
    match = _TIME_RE.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ConfigError(
            f'{where}: expected a time of day like "07:00" (24-hour, office time), got {value!r}'
        )
    return time_of_day(int(match.group("hour")), int(match.group("minute")))


def brief_settings_from_dict(data: Any, where: str) -> BriefSettings:
    """`[brief]` from a parsed TOML table, every key checked and named in the error."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: [brief] must be a table")
    defaults = BriefSettings()
    known = {f.name for f in fields(BriefSettings)}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"{where} [brief]: unknown key {key!r}; known: {', '.join(sorted(known))}")
        expected = type(getattr(defaults, key))
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(f"{where} [brief] {key}: expected {expected.__name__}, got {value!r}")
    settings = BriefSettings(**data)
    parse_time(settings.time, f"{where} [brief] time")
    if settings.lang not in LANGUAGES:
        raise ConfigError(f"{where} [brief] lang: use one of {', '.join(LANGUAGES)}, got {settings.lang!r}")
    if settings.base_url.strip() and not re.match(r"^https?://[^\s/]+", settings.base_url.strip()):
        # a relative or schemeless address makes links that lead nowhere from a PDF or an email
        raise ConfigError(
            f"{where} [brief] base_url: expected the web app's full address like "
            f'"https://gaung.example.go.id", got {settings.base_url!r}'
        )
    if settings.max_clippings < 1:
        raise ConfigError(
            f"{where} [brief] max_clippings: expected a number ≥ 1, got {settings.max_clippings}"
        )
    return settings
