"""RSS/Atom feeds to `FeedEntry`s, with feedparser.

Real feeds are often slightly broken (truncated downloads, bad entities, undeclared encodings).
feedparser still recovers most items from them, so a broken feed yields its good entries plus a
`problems` message; only a document with nothing usable in it raises ParseError.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
from lxml import etree

from gaung.errors import ParseError
from gaung.models import FeedEntry

__all__ = ["WIB", "FeedParseResult", "parse_feed"]

WIB = timezone(timedelta(hours=7), "WIB")  # dates without a zone in Indonesian feeds are Jakarta time

# Feed wrappers whose <link> is a tracking redirect; the article URL is in <guid> (see fixtures' SOURCE.md).
REDIRECT_WRAPPER_HOSTS = ("feedsportal.com", "feedproxy.google.com", "feeds.feedburner.com")

INDONESIAN_ZONES = {
    "WIB": WIB,
    "WITA": timezone(timedelta(hours=8), "WITA"),
    "WIT": timezone(timedelta(hours=9), "WIT"),
}
_INDONESIAN_ZONE = re.compile(r"\s(WIB|WITA|WIT)\s*$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


@dataclass
class FeedParseResult:
    """Entries that parsed, and human-readable problems (each names the feed) for what did not."""

    url: str
    entries: list[FeedEntry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    title: str | None = None
    format: str | None = None  # feedparser's version, e.g. "rss20", "atom10"


def parse_feed(content: bytes, url: str) -> FeedParseResult:
    """Parse an RSS or Atom document fetched from `url`.

    Raises ParseError only when the document holds no feed at all (empty, HTML page, binary).
    """
    if not content.strip():
        raise ParseError(url, "empty document, not a feed")
    # Bytes only: given a string, feedparser would treat it as a URL or path and fetch it itself.
    parsed = feedparser.parse(
        content,
        response_headers={"content-location": url, "content-type": "application/xml"},
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    version = parsed.get("version") or None
    bozo_exception = parsed.get("bozo_exception") if parsed.get("bozo") else None
    if not parsed.entries and not version:
        raise ParseError(url, _why_not_a_feed(content, bozo_exception))

    result = FeedParseResult(url=url, title=_clean_text(parsed.feed.get("title")), format=version)
    if bozo_exception is not None:
        result.problems.append(
            f"{url}: feed is not well-formed ({_describe(bozo_exception)}); "
            f"kept the {len(parsed.entries)} entries that parsed"
        )
    for number, raw in enumerate(parsed.entries, 1):
        link = _entry_link(raw, url)
        if link is None:
            title = _clean_text(raw.get("title"))
            result.problems.append(
                f"{url}: entry {number} ({title or 'untitled'}) has no usable link; skipped"
            )
            continue
        result.entries.append(
            FeedEntry(
                url=link,
                title=_clean_text(raw.get("title")),
                published_at=_published_at(raw),
                summary=_html_to_text(raw.get("summary")),
                author=_clean_text(raw.get("author")),
            )
        )
    return result


def _describe(exc: Any) -> str:
    line = getattr(exc, "getLineNumber", None)
    where = f"line {line()}: " if callable(line) else ""
    return f"{where}{getattr(exc, 'getMessage', lambda: str(exc))()}"


def _why_not_a_feed(content: bytes, exc: Any) -> str:
    head = content[:1024].lstrip().lower()
    if b"<html" in head or head.startswith(b"<!doctype html"):
        return "this is an HTML page, not an RSS/Atom feed (look for a <link rel=alternate> feed URL on it)"
    if b"\x00" in content[:1024] or not head.startswith(b"<"):
        return "not XML (binary or plain text), so not an RSS/Atom feed"
    if exc is not None:
        return f"no RSS/Atom feed found: {_describe(exc)}"
    return "XML document without RSS/Atom feed elements"


def _is_http_url(value: str | None) -> bool:
    return bool(value) and urlsplit(str(value)).scheme in ("http", "https")


def _entry_link(raw: Any, feed_url: str) -> str | None:
    link = raw.get("link")
    guid = raw.get("id")
    if link and _is_http_url(guid):
        host = (urlsplit(link).hostname or "").lower()
        if any(host == h or host.endswith("." + h) for h in REDIRECT_WRAPPER_HOSTS):
            return str(guid)
    if link:
        absolute = urljoin(feed_url, str(link).strip())
        return absolute if _is_http_url(absolute) else None
    # Atom entries sometimes carry only an id; RSS guids with isPermaLink are article URLs.
    return str(guid).strip() if _is_http_url(guid) else None


def _published_at(raw: Any) -> datetime | None:
    for key in ("published", "updated", "created"):
        text = raw.get(key)
        if text:
            parsed = _parse_date(str(text))
            if parsed is not None:
                return parsed
    for key in ("published_parsed", "updated_parsed"):
        struct = raw.get(key)
        if struct:  # feedparser normalises to UTC; used for the odd formats only it understands
            year, month, day, hour, minute, second = struct[:6]
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return None


def _parse_date(text: str) -> datetime | None:
    """RFC 822 or ISO 8601; Indonesian zone names are understood; a date without a zone is WIB."""
    text = text.strip()
    zone: timezone = WIB
    match = _INDONESIAN_ZONE.search(text)
    if match:
        zone = INDONESIAN_ZONES[match.group(1).upper()]
        text = text[: match.start()].strip()
    value: datetime | None = None
    try:
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return None
    # Naive means no zone was given (or "-0000", RFC 5322's "zone unknown").
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _clean_text(value: Any) -> str | None:
    if not value:
        return None
    text = _SPACES.sub(" ", str(value)).strip()
    return text or None


def _html_to_text(value: Any) -> str | None:
    """Feed summaries are escaped HTML full of images and tracking pixels; keep the words."""
    if not value or not str(value).strip():
        return None
    try:
        text = lxml.html.fragment_fromstring(str(value), create_parent="div").text_content()
    except (etree.ParserError, ValueError):
        text = str(value)
    return _clean_text(text)
