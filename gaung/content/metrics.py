"""Content metrics: each one a small function whose docstring is its formula (shown in docs and tooltips).

Inputs are plain mappings of a post's latest metric snapshot (`views`, `reach`, `impressions`,
`likes`, `comments`, `shares`, `saves`, …; a missing count is None), so the same functions serve the
store's rows, an API caller and the tests. Every metric returns a `MetricValue`: a number, or None with
the reason it is not available. Nothing here guesses:

- a zero or missing denominator gives "not available" (shown as "—"), never 0 or infinity;
- views and impressions are never mixed: Meta replaced impressions with views for Instagram media
  created after 2 July 2024, and the two count different things. A view-based metric on a post that
  only has impressions says so instead of substituting; impression-based rates are separate metrics;
- early velocity needs a snapshot taken about 24 hours after publishing; it is never extrapolated.

`docs/content-metrics.md` lists the same formulas; `tests/test_content_metrics.py` checks that every
metric in `METRICS` is documented there.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

__all__ = [
    "EARLY_TOLERANCE",
    "EARLY_WINDOW",
    "FOLLOWER_TOLERANCE",
    "METRICS",
    "MetricValue",
    "all_metrics",
    "amplification_rate",
    "applause_rate",
    "conversation_rate",
    "early_velocity",
    "engagement_rate_by_followers",
    "engagement_rate_by_impressions",
    "engagement_rate_by_reach",
    "engagement_rate_by_views",
    "engagements",
    "explanation",
    "followers_at",
    "format_metric",
    "formula",
    "percentile_in_channel",
    "virality_rate",
]

ENGAGEMENT_PARTS = ("likes", "comments", "shares", "saves")
# Early velocity reads the snapshot nearest to 24 h after publishing, and only one taken within ±3 h of
# it: a daily import lands in that window, while a snapshot at 6 h or at 3 days would misstate the
# first day by a factor we cannot know.
EARLY_WINDOW = timedelta(hours=24)
EARLY_TOLERANCE = timedelta(hours=3)
# "Followers on the day of posting": the follower count recorded nearest to the publish time, if one
# was recorded within a week of it (follower counts move slowly; older ones say little about the day).
FOLLOWER_TOLERANCE = timedelta(days=7)

NOT_AVAILABLE = "—"


@dataclass(frozen=True)
class MetricValue:
    """One metric of one post: `value` (a percentage for rates) or None and the `reason` why not."""

    key: str
    value: float | None
    reason: str = ""
    unit: str = "%"  # "%" for rates, "" for counts, "pct" for percentiles
    detail: str = ""  # e.g. which snapshot or follower count was used

    @property
    def available(self) -> bool:
        return self.value is not None

    def display(self) -> str:
        """The value as shown in tables: "—" when not available."""
        return format_metric(self.value, self.unit)


def format_metric(value: float | None, unit: str = "%") -> str:
    """A metric for display: "—" for None or a non-finite number, never "0" or "inf"."""
    if value is None or not math.isfinite(value):
        return NOT_AVAILABLE
    if unit == "%":
        return f"{value:.2f}%"
    if unit == "pct":
        return f"P{value:.0f}"
    return f"{value:,.0f}".replace(",", ".")  # Indonesian thousands separator


def _count(post: Mapping[str, Any], name: str) -> float | None:
    value = post.get(name)
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _rate(
    key: str, numerator: float | None, denominator: float | None, num_name: str, den_name: str
) -> MetricValue:
    if numerator is None:
        return MetricValue(key, None, f"no {num_name}")
    if denominator is None:
        return MetricValue(key, None, f"no {den_name}")
    if denominator == 0:
        return MetricValue(key, None, f"{den_name} is 0")
    return MetricValue(key, numerator / denominator * 100)


def _views(key: str, post: Mapping[str, Any]) -> tuple[float | None, MetricValue | None]:
    """Views, or the reason a view-based metric is not available (impressions are never substituted)."""
    views = _count(post, "views")
    if views is not None:
        return views, None
    if _count(post, "impressions") is not None:
        return None, MetricValue(key, None, "only impressions reported (not substituted for views)")
    return None, MetricValue(key, None, "no views")


def engagements(post: Mapping[str, Any]) -> float | None:
    """Engagements = likes + comments + shares + saves (the parts the export reports; None if none)."""
    parts = [_count(post, name) for name in ENGAGEMENT_PARTS]
    present = [p for p in parts if p is not None]
    return sum(present) if present else None


def engagement_rate_by_reach(post: Mapping[str, Any], followers: float | None = None) -> MetricValue:
    """Engagement rate by reach = engagements ÷ reach × 100.

    Engagements = likes + comments + shares + saves.
    """
    return _rate("engagement_rate_reach", engagements(post), _count(post, "reach"), "engagements", "reach")


def engagement_rate_by_followers(post: Mapping[str, Any], followers: float | None = None) -> MetricValue:
    """Engagement rate by followers = engagements ÷ followers on the day of posting × 100.

    Engagements = likes + comments + shares + saves.
    """
    return _rate("engagement_rate_followers", engagements(post), followers, "engagements", "follower count")


def engagement_rate_by_views(post: Mapping[str, Any], followers: float | None = None) -> MetricValue:
    """Engagement rate by views = engagements ÷ views × 100 (impressions are never used instead).

    Engagements = likes + comments + shares + saves.
    """
    views, missing = _views("engagement_rate_views", post)
    if missing is not None:
        return missing
    return _rate("engagement_rate_views", engagements(post), views, "engagements", "views")


def engagement_rate_by_impressions(post: Mapping[str, Any], followers: float | None = None) -> MetricValue:
    """Engagement rate by impressions = engagements ÷ impressions × 100 (older exports, X; never views).

    Engagements = likes + comments + shares + saves.
    """
    return _rate(
        "engagement_rate_impressions",
        engagements(post),
        _count(post, "impressions"),
        "engagements",
        "impressions",
    )


def virality_rate(post: Mapping[str, Any], followers: float | None = None) -> MetricValue:
    """Virality = shares ÷ views × 100 (impressions are never used instead)."""
    views, missing = _views("virality", post)
    if missing is not None:
        return missing
    return _rate("virality", _count(post, "shares"), views, "shares", "views")


def amplification_rate(post: Mapping[str, Any], followers: float | None = None) -> MetricValue:
    """Amplification rate = shares ÷ followers on the day of posting × 100."""
    return _rate("amplification", _count(post, "shares"), followers, "shares", "follower count")


def applause_rate(post: Mapping[str, Any], followers: float | None = None) -> MetricValue:
    """Applause rate = likes ÷ followers on the day of posting × 100."""
    return _rate("applause", _count(post, "likes"), followers, "likes", "follower count")


def conversation_rate(post: Mapping[str, Any], followers: float | None = None) -> MetricValue:
    """Conversation rate = comments ÷ followers on the day of posting × 100."""
    return _rate("conversation", _count(post, "comments"), followers, "comments", "follower count")


MetricFunction = Callable[..., MetricValue]

# key → (function, label); the order is the order of the post detail page and the docs
METRICS: dict[str, tuple[MetricFunction, str]] = {
    "engagement_rate_reach": (engagement_rate_by_reach, "Engagement rate by reach"),
    "engagement_rate_followers": (engagement_rate_by_followers, "Engagement rate by followers"),
    "engagement_rate_views": (engagement_rate_by_views, "Engagement rate by views"),
    "engagement_rate_impressions": (engagement_rate_by_impressions, "Engagement rate by impressions"),
    "virality": (virality_rate, "Virality"),
    "amplification": (amplification_rate, "Amplification rate"),
    "applause": (applause_rate, "Applause rate"),
    "conversation": (conversation_rate, "Conversation rate"),
}


def formula(key: str) -> str:
    """The formula of a metric (its docstring's first line), for tooltips and docs."""
    if key == "early_velocity":
        function: Callable[..., Any] = early_velocity
    elif key == "percentile":
        function = percentile_in_channel
    else:
        function = METRICS[key][0]
    return " ".join((function.__doc__ or "").strip().split("\n\n")[0].split())


def explanation(key: str) -> str:
    """The whole docstring of a metric (formula plus notes), for tooltips."""
    import inspect

    if key == "early_velocity":
        function: Callable[..., Any] = early_velocity
    elif key == "percentile":
        function = percentile_in_channel
    else:
        function = METRICS[key][0]
    return " ".join(inspect.cleandoc(function.__doc__ or "").split())


def all_metrics(post: Mapping[str, Any], followers: float | None = None) -> dict[str, MetricValue]:
    """Every rate in `METRICS` for one post's latest snapshot."""
    return {key: function(post, followers) for key, (function, _label) in METRICS.items()}


def followers_at(
    history: Iterable[Mapping[str, Any] | tuple[Any, Any]], when: datetime | None
) -> float | None:
    """Followers on the day of posting = the recorded follower count nearest to `when`, within 7 days.

    `history` holds (day, followers) pairs or mappings with `day` (or `date`/`recorded_at`) and
    `followers`. None when nothing was recorded close enough (never a later or older guess).
    """
    if when is None:
        return None
    best: tuple[timedelta, float] | None = None
    for entry in history:
        if isinstance(entry, Mapping):
            moment = entry.get("day") or entry.get("date") or entry.get("recorded_at")
            count = entry.get("followers")
        else:
            moment, count = entry
        if moment is None or count is None:
            continue
        if not isinstance(moment, datetime):  # a date
            moment = datetime(moment.year, moment.month, moment.day)
        gap = abs(_naive(moment) - _naive(when))
        if gap <= FOLLOWER_TOLERANCE and (best is None or gap < best[0]):
            best = (gap, float(count))
    return best[1] if best is not None else None


def _naive(moment: datetime) -> datetime:
    from datetime import UTC

    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment


def early_velocity(published_at: datetime | None, snapshots: Sequence[Mapping[str, Any]]) -> MetricValue:
    """Early velocity = views in the first 24 hours, read from a snapshot taken 21–27 hours after publishing.

    The snapshot nearest to 24 hours counts, and its age is shown. Without such a snapshot (or with
    only impressions in it) the metric is not available: views are never interpolated or extrapolated.
    """
    key = "early_velocity"
    if published_at is None:
        return MetricValue(key, None, "no publish time", unit="")
    start = _naive(published_at)
    best: tuple[timedelta, Mapping[str, Any], timedelta] | None = None
    for snapshot in snapshots:
        captured = snapshot.get("captured_at")
        if not isinstance(captured, datetime):
            continue
        age = _naive(captured) - start
        distance = abs(age - EARLY_WINDOW)
        if distance <= EARLY_TOLERANCE and (best is None or distance < best[0]):
            best = (distance, snapshot, age)
    if best is None:
        return MetricValue(key, None, "no snapshot taken 21–27 hours after publishing", unit="")
    _distance, snapshot, age = best
    views, missing = _views(key, snapshot)
    if missing is not None:
        return MetricValue(key, None, missing.reason, unit="")
    hours = age.total_seconds() / 3600
    return MetricValue(key, views, unit="", detail=f"snapshot {hours:.1f} h after publishing")


def percentile_in_channel(value: float | None, channel_values: Sequence[float | None]) -> MetricValue:
    """Percentile in channel = (posts below + ½ × posts equal) ÷ posts with the metric × 100.

    The post is ranked among all posts of its channel that have the metric (itself included); with
    fewer than two such posts there is nothing to rank against.
    """
    key = "percentile"
    if value is None or not math.isfinite(value):
        return MetricValue(key, None, "metric not available for this post", unit="pct")
    ranked = [v for v in channel_values if v is not None and math.isfinite(v)]
    if len(ranked) < 2:
        return MetricValue(key, None, f"n={len(ranked)}: too few posts to rank", unit="pct")
    below = sum(1 for v in ranked if v < value)
    equal = sum(1 for v in ranked if v == value)
    return MetricValue(key, (below + 0.5 * equal) / len(ranked) * 100, unit="pct", detail=f"n={len(ranked)}")
