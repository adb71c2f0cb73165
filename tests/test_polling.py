"""Adaptive poll intervals and source health."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gaung.config import PollSettings
from gaung.ingest.polling import next_interval, source_health

SETTINGS = PollSettings(min_interval=300, max_interval=21600, default_interval=1800, stale_after_days=3)
NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("previous", "new_items", "expected"),
    [
        (None, 0, 1800),  # first poll: default
        (0, 3, 1800),
        (1800, 2, 900),  # busy: poll more often
        (400, 1, 300),  # clamped to minimum
        (3600, 25, 300),  # flood of items: straight to minimum
        (1800, 0, 2700),  # quiet: back off
        (20000, 0, 21600),  # clamped to maximum
    ],
)
def test_next_interval(previous: float | None, new_items: int, expected: float) -> None:
    assert next_interval(previous, new_items, SETTINGS) == expected


def test_quiet_source_reaches_max_and_recovers() -> None:
    interval: float | None = None
    for _ in range(12):
        interval = next_interval(interval, 0, SETTINGS)
    assert interval == SETTINGS.max_interval
    assert next_interval(interval, 1, SETTINGS) == SETTINGS.max_interval / 2


def ago(**kwargs: float) -> datetime:
    return NOW - timedelta(**kwargs)


def test_health_never_and_dead() -> None:
    never = source_health(last_success_at=None, consecutive_failures=0, last_new_item_at=None, now=NOW)
    assert never.status == "never" and never.reason == "not fetched yet"
    failing = source_health(last_success_at=None, consecutive_failures=2, last_new_item_at=None, now=NOW)
    assert failing.status == "never" and "2 failed attempts" in failing.reason
    dead = source_health(
        last_success_at=ago(days=4),
        consecutive_failures=5,
        last_new_item_at=ago(days=4),
        settings=SETTINGS,
        now=NOW,
    )
    assert dead.status == "dead" and dead.reason.startswith(
        "5 failed fetches in a row (last success 4 days ago)"
    )


def test_health_ok_and_stale() -> None:
    ok = source_health(
        last_success_at=ago(minutes=10), consecutive_failures=0, last_new_item_at=ago(hours=5), now=NOW
    )
    assert ok.status == "ok" and ok.reason == "last new item 5 hours ago"
    stale = source_health(
        last_success_at=ago(minutes=10),
        consecutive_failures=0,
        last_new_item_at=ago(days=4),
        items_per_day=[20, 25, 30],
        settings=SETTINGS,
        now=NOW,
    )
    assert stale.status == "stale" and stale.reason == "no new items since 4 days ago (usually 25.0 per day)"
    unreachable = source_health(
        last_success_at=ago(days=5),
        consecutive_failures=3,
        last_new_item_at=ago(days=5),
        settings=SETTINGS,
        now=NOW,
    )
    assert unreachable.status == "stale" and "last successful fetch 5 days ago" in unreachable.reason


def test_weekly_source_is_not_stale_after_four_days() -> None:
    weekly = source_health(
        last_success_at=ago(hours=1),
        consecutive_failures=1,
        last_new_item_at=ago(days=4),
        items_per_day=[0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0],
        settings=SETTINGS,
        now=NOW,
    )
    assert weekly.status == "ok" and "1 recent failed fetches" in weekly.reason
