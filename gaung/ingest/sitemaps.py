"""Sitemaps to `FeedEntry`s: urlset, sitemap index, Google News, gzip and plain-text sitemaps.

A small lxml parser rather than ultimate-sitemap-parser: usp's string parser recurses into child
sitemaps with its own HTTP client (bypassing our SSRF guard, robots.txt and politeness) and only logs
parse errors, while we need the child URLs back and the problems reported.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

from lxml import etree

from gaung.errors import ParseError
from gaung.ingest.feeds import WIB, parse_feed
from gaung.models import FeedEntry

__all__ = ["MAX_SITEMAP_BYTES", "SitemapParseResult", "discover_sitemaps", "parse_sitemap"]

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for one (uncompressed) sitemap file
MAX_PROBLEMS = 20  # a broken 50,000-URL sitemap should not produce 50,000 messages

_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


@dataclass
class SitemapParseResult:
    """Pages (as FeedEntry: news:title and news:publication_date when given), child sitemaps, problems."""

    url: str
    kind: Literal["urlset", "sitemapindex", "text", "feed"]
    entries: list[FeedEntry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # children of a sitemap index, to fetch next
    lastmod: dict[str, datetime] = field(default_factory=dict)  # URL -> <lastmod>, for change detection
    problems: list[str] = field(default_factory=list)


def parse_sitemap(content: bytes, url: str) -> SitemapParseResult:
    """Parse a sitemap fetched from `url` (gzip-compressed or not).

    Malformed XML keeps what parsed and reports the problem; ParseError only when nothing usable is there.
    """
    problems: list[str] = []
    if content[:2] == b"\x1f\x8b":
        content = _gunzip(content, url, problems)
    if not content.strip():
        raise ParseError(url, "empty sitemap")
    if content.lstrip()[:1] == b"<":
        result = _parse_xml(content, url, problems)
    else:
        result = _parse_text(content, url, problems)
    if len(result.problems) > MAX_PROBLEMS:
        hidden = len(result.problems) - MAX_PROBLEMS
        result.problems = [*result.problems[:MAX_PROBLEMS], f"{url}: ... and {hidden} more problems"]
    return result


def discover_sitemaps(robots_txt: str) -> list[str]:
    """Sitemap URLs declared in a robots.txt (`Sitemap:` lines, any group, any case), in order."""
    found: list[str] = []
    for match in _SITEMAP_LINE.finditer(robots_txt):
        candidate = match.group(1).strip()
        if urlsplit(candidate).scheme in ("http", "https") and candidate not in found:
            found.append(candidate)
    return found


def _gunzip(content: bytes, url: str, problems: list[str]) -> bytes:
    # A bounded decompressor: a tiny gzip bomb must not expand into gigabytes in memory.
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = decompressor.decompress(content, MAX_SITEMAP_BYTES)
    except zlib.error as exc:
        raise ParseError(url, f"broken gzip data: {exc}") from None
    if decompressor.unconsumed_tail:
        problems.append(f"{url}: sitemap larger than {MAX_SITEMAP_BYTES} bytes uncompressed; rest ignored")
    elif not decompressor.eof:
        problems.append(f"{url}: gzip data is truncated; kept what decompressed")
    return data


def _local(tag: object) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(element: etree._Element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name:
            text = (child.text or "").strip()
            return text or None
    return None


def _parse_w3c_date(text: str | None) -> datetime | None:
    """W3C datetime (sitemaps.org): a date, or date and time with zone; no zone means WIB."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=WIB)


def _parse_xml(content: bytes, url: str, problems: list[str]) -> SitemapParseResult:
    # recover=True keeps the elements before a truncation or bad byte; entities/network stay off (XXE).
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise ParseError(url, f"not a sitemap: {exc}") from None
    errors = [f"{url}: malformed XML at line {e.line}: {e.message}" for e in parser.error_log]
    if root is None:
        raise ParseError(url, "not a sitemap: no XML element could be parsed")
    kind = _local(root.tag)
    if kind in ("rss", "feed", "rdf"):  # some sites list an RSS/Atom feed as their sitemap
        feed = parse_feed(content, url)
        return SitemapParseResult(url, "feed", entries=feed.entries, problems=problems + feed.problems)
    if kind == "html":
        raise ParseError(url, "this is an HTML page, not a sitemap")
    if kind not in ("urlset", "sitemapindex"):
        raise ParseError(url, f"not a sitemap: root element is <{kind}>, expected <urlset> or <sitemapindex>")
    result = SitemapParseResult(url, "urlset" if kind == "urlset" else "sitemapindex")
    result.problems = problems + errors
    item_tag = "url" if kind == "urlset" else "sitemap"
    for number, element in enumerate((e for e in root if _local(e.tag) == item_tag), 1):
        location = _child_text(element, "loc")
        absolute = urljoin(url, location) if location else None
        if not absolute or urlsplit(absolute).scheme not in ("http", "https"):
            result.problems.append(
                f"{url}: <{item_tag}> #{number} has no usable <loc> ({location!r}); skipped"
            )
            continue
        lastmod = _parse_w3c_date(_child_text(element, "lastmod"))
        if lastmod is not None:
            result.lastmod[absolute] = lastmod
        if kind == "sitemapindex":
            result.sitemaps.append(absolute)
            continue
        entry = FeedEntry(url=absolute)
        news = next((c for c in element if _local(c.tag) == "news"), None)
        if news is not None:
            entry.title = _child_text(news, "title")
            raw_date = _child_text(news, "publication_date")
            entry.published_at = _parse_w3c_date(raw_date)
            if raw_date and entry.published_at is None:
                result.problems.append(f"{url}: bad news:publication_date {raw_date!r} for {absolute}")
        result.entries.append(entry)
    if not result.entries and not result.sitemaps and errors:
        raise ParseError(url, f"no sitemap entries could be parsed ({errors[0]})")
    return result


def _parse_text(content: bytes, url: str, problems: list[str]) -> SitemapParseResult:
    if b"\x00" in content[:1024]:
        raise ParseError(url, "binary data, not a sitemap")
    result = SitemapParseResult(url, "text", problems=problems)
    text = content.decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        if urlsplit(line).scheme in ("http", "https") and " " not in line:
            result.entries.append(FeedEntry(url=line))
        else:
            result.problems.append(f"{url}: line {number} is not a URL; skipped")
    if not result.entries:
        raise ParseError(url, "no URLs found in plain-text sitemap")
    return result
