"""The dataclasses the content stage passes on: what an importer read, and what an import did.

An importer turns export files into a `ParsedExport` (channels, posts with one metric snapshot each,
follower counts, skipped rows); `gaung.content.store` writes it and counts what changed in an
`ImportReport`. Metric names are the same everywhere: importers map each platform's columns onto them
and keep the original row in `raw`, so nothing the export said is lost.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

PLATFORMS = ("facebook", "instagram", "tiktok", "youtube", "x", "web")
POST_FORMATS = ("video", "reel", "photo", "carousel", "text", "link", "story")

# The metric columns of a snapshot, in the order tables show them. Counts are integers; durations are
# seconds; completion_rate is a percentage (0-100), as YouTube's "Average percentage viewed (%)".
# `views` and `impressions` are different metrics and are never copied into each other: Instagram
# replaced impressions with views in 2024, and formulas must say which one they divide by.
COUNT_METRICS = (
    "views",
    "reach",
    "impressions",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "follows",
    "profile_visits",
)
FLOAT_METRICS = ("watch_time_seconds", "avg_view_duration", "completion_rate")
METRICS = COUNT_METRICS + FLOAT_METRICS


@dataclass
class ChannelRef:
    """Which account a post belongs to. `key` is what makes it unique within its platform."""

    platform: str
    key: str  # the platform's account id if the export has one, else the handle, else the name
    name: str
    handle: str | None = None
    account_id: str | None = None


@dataclass
class ParsedPost:
    """One post as an export describes it, with the metrics the export had for it."""

    channel: ChannelRef
    external_id: str
    where: str  # "file.csv:17", for problems and the report
    permalink: str | None = None
    published_at: datetime | None = None  # naive UTC
    format: str | None = None  # one of POST_FORMATS, or None when the export does not say
    title: str | None = None
    caption: str | None = None
    duration_seconds: float | None = None
    topic_tags: list[str] = field(default_factory=list)
    metrics: dict[str, float | int] = field(default_factory=dict)  # keys from METRICS
    raw: dict[str, Any] = field(default_factory=dict)  # the export's row, header → cell text


@dataclass
class FollowerPoint:
    """A channel's followers on one day (total and/or change), plus any other daily channel totals."""

    channel: ChannelRef
    day: date
    followers: int | None = None
    followers_change: int | None = None
    daily: dict[str, float | int] = field(default_factory=dict)  # e.g. TikTok Overview's video views


@dataclass
class ParsedExport:
    """Everything an importer read from one file or zip, before anything is stored."""

    format: str
    captured_at: datetime  # naive UTC: the export's range end, or the file's time when it states none
    rows_read: int = 0
    posts: list[ParsedPost] = field(default_factory=list)
    followers: list[FollowerPoint] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    notes: list[str] = field(default_factory=list)  # things the user should know, e.g. "no account id"


@dataclass
class ImportReport:
    """What one import did: printed by `gaung content import`, returned by `import_file`."""

    path: str
    format: str
    rows_read: int = 0
    posts_new: int = 0
    posts_updated: int = 0  # existing posts whose details changed or that got a new snapshot
    snapshots_added: int = 0
    follower_days: int = 0  # follower-history days added or changed
    channels: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (where, reason)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.path} ({self.format}): {self.rows_read} rows read, {self.posts_new} new posts, "
            f"{self.posts_updated} updated, {self.snapshots_added} snapshots added, "
            f"{len(self.skipped)} rows skipped"
        )
