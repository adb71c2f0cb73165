"""robots.txt rules per origin, fetched once and cached (parsed with protego).

Outcomes follow RFC 9309 and the common polite convention:
- 2xx: obey the rules;
- 4xx (404, 410, 403 ...): the site has no robots.txt for us, so everything is allowed;
- 5xx or unreachable: the site may be overloaded or broken, so we assume "disallow all" for a short
  while (`failure_ttl`) and try again later, rather than hammering a struggling server.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from protego import Protego

from gaung.errors import FetchError

__all__ = ["ROBOTS_MAX_BYTES", "RobotsCache", "RobotsRules", "origin_of"]

log = logging.getLogger(__name__)

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB; more is ignored
ROBOTS_TTL = 24 * 3600.0  # RFC 9309: do not use a cached robots.txt for more than 24 hours
ROBOTS_FAILURE_TTL = 600.0  # after a 5xx/unreachable robots.txt, stay away this long before retrying

# (status, body) of GET robots.txt; raises FetchError when the host cannot be reached.
RobotsLoader = Callable[[str], Awaitable[tuple[int, bytes]]]


def origin_of(url: str) -> str:
    """scheme://host[:port], the unit robots.txt applies to."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


@dataclass
class RobotsRules:
    """What one origin's robots.txt lets us do, and until when we trust this answer."""

    origin: str
    mode: Literal["rules", "allow_all", "disallow_all"]
    reason: str
    expires_at: float
    parser: Protego | None = field(default=None, repr=False)

    def allowed(self, url: str, user_agent: str) -> bool:
        """Whether robots.txt lets `user_agent` fetch `url`."""
        if self.mode == "allow_all":
            return True
        if self.mode == "disallow_all" or self.parser is None:
            return False
        return bool(self.parser.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        """The Crawl-delay asked of us, in seconds, if any."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay is not None else None

    def sitemaps(self) -> list[str]:
        """Sitemap URLs declared in robots.txt."""
        return list(self.parser.sitemaps) if self.parser is not None else []


class RobotsCache:
    """Fetch-once cache of robots.txt rules, one entry per origin, safe for concurrent use."""

    def __init__(
        self,
        loader: RobotsLoader,
        *,
        ttl: float = ROBOTS_TTL,
        failure_ttl: float = ROBOTS_FAILURE_TTL,
    ) -> None:
        self._loader = loader
        self._ttl = ttl
        self._failure_ttl = failure_ttl
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def rules_for(self, url: str) -> RobotsRules:
        """The rules for the URL's origin, fetching robots.txt when not cached or expired."""
        origin = origin_of(url)
        cached = self._rules.get(origin)
        if cached is not None and cached.expires_at > time.monotonic():
            return cached
        # One fetch per origin even when many requests for it start at once.
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            cached = self._rules.get(origin)
            if cached is not None and cached.expires_at > time.monotonic():
                return cached
            rules = await self._load(origin)
            self._rules[origin] = rules
            return rules

    def forget(self, url: str) -> None:
        """Drop the cached rules for the URL's origin (e.g. after the site changed them)."""
        self._rules.pop(origin_of(url), None)

    async def _load(self, origin: str) -> RobotsRules:
        robots_url = f"{origin}/robots.txt"
        now = time.monotonic()
        try:
            status, body = await self._loader(robots_url)
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                return RobotsRules(origin, "allow_all", f"robots.txt returned {exc.status}", now + self._ttl)
            log.warning("robots.txt unreachable, treating %s as disallowed for now: %s", origin, exc.reason)
            return RobotsRules(
                origin, "disallow_all", f"robots.txt unreachable: {exc.reason}", now + self._failure_ttl
            )
        if 400 <= status < 500:
            return RobotsRules(origin, "allow_all", f"robots.txt returned {status}", now + self._ttl)
        if status >= 500 or status < 200 or status >= 300:
            return RobotsRules(
                origin, "disallow_all", f"robots.txt returned {status}", now + self._failure_ttl
            )
        text = body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
        return RobotsRules(origin, "rules", "robots.txt rules", now + self._ttl, parser=Protego.parse(text))
