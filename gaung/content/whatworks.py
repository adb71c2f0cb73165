"""What works: which kinds of posts do better, with medians, bootstrap intervals and sample sizes.

    what_works(posts, metric)            # one table per dimension: format, topic, program, weekday,
                                         # hour (WIB), caption length, video duration
    top_posts_of_month(posts, 2025, 6)   # the month's best posts by a metric
    suggest_topics(caption, ...)         # topic tags from hashtags, the watchlist, issue key phrases, words
    benchmark(channels, posts, metric)   # own channels against reference accounts

Posts are plain mappings (the rows of `gaung.content.store.list_posts`: the post's fields plus its
latest snapshot's metrics). Medians, not means: one viral post would drag a mean far from the typical
post. Every median comes with a percentile-bootstrap 95% interval (seeded, so a page shows the same
numbers on every load) and its n; a group of one has a median and no interval.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from gaung.content import metrics as content_metrics

__all__ = [
    "DIMENSIONS",
    "OUTCOMES",
    "ChannelBenchmark",
    "GroupStat",
    "Interval",
    "WhatWorks",
    "benchmark",
    "bootstrap_median",
    "caption_bucket",
    "duration_bucket",
    "outcome",
    "suggest_topics",
    "top_posts_of_month",
    "what_works",
]

OFFICE_TZ = ZoneInfo("Asia/Jakarta")  # weekdays and hours are the office's (WIB), not UTC
BOOTSTRAP_RESAMPLES = 2000  # the usual floor for percentile intervals; 2000 medians of ≤2000 posts is fast
BOOTSTRAP_SEED = 20250601  # fixed: the same posts always give the same interval
CONFIDENCE = 0.95
MIN_GROUP_FOR_CI = 2  # with one post there is nothing to resample

# Outcomes a user can rank by: the metric rates plus raw counts.
OUTCOMES: dict[str, str] = {
    **{key: label for key, (_function, label) in content_metrics.METRICS.items()},
    "views": "Views",
    "engagements": "Engagements",
    "shares": "Shares",
}
DIMENSIONS = ("format", "topic", "program", "weekday", "hour", "caption_length", "video_duration")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Caption length in characters: none, a line, a short paragraph, a long paragraph, an essay.
CAPTION_BUCKETS: tuple[tuple[int, str], ...] = (
    (0, "0"),
    (80, "1–80"),
    (300, "81–300"),
    (1000, "301–1000"),
)
CAPTION_LONGEST = ">1000"
# Video duration in seconds: the short-form cut-offs platforms use (15 s, 60 s, 3 min) and long form.
DURATION_BUCKETS: tuple[tuple[float, str], ...] = (
    (15, "<15 s"),
    (60, "15–60 s"),
    (180, "1–3 min"),
    (600, "3–10 min"),
)
DURATION_LONGEST = "≥10 min"
VIDEO_FORMATS = frozenset({"video", "reel"})


@dataclass(frozen=True)
class Interval:
    """A median with its bootstrap interval; `low`/`high` are None when n < 2."""

    n: int
    median: float | None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class GroupStat:
    """One row of a what-works table: a group (e.g. format "reel"), its n, median and interval."""

    dimension: str
    key: str
    n: int
    median: float | None
    low: float | None
    high: float | None
    order: int = 0  # natural order for weekday/hour/buckets; tables sort by it, then by median

    @property
    def note(self) -> str:
        return "n=1: no interval" if self.n == 1 else ""


@dataclass
class WhatWorks:
    """The what-works tables for one outcome over a set of posts."""

    outcome: str
    posts: int  # posts considered
    measured: int  # posts with the outcome available
    overall: Interval
    tables: dict[str, list[GroupStat]] = field(default_factory=dict)
    unavailable: dict[str, int] = field(default_factory=dict)  # reason → posts


@dataclass(frozen=True)
class ChannelBenchmark:
    """One channel's typical post, for comparing own channels with reference accounts."""

    channel_id: int
    name: str
    platform: str
    is_reference: bool
    posts: int
    posts_per_week: float | None
    outcome: Interval
    views: Interval


