"""Adaptive polling and source health.

A busy portal publishes every few minutes, a regency's site a few times a week: polling both every
30 minutes wastes their bandwidth and our politeness budget, or misses news. So the interval shrinks
when a poll finds new items and grows when it finds none, within `PollSettings` bounds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from gaung.config import PollSettings

__all__ = ["HealthStatus", "SourceHealth", "next_interval", "source_health"]

GROW_FACTOR = 1.5  # no new items: back off by half again (reaches max from default in ~6 quiet polls)
SHRINK_FACTOR = 0.5  # new items: poll twice as often
MANY_ITEMS = 10  # a poll with this many new items means we are missing things: go straight to minimum
QUIET_GAPS_BEFORE_STALE = 3.0  # stale only after three of the source's usual gaps without an item

HealthStatus = Literal["ok", "stale", "dead", "never"]


def next_interval(previous_interval: float | None, new_items: int, settings: PollSettings) -> float:
    """Seconds until the next poll of a source, given what the last poll found."""
    if previous_interval is None or previous_interval <= 0:
        interval = settings.default_interval
    elif new_items >= MANY_ITEMS:
        interval = settings.min_interval
    elif new_items > 0:
        interval = previous_interval * SHRINK_FACTOR
    else:
        interval = previous_interval * GROW_FACTOR
    return min(max(interval, settings.min_interval), settings.max_interval)


@dataclass
class SourceHealth:
    """A source's status code and a short English reason an analyst can act on."""

    status: HealthStatus
    reason: str


def _ago(delta: timedelta) -> str:
    seconds = max(delta.total_seconds(), 0.0)
    if seconds < 3600:
        return f"{int(seconds // 60)} minutes ago"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.0f} hours ago"
    return f"{seconds / 86400:.0f} days ago"


def source_health(
    *,
    last_success_at: datetime | None,
    consecutive_failures: int,
    last_new_item_at: datetime | None,
    items_per_day: Sequence[float] = (),
    settings: PollSettings | None = None,
    now: datetime | None = None,
) -> SourceHealth:
    """Classify a source: "dead" (failing repeatedly), "never" (never fetched), "stale" (no new items
    for much longer than usual, or no success lately), else "ok".

    `items_per_day` is the recent daily item count history; a source that usually publishes weekly is
    not stale after three quiet days.
    """
    settings = settings or PollSettings()
    now = now or datetime.now(UTC)
    if consecutive_failures >= settings.dead_after_failures:
        since = (
            f"last success {_ago(now - last_success_at)}" if last_success_at else "never fetched successfully"
        )
        return SourceHealth(
            "dead", f"{consecutive_failures} failed fetches in a row ({since}); check the URL"
        )
    if last_success_at is None:
        if consecutive_failures:
            return SourceHealth(
                "never", f"not fetched successfully yet ({consecutive_failures} failed attempts)"
            )
        return SourceHealth("never", "not fetched yet")

    stale_after = timedelta(days=settings.stale_after_days)
    history = [n for n in items_per_day if n >= 0]
    average = sum(history) / len(history) if history else 0.0
    if average > 0:
        usual_gap = timedelta(days=1 / average)
        stale_after = max(stale_after, usual_gap * QUIET_GAPS_BEFORE_STALE)
    if now - last_success_at > stale_after:
        return SourceHealth(
            "stale",
            f"last successful fetch {_ago(now - last_success_at)} ({consecutive_failures} failures since)",
        )
    if last_new_item_at is None:
        return SourceHealth("stale", "fetched successfully but no items found yet")
    if now - last_new_item_at > stale_after:
        return SourceHealth(
            "stale",
            f"no new items since {_ago(now - last_new_item_at)} (usually {average:.1f} per day)",
        )
    if consecutive_failures:
        return SourceHealth(
            "ok",
            f"{consecutive_failures} recent failed fetches; last new item {_ago(now - last_new_item_at)}",
        )
    return SourceHealth("ok", f"last new item {_ago(now - last_new_item_at)}")
