"""What works: medians with seeded bootstrap intervals and n, WIB weekdays/hours, buckets, topics, benchmarks."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from gaung.config import WatchEntry
from gaung.content.whatworks import (
    benchmark,
    bootstrap_median,
    caption_bucket,
    duration_bucket,
    suggest_topics,
    top_posts_of_month,
    what_works,
)


def _post(i: int, **fields: object) -> dict[str, object]:
    base: dict[str, object] = {
        "id": i,
        "channel_id": 1,
        "format": "reel" if i % 2 else "photo",
        "published_at": datetime(2025, 6, 2, 1, 0) + timedelta(days=i % 7),  # 08:00 WIB
        "caption": "Banjir rob di pesisir " * (i % 4),
        "duration_seconds": 10 + 20 * i if i % 2 else None,
        "views": 1000,
        "likes": 10 * i,
        "comments": 0,
        "shares": i % 3,
    }
    base.update(fields)
    return base


POSTS = [_post(i) for i in range(1, 31)]


def test_bootstrap_interval_is_seeded_and_brackets_the_median() -> None:
    values = [float(v) for v in range(1, 102)]
    first, again = bootstrap_median(values), bootstrap_median(values)
    assert first == again  # same data, same interval: pages do not flicker
    assert first.n == 101 and first.median == 51
    assert first.low is not None and first.high is not None
    assert first.low < 51 < first.high and first.high - first.low < 30


def test_small_and_empty_groups() -> None:
    one = bootstrap_median([4.0])
    assert (one.n, one.median, one.low, one.high) == (1, 4.0, None, None)
    empty = bootstrap_median([])
    assert empty.n == 0 and empty.median is None
    report = what_works([_post(1, format="story")], "engagement_rate_views")
    (story,) = report.tables["format"]
    assert story.n == 1 and story.low is None and story.note == "n=1: no interval"
    nothing = what_works([], "views")
    assert nothing.measured == 0 and nothing.overall.median is None and nothing.tables["format"] == []


def test_tables_by_every_dimension() -> None:
    report = what_works(POSTS, "engagement_rate_views")
    assert report.posts == report.measured == 30
    formats = {row.key: row for row in report.tables["format"]}
    assert formats["reel"].n == formats["photo"].n == 15
    assert report.tables["format"][0].median >= report.tables["format"][1].median  # best first
    weekdays = [row.key for row in report.tables["weekday"]]
    assert weekdays[0] == "Monday" and len(weekdays) == 7  # 2 June 2025 was a Monday, in WIB too
    assert [row.key for row in report.tables["hour"]] == ["08:00"]  # 01:00 UTC is 08:00 WIB
    assert {row.key for row in report.tables["caption_length"]} == {"0", "1–80"}
    assert all(row.n > 0 for row in report.tables["video_duration"])
    assert sum(row.n for row in report.tables["video_duration"]) == 15  # photos have no duration bucket
    for rows in report.tables.values():
        for row in rows:
            if row.n >= 2:
                assert row.low is not None and row.low <= row.median <= row.high


def test_posts_with_only_a_publish_day_have_no_hour() -> None:
    midnight_wib = datetime(2025, 6, 1, 17, 0)  # 2 June 00:00 WIB: the export gave a day, not a time
    report = what_works([_post(1, published_at=midnight_wib), _post(2)], "views")
    assert [(row.key, row.n) for row in report.tables["hour"]] == [("08:00", 1)]
    assert sum(row.n for row in report.tables["weekday"]) == 2  # the day itself is still known


def test_unavailable_metrics_are_counted_not_zeroed() -> None:
    posts = [_post(1), _post(2, views=None, impressions=500), _post(3, views=0)]
    report = what_works(posts, "engagement_rate_views")
    assert report.measured == 1
    assert report.unavailable == {"only impressions reported (not substituted for views)": 1, "views is 0": 1}
    with pytest.raises(KeyError):
        what_works(posts, "bogus")


def test_topics_and_programs_group_posts() -> None:
    posts = [
        _post(1, topic_tags=["banjir", "Pesisir"], program="Jakarta Siaga"),
        _post(2, topic_tags=["banjir"]),
        _post(3, topic_tags=[]),
    ]
    report = what_works(posts, "views")
    assert {row.key: row.n for row in report.tables["topic"]} == {"banjir": 2, "pesisir": 1}
    assert [(row.key, row.n) for row in report.tables["program"]] == [("Jakarta Siaga", 1)]


def test_buckets() -> None:
    assert caption_bucket(None) == (0, "0") and caption_bucket("a" * 80)[1] == "1–80"
    assert caption_bucket("a" * 81)[1] == "81–300" and caption_bucket("a" * 5000)[1] == ">1000"
    assert duration_bucket(None) is None and duration_bucket(0) is None
    assert duration_bucket(14.9)[1] == "<15 s" and duration_bucket(60)[1] == "1–3 min"  # type: ignore[index]
    assert duration_bucket(3600)[1] == "≥10 min"  # type: ignore[index]


def test_top_posts_of_the_month_in_wib() -> None:
    posts = [
        _post(1, views=10, published_at=datetime(2025, 5, 31, 18, 0)),  # 1 June 01:00 WIB
        _post(2, views=30, published_at=datetime(2025, 6, 15)),
        _post(3, views=20, published_at=datetime(2025, 6, 20)),
        _post(4, views=None, published_at=datetime(2025, 6, 21)),
        _post(5, views=99, published_at=datetime(2025, 7, 1)),
    ]
    top = top_posts_of_month(posts, 2025, 6, "views")
    assert [(p["id"], v) for p, v in top] == [(2, 30.0), (3, 20.0), (1, 10.0)]
    assert top_posts_of_month(posts, 2025, 6, "views", limit=1)[0][0]["id"] == 2
    assert top_posts_of_month([], 2025, 6) == []


def test_topic_suggestions_from_captions() -> None:
    caption = "Gubernur meninjau banjir rob di Muara Angke bersama warga. #JakartaSiaga #banjir warga senang"
    watch = [WatchEntry(id="muara-angke", name="Muara Angke", type="PLACE")]
    tags = suggest_topics(caption, watchlist=watch, key_phrases=["banjir rob", "macet"])
    assert tags[:4] == ["jakartasiaga", "banjir", "muara-angke", "banjir rob"]
    assert "warga" in tags and "macet" not in tags and "di" not in tags
    assert suggest_topics("") == [] and suggest_topics(None) == []
    assert len(suggest_topics("satu dua tiga empat lima enam tujuh delapan sembilan", limit=3)) <= 3


def test_benchmark_against_reference_accounts() -> None:
    channels = [
        {"id": 2, "name": "Mak Betty", "platform": "tiktok", "is_reference": True},
        {"id": 1, "name": "Diskominfo", "platform": "instagram", "is_reference": False},
        {"id": 3, "name": "Empty", "platform": "instagram", "is_reference": False},
    ]
    posts = [*POSTS, _post(99, channel_id=2, views=50_000, likes=4000)]
    rows = benchmark(channels, posts, "engagement_rate_views")
    assert [r.name for r in rows] == ["Diskominfo", "Empty", "Mak Betty"]  # own first, references last
    own, empty, reference = rows
    assert own.posts == 30 and own.outcome.n == 30 and own.outcome.low is not None
    assert own.posts_per_week is not None and own.posts_per_week > 0
    assert empty.posts == 0 and empty.outcome.median is None and empty.posts_per_week is None
    assert reference.is_reference and reference.views.n == 1 and reference.views.low is None
