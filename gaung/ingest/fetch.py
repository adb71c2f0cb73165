"""Polite, safe HTTP fetching: URL in, `RawDocument` out.

What one `Fetcher.fetch(url)` does, in order, for every redirect hop:
1. SSRF guard (`netguard`): http(s) only, every resolved address public unless allowed;
2. robots.txt (`robots`), fetched once per origin and cached;
3. politeness: global and per-host concurrency limits, per-host delay (or robots Crawl-delay if larger);
4. GET with conditional headers, retried with exponential backoff on connect errors, timeouts, 5xx and
   429 (Retry-After honoured up to a cap), never on other 4xx;
5. redirects followed by hand so that each hop goes through steps 1-4;
6. body streamed with a size cap, binary types refused, charset decided (header, <meta>, sniffing).
"""

from __future__ import annotations

import asyncio
import codecs
import email.utils
import logging
import re
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import charset_normalizer
import httpcore
import httpx

from gaung.config import FetchSettings
from gaung.errors import FetchError, RobotsDisallowedError
from gaung.ingest.netguard import GuardedNetworkBackend, allow_private_var, check_url
from gaung.ingest.robots import ROBOTS_MAX_BYTES, RobotsCache, RobotsRules
from gaung.models import RawDocument

__all__ = ["FetchResult", "Fetcher", "decide_encoding", "fetch_sync"]

log = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_RETRY_AFTER = 120.0  # seconds; a server asking for longer is treated as a failure for this run
# A Crawl-delay of hours would stall every queue for the host; beyond this we wait this long instead
# (still far slower than any browser visitor).
MAX_CRAWL_DELAY = 60.0
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309: follow at least five redirects for robots.txt
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.8"
)

