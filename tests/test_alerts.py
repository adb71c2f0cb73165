"""Alert rules and the kebaikan feed: config parsing, synthetic series (false alarms and detection) and a
replayed real timeline (publish times of the scraped June-2025 corpus shipped as demo data)."""

from __future__ import annotations

import csv
import gzip
import io
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from gaung.analyze.alerts import (
    AlertRule,
    MentionSeries,
    StoryCandidate,
    evaluate_rules,
    parse_duration,
    rank_good_stories,
    rules_from_config,
)
from gaung.errors import ConfigError

T0 = datetime(2025, 6, 1, tzinfo=UTC)
HOURLY = AlertRule.from_dict({"name": "volume-1h", "kind": "volume", "window": "1h", "baseline": "12h"})


def poisson_series(rate: float, hours: int, seed: int, spike_hour: int | None = None) -> MentionSeries:
    """Mentions at uniform random times within each hour; Poisson(rate) per hour, 3x in `spike_hour`."""
    rng = np.random.default_rng(seed)
    series = MentionSeries()
    for hour in range(hours):
        lam = rate * (3 if hour == spike_hour else 1)
        for _ in range(int(rng.poisson(lam))):
            series.add(T0 + timedelta(hours=hour, seconds=float(rng.uniform(0, 3600))))
    return series


def false_positive_rate(rate: float, seeds: int = 40, hours: int = 60) -> float:
    fired = checks = 0
    for seed in range(seeds):
        series = poisson_series(rate, hours, seed)
        for hour in range(13, hours + 1):
            checks += 1
            fired += bool(evaluate_rules([HOURLY], series, T0 + timedelta(hours=hour)))
    return fired / checks