def _get(post: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        value = post.get(name)
        if value is not None:
            return value
    return None


def _published(post: Mapping[str, Any]) -> datetime | None:
    value = post.get("published_at")
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if isinstance(value, datetime) else None


def _local(moment: datetime) -> datetime:
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    return aware.astimezone(OFFICE_TZ)


def outcome(post: Mapping[str, Any], key: str, followers: float | None = None) -> content_metrics.MetricValue:
    """The value of outcome `key` for one post (a rate from `metrics.METRICS`, or a raw count)."""
    if key in content_metrics.METRICS:
        function, _label = content_metrics.METRICS[key]
        return function(post, followers)
    if key == "engagements":
        value = content_metrics.engagements(post)
        return content_metrics.MetricValue(key, value, "" if value is not None else "no engagements", "")
    if key == "views":
        value = post.get("views")
        if value is None:
            reason = "only impressions reported" if post.get("impressions") is not None else "no views"
            return content_metrics.MetricValue(key, None, reason, "")
        return content_metrics.MetricValue(key, float(value), unit="")
    if key == "shares":
        value = post.get("shares")
        if value is None:
            return content_metrics.MetricValue(key, None, "no shares", "")
        return content_metrics.MetricValue(key, float(value), unit="")
    raise KeyError(f"unknown outcome {key!r}; choose one of {', '.join(OUTCOMES)}")


def bootstrap_median(
    values: Sequence[float],
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    confidence: float = CONFIDENCE,
    seed: int = BOOTSTRAP_SEED,
) -> Interval:
    """Median of `values` with a percentile-bootstrap interval.

    Interval = the (1−c)/2 and (1+c)/2 quantiles of the medians of `resamples` resamples (with
    replacement, same size) of the values; c = 0.95. Seeded, so it is reproducible. No interval for n < 2.
    """
    data = np.asarray([v for v in values if v is not None and math.isfinite(v)], dtype=float)
    n = int(data.size)
    if n == 0:
        return Interval(0, None)
    median = float(np.median(data))
    if n < MIN_GROUP_FOR_CI:
        return Interval(n, median)
    rng = np.random.default_rng(seed)
    medians = np.empty(resamples)
    chunk = max(1, 2_000_000 // n)  # bound memory: at most ~16 MB of indices at once
    for start in range(0, resamples, chunk):
        stop = min(resamples, start + chunk)
        picks = rng.integers(0, n, size=(stop - start, n))
        medians[start:stop] = np.median(data[picks], axis=1)
    tail = (1 - confidence) / 2
    low, high = np.quantile(medians, [tail, 1 - tail])
    return Interval(n, median, float(low), float(high))


def caption_bucket(caption: str | None) -> tuple[int, str]:
    """Caption length bucket (characters): 0, 1–80, 81–300, 301–1000, >1000; returns (order, label)."""
    length = len((caption or "").strip())
    for order, (limit, label) in enumerate(CAPTION_BUCKETS):
        if length <= limit:
            return order, label
    return len(CAPTION_BUCKETS), CAPTION_LONGEST


def duration_bucket(seconds: float | None) -> tuple[int, str] | None:
    """Video duration bucket: <15 s, 15–60 s, 1–3 min, 3–10 min, ≥10 min; None without a duration."""
    if seconds is None or not math.isfinite(seconds) or seconds <= 0:
        return None
    for order, (limit, label) in enumerate(DURATION_BUCKETS):
        if seconds < limit:
            return order, label
    return len(DURATION_BUCKETS), DURATION_LONGEST


def _topics(post: Mapping[str, Any]) -> list[str]:
    tags = _get(post, "topic_tags", "topics") or []
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",")]
    return sorted({str(t).strip().lower() for t in tags if str(t).strip()})


def _date_only(published: datetime, local: datetime) -> bool:
    """True when the export gave a day without a time of day (TikTok and YouTube often do): the time
    is then exactly midnight, in WIB or in UTC. Such posts say nothing about the best hour."""
    utc = published.astimezone(UTC) if published.tzinfo is not None else published
    return (local.hour, local.minute, local.second) == (0, 0, 0) or (utc.hour, utc.minute, utc.second) == (
        0,
        0,
        0,
    )