# Types that are never an article, feed or sitemap. Sitemaps may be gzip files: callers pass allow_binary.
BINARY_PREFIXES = ("image/", "audio/", "video/", "font/")
BINARY_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "application/x-zip-compressed",
        "application/gzip",
        "application/x-gzip",
        "application/x-rar-compressed",
        "application/x-7z-compressed",
        "application/octet-stream",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/x-shockwave-flash",
    }
)
BINARY_MAGIC = (b"%PDF-", b"\x89PNG", b"PK\x03\x04", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!")

_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([a-zA-Z0-9_.:\-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([a-zA-Z0-9_.:\-]+)["']""")
_SINGLE_BYTE_CODEC = re.compile(
    r"^(cp125\d|iso8859[-_]\d+|latin[-_]?\d|mac[-_]\w+|koi8[-_]\w|cp8\d\d|tis[-_]620)$"
)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass
class FetchResult:
    """The outcome of one successful fetch: a document, or "not modified" for a conditional GET."""

    url: str
    document: RawDocument | None = None
    not_modified: bool = False
    status: int = 200
    etag: str | None = None
    last_modified: str | None = None
    redirects: list[str] = field(default_factory=list)  # URLs visited before the final one


@dataclass
class _Response:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes = b""


@dataclass
class _HostState:
    """Per-host politeness: how many requests may be open, and when the next one may start."""

    semaphore: asyncio.Semaphore
    next_start: float = 0.0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class _GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx transport whose connection pool connects only to addresses the SSRF guard accepted."""

    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(limits=limits, trust_env=False)
        # httpx offers no public hook for the network backend; replace the pool it built with one that
        # uses ours (same settings as httpx's own defaults for a proxy-less transport).
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedNetworkBackend(),
        )


class Fetcher:
    """Async fetcher for pages, feeds and sitemaps; use as `async with Fetcher(settings) as f:`."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        robots_failure_ttl: float = 600.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        """`transport` replaces the guarded network transport (for tests with httpx.MockTransport)."""
        self.settings = settings or FetchSettings()
        limits = httpx.Limits(max_connections=self.settings.global_concurrency)
        self._client = httpx.AsyncClient(
            transport=transport or _GuardedTransport(limits),
            timeout=httpx.Timeout(
                connect=self.settings.connect_timeout,
                read=self.settings.read_timeout,
                write=self.settings.read_timeout,
                pool=self.settings.connect_timeout,
            ),
            follow_redirects=False,  # every hop must pass the SSRF guard and robots.txt
            trust_env=False,  # an environment proxy would connect for us and bypass the guard
            headers={"User-Agent": self.settings.user_agent, "Accept": ACCEPT},
        )
        self._global = asyncio.Semaphore(self.settings.global_concurrency)
        self._hosts: dict[str, _HostState] = {}
        self.robots = RobotsCache(self._load_robots, failure_ttl=robots_failure_ttl)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        allow_private: bool = False,
        allow_binary: bool = False,
    ) -> FetchResult:
        """Fetch one URL. Raises FetchError (or its subclasses) with the URL and a readable reason.

        `allow_private` lets an intranet source through the SSRF guard; `allow_binary` accepts binary
        bodies such as gzip sitemaps (pages and feeds refuse them).
        """
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        token = allow_private_var.set(allow_private or self.settings.allow_private)
        try:
            response, chain = await self._follow(
                url, headers, max_bytes=self.settings.max_bytes, allow_binary=allow_binary, check_robots=True
            )
        finally:
            allow_private_var.reset(token)
        result = FetchResult(
            url=url,
            status=response.status,
            etag=response.headers.get("ETag") or (etag if response.status == 304 else None),
            last_modified=response.headers.get("Last-Modified")
            or (last_modified if response.status == 304 else None),
            redirects=chain[:-1],
        )
        if response.status == 304:
            result.not_modified = True
            return result
        if not response.body:
            raise FetchError(url, f"empty response body (HTTP {response.status})", status=response.status)
        content_type = response.headers.get("Content-Type")
        mime = content_type.split(";")[0].strip().lower() if content_type else None
        is_binary = _is_binary(mime, response.body)
        if is_binary and not allow_binary:
            raise FetchError(url, f"binary content ({mime or 'sniffed from body'}) is not a page or feed")
        result.document = RawDocument(
            url=url,
            content=response.body,
            fetched_at=datetime.now(UTC),
            status=response.status,
            headers=dict(response.headers.items()),
            final_url=response.url,
            encoding=None if is_binary else decide_encoding(response.body, content_type),
            content_type=mime,
        )
        return result

    async def fetch_many(
        self, urls: Iterable[str], **options: Any
    ) -> AsyncIterator[FetchResult | FetchError]:
        """Fetch URLs concurrently, yielding each result or error as it completes.

        One failing URL never stops the others; errors carry their URL (`FetchError.url`).
        """

        async def one(url: str) -> FetchResult | FetchError:
            try:
                return await self.fetch(url, **options)
            except FetchError as exc:
                return exc
            except Exception as exc:  # a crawl of thousands of URLs must survive one odd failure
                log.exception("unexpected error fetching %s", url)
                return FetchError(url, f"unexpected {type(exc).__name__}: {exc}")

        tasks = [asyncio.create_task(one(url)) for url in urls]
        try:
            for next_done in asyncio.as_completed(tasks):
                yield await next_done
        finally:
            for task in tasks:
                task.cancel()

    async def robots_rules(self, url: str, *, allow_private: bool = False) -> RobotsRules:
        """The robots.txt rules for the URL's origin (cached), e.g. to read its Sitemap lines."""
        token = allow_private_var.set(allow_private or self.settings.allow_private)
        try:
            return await self.robots.rules_for(url)
        finally:
            allow_private_var.reset(token)

    # -- internals -------------------------------------------------------------------------------------

    async def _load_robots(self, robots_url: str) -> tuple[int, bytes]:
        response, _chain = await self._follow(
            robots_url,
            {},
            max_bytes=ROBOTS_MAX_BYTES,
            allow_binary=True,
            check_robots=False,
            truncate=True,
            max_redirects=ROBOTS_MAX_REDIRECTS,
        )
        return response.status, response.body

    async def _follow(
        self,
        url: str,
        headers: dict[str, str],
        *,
        max_bytes: int,
        allow_binary: bool,
        check_robots: bool,
        truncate: bool = False,
        max_redirects: int | None = None,
    ) -> tuple[_Response, list[str]]:
        """Follow redirects by hand, checking every hop; return the final response and the URL chain."""
        limit = self.settings.max_redirects if max_redirects is None else max_redirects
        chain: list[str] = []
        hop = urldefrag(url)[0]
        while True:
            chain.append(hop)
            try:
                await check_url(hop, allow_private=allow_private_var.get())
            except OSError as exc:
                raise FetchError(hop, str(exc), retryable=True) from None
            delay = self.settings.per_host_delay
            if check_robots and self.settings.respect_robots:
                rules = await self.robots.rules_for(hop)
                if not rules.allowed(hop, self.settings.user_agent):
                    raise RobotsDisallowedError(hop, f"disallowed by robots.txt ({rules.reason})")
                crawl_delay = min(rules.crawl_delay(self.settings.user_agent) or 0.0, MAX_CRAWL_DELAY)
                delay = max(delay, crawl_delay)
            response = await self._get_with_retries(hop, headers, delay, max_bytes, allow_binary, truncate)
            location = response.headers.get("Location")
            if response.status in REDIRECT_STATUSES and not location:
                raise FetchError(
                    hop, f"HTTP {response.status} redirect without a Location header", status=response.status
                )
            if response.status not in REDIRECT_STATUSES or not location:
                if response.status >= 400:
                    raise FetchError(
                        hop,
                        f"HTTP {response.status}{_via(chain)}",
                        status=response.status,
                        retryable=response.status >= 500 or response.status == 429,
                    )
                return response, chain
            target = urldefrag(urljoin(hop, location.strip()))[0]
            if target in chain:
                raise FetchError(
                    url, f"redirect loop: {' -> '.join([*chain, target])}", status=response.status
                )
            if len(chain) > limit:
                raise FetchError(
                    url, f"too many redirects (more than {limit}): {' -> '.join([*chain, target])}"
                )
            hop = target

    async def _get_with_retries(
        self,
        url: str,
        headers: dict[str, str],
        delay: float,
        max_bytes: int,
        allow_binary: bool,
        truncate: bool,
    ) -> _Response:
        """One hop, retried on transient failures (connect errors, timeouts, 5xx, 429)."""
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            wait = self.settings.backoff * (2**attempt)
            try:
                response = await self._get_once(url, headers, delay, max_bytes, allow_binary, truncate)
            except httpx.TimeoutException as exc:
                failure = FetchError(url, f"timed out ({type(exc).__name__})", retryable=True)
            except httpx.TransportError as exc:
                failure = FetchError(url, f"network error: {type(exc).__name__}: {exc}", retryable=True)
            else:
                if response.status != 429 and response.status < 500:
                    return response
                retry_after = _retry_after_seconds(response.headers.get("Retry-After"))
                if retry_after is not None:
                    if retry_after > MAX_RETRY_AFTER:
                        return response  # caller raises the HTTP error; we won't wait that long
                    wait = max(wait, retry_after)
                if attempt == attempts - 1:
                    return response
                log.info("HTTP %s from %s, retry %d in %.1fs", response.status, url, attempt + 1, wait)
                await asyncio.sleep(wait)
                continue
            if attempt == attempts - 1:
                if attempts > 1:
                    failure = FetchError(url, f"{failure.reason} after {attempts} attempts", retryable=True)
                raise failure
            log.info("%s; retry %d in %.1fs", failure, attempt + 1, wait)
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    async def _get_once(
        self,
        url: str,
        headers: dict[str, str],
        delay: float,
        max_bytes: int,
        allow_binary: bool,
        truncate: bool,
    ) -> _Response:
        host = urlsplit(url).netloc.lower()
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _HostState(asyncio.Semaphore(self.settings.per_host_concurrency))
        async with state.semaphore:
            async with state.lock:
                # Reserve the next start slot for this host, then wait for it outside the lock.
                now = time.monotonic()
                start = max(now, state.next_start)
                state.next_start = start + delay
            if start > now:
                await asyncio.sleep(start - now)
            # The global slot is taken only now, so a host's crawl delay does not hold up other hosts.
            async with self._global:
                return await self._send(url, headers, max_bytes, allow_binary, truncate)

    async def _send(
        self, url: str, headers: dict[str, str], max_bytes: int, allow_binary: bool, truncate: bool
    ) -> _Response:
        """Send one GET and read a 2xx body under the size cap (other statuses: headers only)."""
        request = self._client.build_request("GET", url, headers=headers)
        response = await self._client.send(request, stream=True)
        try:
            result = _Response(url, response.status_code, response.headers)
            if not 200 <= response.status_code < 300:
                return result
            mime = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if not allow_binary and _is_binary(mime, b""):
                raise FetchError(url, f"binary content ({mime}) is not a page or feed")
            declared = _int_or_none(response.headers.get("Content-Length"))
            if declared is not None and declared > max_bytes and not truncate:
                raise FetchError(url, f"response larger than {max_bytes} bytes (Content-Length {declared})")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    if truncate:
                        chunks.append(chunk[: max_bytes - (size - len(chunk))])
                        break
                    raise FetchError(url, f"response larger than {max_bytes} bytes; download stopped")
                chunks.append(chunk)
            result.body = b"".join(chunks)
            return result
        finally:
            await response.aclose()


def _via(chain: list[str]) -> str:
    return f" (via {' -> '.join(chain[:-1])})" if len(chain) > 1 else ""


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _is_binary(mime: str | None, body: bytes) -> bool:
    if mime and (mime.startswith(BINARY_PREFIXES) or mime in BINARY_TYPES):
        return True
    return body.startswith(BINARY_MAGIC)


def _codec_name(label: str | None) -> str | None:
    """Python codec name for a charset label, or None when unknown. Latin-1 labels mean windows-1252,
    as in browsers (WHATWG Encoding), because that is what such pages really contain."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def _declared_charset(content: bytes, content_type: str | None) -> str | None:
    """Charset from the Content-Type header, else from <meta> or the XML declaration."""
    if content_type:
        for param in content_type.split(";")[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "charset":
                name = _codec_name(value)
                if name:
                    return name
    head = content[:4096]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return _codec_name(match.group(1).decode("ascii", "ignore")) if match else None


def _decodes(content: bytes, encoding: str) -> bool:
    try:
        content.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def decide_encoding(content: bytes, content_type: str | None = None) -> str:
    """The charset to decode `content` with: a BOM, else the declared charset (header, then <meta>)
    unless it fails to decode or yields mojibake, else what charset-normalizer detects.

    Real Indonesian sites lie both ways: windows-1252 pages declared utf-8 (undecodable) and utf-8 pages
    declared iso-8859-1 (decodes, but "Ã©"-style mojibake), so a declaration is checked, not trusted.
    """
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name
    declared = _declared_charset(content, content_type)
    is_ascii = content.isascii()
    if declared and not declared.startswith(("utf_16", "utf_32", "utf-16", "utf-32")):
        # Non-ASCII bytes that happen to be valid UTF-8 are practically never legacy-charset text.
        if declared != "utf-8" and not is_ascii and _decodes(content, "utf-8"):
            return "utf-8"
        if _decodes(content, declared):
            return declared
    elif declared and _decodes(content, declared):
        return declared
    if is_ascii or _decodes(content, "utf-8"):
        return "utf-8"
    best = charset_normalizer.from_bytes(content).best()
    detected = _codec_name(best.encoding) if best is not None else None
    # Indonesian and English text is Latin script: among single-byte code pages a short page cannot tell
    # cp1252 from cp1250/iso8859-2 etc., and in practice the legacy pages we meet are cp1252.
    if detected and not _SINGLE_BYTE_CODEC.match(detected) and _decodes(content, detected):
        return detected
    return "cp1252"


def fetch_sync(url: str, settings: FetchSettings | None = None, **options: Any) -> FetchResult:
    """Blocking one-off fetch for the CLI and scripts (not for use inside a running event loop)."""

    async def run() -> FetchResult:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch(url, **options)

    return asyncio.run(run())