def test_parse_duration() -> None:
    assert parse_duration("1h") == timedelta(hours=1)
    assert parse_duration("14d") == timedelta(days=14)
    assert parse_duration("30m") == timedelta(minutes=30)
    with pytest.raises(ValueError):
        parse_duration("soon")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"name": "a", "kind": "loud"}, "kind must be one of"),
        ({"name": "b", "kind": "entity"}, "needs a target"),
        ({"name": "c", "kind": "volume", "window": "1 fortnight"}, "not a duration"),
        ({"name": "d", "kind": "volume", "window": "1d", "baseline": "1h"}, "baseline"),
        ({"name": "e", "kind": "volume", "min_count": 0}, "min_count"),
        ({"name": "f", "kind": "volume", "alpha": 2}, "alpha"),
        ({"name": "g", "kind": "volume", "treshold": 3}, "unknown key"),
    ],
)
def test_bad_rule_names_the_rule(table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        rules_from_config([table])
    assert f"'{table['name']}'" in str(info.value) and message in str(info.value)


def test_rules_from_config_and_duplicates() -> None:
    rules = rules_from_config(
        [
            {"name": "walikota", "kind": "entity", "target": "helmi", "window": "1d", "baseline": "14d"},
            {"name": "negatif", "kind": "negative_share", "min_count": 3},
        ]
    )
    assert rules[0].window == timedelta(days=1) and rules[1].baseline == timedelta(hours=12)
    with pytest.raises(ConfigError, match=r"'x'.*twice"):
        rules_from_config([{"name": "x", "kind": "volume"}, {"name": "x", "kind": "volume"}])
    with pytest.raises(ConfigError, match=r"#1.*name"):
        rules_from_config([{"kind": "volume"}])


# Measured false-positive rate per evaluated window on stationary Poisson series (40 seeds x 48 windows
# per rate, 1h vs 12h, alpha=0.001, min_count=5): rate 2/h 0.0010, 5/h 0.0016, 20/h 0.0031 — above
# alpha at high rates because the expected count is itself estimated from 12 noisy bins. The ceiling is
# pinned in tests/test_eval_gate_issues.py too.
FALSE_POSITIVE_RATE_CEILING = 0.005


@pytest.mark.parametrize("rate", [2.0, 5.0, 20.0])
def test_no_false_alarms_on_stationary_poisson(rate: float) -> None:
    assert false_positive_rate(rate) <= FALSE_POSITIVE_RATE_CEILING


def test_detects_threefold_spike() -> None:
    detected = 0
    for seed in range(20):
        series = poisson_series(15.0, 30, seed, spike_hour=20)
        alerts = evaluate_rules([HOURLY], series, T0 + timedelta(hours=21))
        detected += bool(alerts)
    # measured 40/40 seeds for 3x over 15/h; 31/40 over 8/h and 19/40 over 4/h (alpha=0.001 costs power
    # on small counts: a longer baseline or window is the remedy, see docs/issues-and-alerts.md)
    assert detected >= 18


def test_alert_explains_itself() -> None:
    series = poisson_series(15.0, 30, 1, spike_hour=20)
    (alert,) = evaluate_rules([HOURLY], series, T0 + timedelta(hours=21))
    assert alert.count >= 5 and alert.p_value < 0.001 and alert.expected > 0
    assert alert.window_end - alert.window_start == timedelta(hours=1)
    assert "volume-1h" in alert.reason_en and "expected" in alert.reason_en
    assert "Aturan 'volume-1h'" in alert.reason_id and "diharapkan" in alert.reason_id


def test_min_count_blocks_tiny_significant_spikes() -> None:
    series = MentionSeries()
    for minute in (1, 2, 3):
        series.add(T0 + timedelta(hours=20, minutes=minute))
    assert evaluate_rules([HOURLY], series, T0 + timedelta(hours=21)) == []


def test_negative_share() -> None:
    rule = AlertRule.from_dict({"name": "neg", "kind": "negative_share", "window": "1h", "baseline": "12h"})
    rng = random.Random(3)
    series = MentionSeries()
    for hour in range(13):
        for _ in range(10):
            negative = rng.random() < (0.8 if hour == 12 else 0.1)
            series.add(T0 + timedelta(hours=hour, minutes=rng.randint(0, 59)), negative=negative)
    alerts = evaluate_rules([rule], series, T0 + timedelta(hours=13))
    assert len(alerts) == 1 and alerts[0].baseline_share is not None and alerts[0].baseline_share < 0.2
    assert "Porsi berita negatif" in alerts[0].reason_id
    assert evaluate_rules([rule], series, T0 + timedelta(hours=12)) == []


def test_entity_and_issue_keys() -> None:
    series = MentionSeries()
    for minute in range(8):
        series.add(T0 + timedelta(hours=30, minutes=minute), entities=["helmi"], issue="iss-000001")
    rules = rules_from_config(
        [
            {"name": "e", "kind": "entity", "target": "helmi"},
            {"name": "i", "kind": "issue", "target": "iss-000001"},
            {"name": "other", "kind": "entity", "target": "nobody"},
        ]
    )
    fired = {a.rule for a in evaluate_rules(rules, series, T0 + timedelta(hours=31))}
    assert fired == {"e", "i"}


def _replayed_corpus() -> list[tuple[datetime, str]]:
    from gaung.extract.dates import parse_indonesian_date

    path = (
        Path(__file__).resolve().parents[1] / "gaung" / "data" / "demo" / "scrapping_news_2025-06-18.csv.gz"
    )
    text = gzip.decompress(path.read_bytes()).decode("utf-8-sig")
    csv.field_size_limit(10**8)
    rows = []
    for row in csv.DictReader(io.StringIO(text)):
        when = parse_indonesian_date(row["tanggal_publikasi"])
        if when is not None:
            rows.append((when, row["judul"]))
    return rows


def test_replayed_real_burst_lewotobi() -> None:
    """Lewotobi Laki-laki erupted on 17-18 June 2025; the keyword's hourly volume must trigger, the quiet
    day before must not."""
    series = MentionSeries()
    for when, title in _replayed_corpus():
        series.add(when, entities=["lewotobi"] if "lewotobi" in title.lower() else [])
    rule = AlertRule.from_dict(
        {"name": "lewotobi", "kind": "entity", "target": "lewotobi", "window": "3h", "baseline": "1d"}
    )
    wib = timedelta(hours=7)
    fired_on_18th = [
        evaluate_rules([rule], series, datetime(2025, 6, 18, tzinfo=UTC) - wib + timedelta(hours=h))
        for h in range(6, 24)
    ]
    assert any(fired_on_18th)
    first = next(a for a in fired_on_18th if a)[0]
    assert first.count >= 5 and "lewotobi" in first.reason_en
    quiet = [
        evaluate_rules([rule], series, datetime(2025, 6, 17, tzinfo=UTC) - wib + timedelta(hours=h))
        for h in range(0, 24)
    ]
    assert not any(quiet)


def test_rank_good_stories() -> None:
    now = datetime(2025, 6, 20, 12, tzinfo=UTC)

    def story(id_: str, hours_old: float, **kw: object) -> StoryCandidate:
        base: dict[str, object] = {
            "id": id_, "title": id_, "published_at": now - timedelta(hours=hours_old), "tone": "positive",
            "positive_score": 0.9, "watch_hits": 1, "outlets": 1,
        }  # fmt: skip
        base.update(kw)
        return StoryCandidate(**base)  # type: ignore[arg-type]

    items = [
        story("fresh", 1),
        story("old", 72),
        story("syndicated", 1, outlets=5),
        story("negative", 1, tone="negative"),
        story("unwatched", 1, watch_hits=0),
        story("lukewarm", 1, positive_score=0.5),
        story("viral", 1, engagement=10_000),
    ]
    ranked = rank_good_stories(items, now)
    order = [r.story.id for r in ranked]
    assert set(order) == {"fresh", "old", "syndicated", "viral"}
    assert order[-1] == "old" and order.index("syndicated") < order.index("fresh")
    assert order.index("viral") < order.index("fresh")
    assert ranked[0].factors["reach"] > 1 or ranked[0].factors["engagement"] > 1