def _groups(post: Mapping[str, Any], dimension: str) -> list[tuple[int, str]]:
    """The (order, key) groups a post falls in for one dimension (a post may carry several topics)."""
    if dimension == "format":
        value = post.get("format")
        return [(0, str(value))] if value else [(0, "unknown")]
    if dimension == "topic":
        return [(0, tag) for tag in _topics(post)]
    if dimension == "program":
        value = _get(post, "program", "campaign")
        return [(0, str(value))] if value else []
    if dimension in ("weekday", "hour"):
        published = _published(post)
        if published is None:
            return []
        local = _local(published)
        if dimension == "weekday":
            return [(local.weekday(), WEEKDAYS[local.weekday()])]
        if _date_only(published, local):
            return []
        return [(local.hour, f"{local.hour:02d}:00")]
    if dimension == "caption_length":
        return [caption_bucket(_get(post, "caption", "title"))]
    if dimension == "video_duration":
        if post.get("format") is not None and post.get("format") not in VIDEO_FORMATS:
            return []
        bucket = duration_bucket(_get(post, "duration_seconds", "duration_sec"))
        return [bucket] if bucket else []
    raise KeyError(f"unknown dimension {dimension!r}; choose one of {', '.join(DIMENSIONS)}")


def _table(dimension: str, measured: list[tuple[Mapping[str, Any], float]], seed: int) -> list[GroupStat]:
    buckets: dict[str, tuple[int, list[float]]] = {}
    for post, value in measured:
        for order, key in _groups(post, dimension):
            buckets.setdefault(key, (order, []))[1].append(value)
    rows = []
    for key, (order, values) in buckets.items():
        interval = bootstrap_median(values, seed=seed)
        rows.append(
            GroupStat(dimension, key, interval.n, interval.median, interval.low, interval.high, order)
        )
    natural = dimension in ("weekday", "hour", "caption_length", "video_duration")
    if natural:
        rows.sort(key=lambda r: (r.order, r.key))
    else:  # best first; among equals the bigger sample first
        rows.sort(key=lambda r: (-(r.median if r.median is not None else -math.inf), -r.n, r.key))
    return rows


def what_works(
    posts: Iterable[Mapping[str, Any]],
    metric: str = "engagement_rate_views",
    *,
    followers: Callable[[Mapping[str, Any]], float | None] | None = None,
    dimensions: Sequence[str] = DIMENSIONS,
    seed: int = BOOTSTRAP_SEED,
) -> WhatWorks:
    """Median `metric` with a bootstrap interval and n, per group of every dimension.

    `followers(post)` gives the follower count on the day of posting (needed by the follower-based
    rates; without it those rates are unavailable). Posts where the metric is unavailable are counted
    by reason in `unavailable`, not treated as 0.
    """
    if metric not in OUTCOMES:
        raise KeyError(f"unknown outcome {metric!r}; choose one of {', '.join(OUTCOMES)}")
    considered = list(posts)
    measured: list[tuple[Mapping[str, Any], float]] = []
    unavailable: dict[str, int] = {}
    for post in considered:
        result = outcome(post, metric, followers(post) if followers else None)
        if result.value is None:
            unavailable[result.reason] = unavailable.get(result.reason, 0) + 1
        else:
            measured.append((post, result.value))
    report = WhatWorks(
        outcome=metric,
        posts=len(considered),
        measured=len(measured),
        overall=bootstrap_median([v for _p, v in measured], seed=seed),
        unavailable=unavailable,
    )
    for dimension in dimensions:
        report.tables[dimension] = _table(dimension, measured, seed)
    return report


def top_posts_of_month(
    posts: Iterable[Mapping[str, Any]],
    year: int,
    month: int,
    metric: str = "views",
    *,
    limit: int = 10,
    followers: Callable[[Mapping[str, Any]], float | None] | None = None,
) -> list[tuple[Mapping[str, Any], float]]:
    """The month's (WIB) posts with the highest `metric`, best first; posts without it are left out."""
    ranked: list[tuple[Mapping[str, Any], float]] = []
    for post in posts:
        published = _published(post)
        if published is None:
            continue
        local = _local(published)
        if (local.year, local.month) != (year, month):
            continue
        value = outcome(post, metric, followers(post) if followers else None).value
        if value is not None:
            ranked.append((post, value))
    ranked.sort(key=lambda pair: (-pair[1], str(pair[0].get("id", ""))))
    return ranked[:limit]


