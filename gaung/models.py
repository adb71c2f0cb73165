"""The plain dataclasses that the pipeline stages pass to each other.

Source ──fetch──▶ RawDocument ──extract──▶ Article ──analyze/store──▶ stored mention

They carry no database state, so every stage can be used (and tested) without the store.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class RawDocument:
    """Bytes as they came off the wire (or the disk), with what we need to decode and re-derive them."""

    url: str
    content: bytes
    fetched_at: datetime
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str | None = None
    encoding: str | None = None  # charset we decided on (after sniffing), not just what the header claimed
    content_type: str | None = None

    def text(self) -> str:
        """Decode the content with the detected encoding, replacing undecodable bytes."""
        return self.content.decode(self.encoding or "utf-8", errors="replace")


@dataclass
class Article:
    """One extracted news article or post: what `gaung extract --json` prints."""

    url: str | None
    title: str | None
    text: str  # paragraphs separated by "\n"
    published_at: datetime | None = None  # always timezone-aware (WIB when only local time is known)
    author: str | None = None
    site: str | None = None
    language: str | None = None
    # Not printed by `extract`, but carried to the store:
    source_name: str | None = None
    platform: str | None = None  # "news" for articles; instagram/x/facebook/... for social posts
    engagement: dict[str, int] = field(default_factory=dict)  # likes, comments, shares, views ...
    raw_sha256: str | None = None
    extractor_version: str | None = None
    analysis: Any = None  # gaung.analyze.pipeline.Analysis, set by the analysis stage before storage

    def to_json_dict(self) -> dict[str, Any]:
        """The public JSON shape of `gaung extract --json`."""
        return {
            "url": self.url,
            "title": self.title,
            "text": self.text,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "author": self.author,
            "site": self.site,
            "language": self.language,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_json_dict(), ensure_ascii=False)


@dataclass
class FeedEntry:
    """One item found in a feed or sitemap: a link to (maybe) fetch, with what the feed said about it."""

    url: str
    title: str | None = None
    published_at: datetime | None = None
    summary: str | None = None
    author: str | None = None


@dataclass
class ItemProblem:
    """A bad item that was skipped: where it was and why. Runs keep going and report these at the end."""

    where: str  # URL, "file.csv:17", ...
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


def as_dict(obj: Any) -> dict[str, Any]:
    """dataclasses.asdict, re-exported so callers need not import dataclasses."""
    return asdict(obj)
