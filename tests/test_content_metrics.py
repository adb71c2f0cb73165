"""Content metrics: the documented formulas, "—" for what cannot be computed, no views/impressions mixing."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from gaung.content import metrics
from gaung.content.metrics import (
    METRICS,
    MetricValue,
    all_metrics,
    early_velocity,
    engagements,
    explanation,
    followers_at,
    format_metric,
    formula,
    percentile_in_channel,
)

DOCS = Path(__file__).parent.parent / "docs" / "content-metrics.md"
POST = {"views": 2000, "reach": 1000, "likes": 80, "comments": 10, "shares": 20, "saves": 10}


def test_every_formula_on_a_worked_example() -> None:
    values = {key: m.value for key, m in all_metrics(POST, followers=4000).items()}
    assert engagements(POST) == 120
    assert values == {
        "engagement_rate_reach": pytest.approx(12.0),  # 120 / 1000
        "engagement_rate_followers": pytest.approx(3.0),  # 120 / 4000
        "engagement_rate_views": pytest.approx(6.0),  # 120 / 2000
        "engagement_rate_impressions": None,  # no impressions: not views in disguise
        "virality": pytest.approx(1.0),  # 20 / 2000
        "amplification": pytest.approx(0.5),  # 20 / 4000
        "applause": pytest.approx(2.0),  # 80 / 4000
        "conversation": pytest.approx(0.25),  # 10 / 4000
    }


def test_engagements_sum_the_parts_the_export_has() -> None:
    assert engagements({"likes": 5, "comments": None, "shares": "3"}) == 8  # X/Facebook have no saves
    assert engagements({"views": 100}) is None
    assert engagements({"likes": -1, "comments": float("nan")}) is None  # nonsense counts are not counts


def test_zero_and_missing_denominators_are_not_available() -> None:
    zero = all_metrics({**POST, "reach": 0, "views": 0}, followers=0)
    for key in ("engagement_rate_reach", "engagement_rate_views", "virality", "applause"):
        assert zero[key].value is None and zero[key].display() == "—", key
    assert zero["engagement_rate_reach"].reason == "reach is 0"
    missing = all_metrics({"likes": 3})
    assert missing["engagement_rate_followers"].reason == "no follower count"
    assert all(m.display() == "—" for k, m in missing.items())
    assert format_metric(float("inf")) == "—" and format_metric(math.nan) == "—"
    assert format_metric(0.0) == "0.00%"  # a real zero is still shown as zero


def test_impressions_are_never_substituted_for_views() -> None:
    old_instagram = {"impressions": 5000, "reach": 900, "likes": 50, "comments": 5, "shares": 5}
    result = all_metrics(old_instagram)
    for key in ("engagement_rate_views", "virality"):
        assert result[key].value is None
        assert "only impressions" in result[key].reason
    assert result["engagement_rate_impressions"].value == pytest.approx(60 / 5000 * 100)
    assert result["engagement_rate_reach"].value == pytest.approx(60 / 900 * 100)
    both = all_metrics({**old_instagram, "views": 6000})
    assert both["engagement_rate_views"].value == pytest.approx(1.0)  # views used, impressions ignored


def test_early_velocity_needs_a_snapshot_near_24_hours() -> None:
    published = datetime(2025, 6, 10, 2, 0)

    def snap(hours: float, **counts: int) -> dict[str, object]:
        return {"captured_at": published + timedelta(hours=hours), **counts}

    found = early_velocity(published, [snap(5, views=100), snap(23, views=900), snap(72, views=2000)])
    assert found.value == 900 and "23.0 h" in found.detail
    nearest = early_velocity(published, [snap(22, views=800), snap(25, views=1000)])
    assert nearest.value == 1000  # 1 h from 24 beats 2 h
    too_early = early_velocity(published, [snap(6, views=100), snap(48, views=3000)])
    assert too_early.value is None and "21–27 hours" in too_early.reason  # no guess from 6 h or 48 h
    assert early_velocity(published, []).value is None  # a post with no snapshots
    assert early_velocity(None, [snap(24, views=5)]).reason == "no publish time"
    impressions_only = early_velocity(published, [snap(24, impressions=700)])
    assert impressions_only.value is None and "only impressions" in impressions_only.reason


def test_followers_on_the_day_of_posting() -> None:
    history = [{"day": date(2025, 6, 1), "followers": 1000}, {"day": date(2025, 6, 9), "followers": 1100}]
    assert followers_at(history, datetime(2025, 6, 10, 3)) == 1100
    assert followers_at([(date(2025, 6, 1), 1000)], datetime(2025, 6, 3)) == 1000
    assert followers_at(history, datetime(2025, 8, 1)) is None  # nothing within a week: no guess
    assert followers_at([], datetime(2025, 6, 1)) is None
    assert followers_at(history, None) is None


def test_percentile_within_channel() -> None:
    channel = [10.0, 20.0, 30.0, 40.0, None]
    assert percentile_in_channel(40.0, channel).value == pytest.approx(87.5)  # 3 below + ½ of itself
    assert percentile_in_channel(10.0, channel).value == pytest.approx(12.5)
    assert percentile_in_channel(20.0, [20.0, 20.0]).value == pytest.approx(50.0)
    alone = percentile_in_channel(5.0, [5.0])
    assert alone.value is None and "n=1" in alone.reason
    assert percentile_in_channel(None, channel).value is None
    assert percentile_in_channel(40.0, channel).display() == "P88"


def test_every_metric_has_a_formula_docstring_and_is_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    for key in [*METRICS, "early_velocity", "percentile"]:
        text = formula(key)
        assert re.search(r"= .+", text), key  # "Name = formula"
        assert f"`{key}`" in docs, f"{key} is missing from {DOCS.name}"
        assert explanation(key).startswith(text.rstrip("."))
    assert "Engagements = likes + comments + shares + saves" in explanation("engagement_rate_reach")
    assert isinstance(metrics.all_metrics({}), dict)
    assert MetricValue("x", None).display() == "—"