_HASHTAG = re.compile(r"#(\w{2,50})", re.UNICODE)
MIN_TOPIC_WORD = 4  # shorter words are mostly particles and abbreviations, rarely topics


def _phrase_in(phrase: str, text: str) -> bool:
    phrase = phrase.strip().casefold()
    return bool(phrase) and re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text) is not None


def suggest_topics(
    caption: str | None,
    *,
    watchlist: Iterable[Any] = (),
    key_phrases: Iterable[str] = (),
    limit: int = 5,
) -> list[str]:
    """Topic tags for a caption, most specific first: its hashtags, watchlist entries it names (their
    ids), issue key phrases it contains, then its most frequent content words (normalised, formal
    spelling, stopwords removed)."""
    from gaung.analyze.normalize import clean_text, formalize, remove_stopwords, tokenize

    if not caption or not caption.strip():
        return []
    text = clean_text(caption)
    folded = text.casefold()
    tags: list[str] = []

    def add(tag: str) -> None:
        tag = tag.strip().casefold()
        if tag and tag not in tags:
            tags.append(tag)

    for match in _HASHTAG.finditer(text):
        add(match.group(1))
    for entry in watchlist:
        names = [getattr(entry, "name", ""), *(getattr(entry, "aliases", []) or [])]
        if any(_phrase_in(name, folded) for name in names if len(name.strip()) >= 3):
            add(str(getattr(entry, "id", "") or getattr(entry, "name", "")))
    for phrase in key_phrases:
        if _phrase_in(phrase, folded):
            add(phrase)
    hashtag_spans = {m.start(1) for m in _HASHTAG.finditer(text)}
    words = [t.text.lower() for t in tokenize(text) if t.text[:1].isalpha() and t.start not in hashtag_spans]
    counts: dict[str, int] = {}
    for word in remove_stopwords(formalize(words)):
        if len(word) >= MIN_TOPIC_WORD and word.isalpha():
            counts[word] = counts.get(word, 0) + 1
    covered = " ".join(tags)
    for word in sorted(counts, key=lambda w: (-counts[w], words.index(w) if w in words else len(words))):
        if len(tags) >= limit:
            break
        if word not in covered:
            add(word)
    return tags[:limit]


def benchmark(
    channels: Iterable[Mapping[str, Any]],
    posts: Iterable[Mapping[str, Any]],
    metric: str = "engagement_rate_views",
    *,
    followers: Callable[[Mapping[str, Any]], float | None] | None = None,
    seed: int = BOOTSTRAP_SEED,
) -> list[ChannelBenchmark]:
    """Each channel's median `metric` and median views (with intervals), own channels first, then the
    reference accounts (channels with `is_reference`). Posts per week = posts ÷ weeks between the first
    and last post (None with fewer than two posts)."""
    by_channel: dict[Any, list[Mapping[str, Any]]] = {}
    for post in posts:
        by_channel.setdefault(post.get("channel_id"), []).append(post)
    rows = []
    for channel in channels:
        own = by_channel.get(channel.get("id"), [])
        values = [outcome(p, metric, followers(p) if followers else None).value for p in own]
        views = [outcome(p, "views").value for p in own]
        times = sorted(t for t in (_published(p) for p in own) if t is not None)
        per_week = None
        if len(times) >= 2 and times[-1] > times[0]:
            per_week = len(times) / max((times[-1] - times[0]) / timedelta(weeks=1), 1.0)
        rows.append(
            ChannelBenchmark(
                channel_id=int(channel.get("id") or 0),
                name=str(_get(channel, "name", "handle") or "?"),
                platform=str(channel.get("platform") or ""),
                is_reference=bool(channel.get("is_reference")),
                posts=len(own),
                posts_per_week=per_week,
                outcome=bootstrap_median([v for v in values if v is not None], seed=seed),
                views=bootstrap_median([v for v in views if v is not None], seed=seed),
            )
        )
    rows.sort(key=lambda r: (r.is_reference, r.platform, r.name.casefold()))
    return rows
