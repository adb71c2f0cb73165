"""Alert rules: is a watched entity, an issue, the negative share or total volume blowing up?

A rule compares a recent *window* (e.g. the last hour) with a *baseline* just before it (e.g. the 12
hours before) and fires only when a statistical test says the window is unlikely under the baseline —
a fixed count would page the office every morning when the news day starts and stay silent for a small
agency whose "spike" is five articles.

- ``volume``, ``entity``, ``issue``: the window count is tested against the baseline rate. The baseline is
  cut into window-sized bins; if their counts are over-dispersed (variance > mean, as real news is) the
  upper tail comes from a negative binomial with that mean and variance, otherwise from a Poisson.
- ``negative_share``: the window's negative mentions are tested against the baseline's negative share
  with a one-sided binomial test (smoothed share, so an all-positive baseline is not "share 0").

A rule fires when ``p < alpha`` **and** the window holds at least ``min_count`` mentions (or negative
mentions for ``negative_share``): significance alone fires on 3 vs 0. Every `Alert` says why, in English
and Indonesian, with the numbers behind it.

Rules come from ``[[alerts]]`` tables in gaung.toml (`rules_from_config`); a bad rule raises
`gaung.errors.ConfigError` naming it.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from scipy import stats

from gaung.errors import ConfigError

__all__ = [
    "ALERT_KINDS",
    "DEFAULT_ALPHA",
    "MIN_POSITIVE",
    "Alert",
    "AlertRule",
    "MentionSeries",
    "RankedStory",
    "StoryCandidate",
    "evaluate_rules",
    "parse_duration",
    "rank_good_stories",
    "rules_from_config",
]

ALERT_KINDS = ("volume", "negative_share", "entity", "issue")
# One false alarm per ~1000 quiet windows per rule. With hourly evaluation that is about one a month
# per rule on a stationary series; measured on synthetic Poisson series in tests/test_alerts.py
# (false-positive rate well under alpha, because min_count and the discrete tail make it conservative).
DEFAULT_ALPHA = 0.001
DEFAULT_MIN_COUNT = 5
# Significance of the index-of-dispersion test before the negative binomial replaces the Poisson.
DISPERSION_ALPHA = 0.05
# Pseudo-counts that keep an empty baseline from meaning "rate zero, any mention is infinitely unlikely".
_RATE_PRIOR = 0.5
_SHARE_PRIOR = 1.0

_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_UNIT = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}
ALL_MENTIONS = "*"


def parse_duration(text: str) -> timedelta:
    """Parse "30m", "1h", "12h", "1d", "14d", "2w" into a timedelta; ValueError on anything else."""
    match = _DURATION_RE.match(str(text))
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a duration like '1h', '12h', '1d' or '14d'")
    return timedelta(seconds=float(match.group(1)) * _UNIT[match.group(2).lower()])


@dataclass(frozen=True, slots=True)
class AlertRule:
    """One ``[[alerts]]`` entry. `target` is the watch id (entity), issue id (issue), or None = everything."""

    name: str
    kind: str
    target: str | None = None
    window: timedelta = timedelta(hours=1)
    baseline: timedelta = timedelta(hours=12)
    min_count: int = DEFAULT_MIN_COUNT
    alpha: float = DEFAULT_ALPHA

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, index: int | None = None) -> AlertRule:
        """Build a rule from a TOML table; every problem is a ConfigError that names the rule."""
        name = data.get("name")
        where = f"alert rule {name!r}" if name else f"alert rule #{(index or 0) + 1}"
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: 'name' is required (a short text such as \"walikota-negatif\")")
        known = {"name", "kind", "target", "window", "baseline", "min_count", "alpha"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(
                f"{where}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}"
            )
        kind = data.get("kind")
        if kind not in ALERT_KINDS:
            raise ConfigError(f"{where}: kind must be one of {', '.join(ALERT_KINDS)}, not {kind!r}")
        target = data.get("target")
        if target is not None and not isinstance(target, str):
            raise ConfigError(f"{where}: target must be a text (a watch id or an issue id)")
        if kind in ("entity", "issue") and not target:
            raise ConfigError(f"{where}: kind {kind!r} needs a target (the {kind} to watch)")
        try:
            window = parse_duration(data.get("window", "1h"))
            baseline = parse_duration(data.get("baseline", "12h"))
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        if baseline < window:
            raise ConfigError(f"{where}: baseline ({data.get('baseline')}) must be at least the window")
        min_count = data.get("min_count", DEFAULT_MIN_COUNT)
        if not isinstance(min_count, int) or isinstance(min_count, bool) or min_count < 1:
            raise ConfigError(f"{where}: min_count must be a whole number >= 1, not {min_count!r}")
        alpha = data.get("alpha", DEFAULT_ALPHA)
        if not isinstance(alpha, int | float) or isinstance(alpha, bool) or not 0 < alpha < 1:
            raise ConfigError(f"{where}: alpha must be a number between 0 and 1, not {alpha!r}")
        return cls(name.strip(), kind, target or None, window, baseline, min_count, float(alpha))


def rules_from_config(tables: Iterable[Mapping[str, Any]]) -> list[AlertRule]:
    """All ``[[alerts]]`` tables as rules; duplicate names are a ConfigError (alerts are keyed by name)."""
    rules: list[AlertRule] = []
    for index, table in enumerate(tables):
        if not isinstance(table, Mapping):
            raise ConfigError(f"alert rule #{index + 1}: expected a table, got {type(table).__name__}")
        rule = AlertRule.from_dict(table, index=index)
        if any(r.name == rule.name for r in rules):
            raise ConfigError(f"alert rule {rule.name!r}: the name is used twice")
        rules.append(rule)
    return rules


@dataclass
class MentionSeries:
    """Mention times per key ("*" = all, "entity:<watch id>", "issue:<issue id>"), negatives kept apart.

    Kept as sorted timestamps rather than pre-binned counts so any window/baseline pair can be asked.
    """

    times: dict[str, list[datetime]] = field(default_factory=dict)
    negative_times: dict[str, list[datetime]] = field(default_factory=dict)

    def add(
        self,
        published_at: datetime,
        *,
        entities: Iterable[str] = (),
        issue: str | None = None,
        negative: bool = False,
    ) -> None:
        """Record one mention under "*", each of its watched entities and its issue."""
        keys = [ALL_MENTIONS, *(f"entity:{e}" for e in entities)]
        if issue:
            keys.append(f"issue:{issue}")
        for key in keys:
            bisect.insort(self.times.setdefault(key, []), published_at)
            if negative:
                bisect.insort(self.negative_times.setdefault(key, []), published_at)

    def count(self, key: str, start: datetime, end: datetime, *, negative: bool = False) -> int:
        """Mentions with start <= time < end."""
        times = (self.negative_times if negative else self.times).get(key, [])
        return bisect.bisect_left(times, end) - bisect.bisect_left(times, start)


@dataclass(frozen=True, slots=True)
class Alert:
    """A fired rule and the evidence for it."""

    rule: str
    kind: str
    target: str | None
    window_start: datetime
    window_end: datetime
    count: int
    expected: float
    p_value: float
    baseline_count: int
    reason_en: str
    reason_id: str
    window_total: int | None = None  # negative_share: all mentions in the window
    baseline_share: float | None = None  # negative_share: smoothed negative share of the baseline


def _series_key(rule: AlertRule) -> str:
    if rule.kind == "entity":
        return f"entity:{rule.target}"
    if rule.kind == "issue":
        return f"issue:{rule.target}"
    if rule.target:  # volume / negative_share may be narrowed to one entity
        return rule.target if ":" in rule.target else f"entity:{rule.target}"
    return ALL_MENTIONS


def _count_upper_tail(count: int, bins: Sequence[int], baseline_span: float) -> tuple[float, float]:
    """Expected window count and P(X >= count) given baseline bin counts (NB if over-dispersed)."""
    mean = (sum(bins) + _RATE_PRIOR) / baseline_span
    if count <= 0:
        return mean, 1.0
    if len(bins) >= 3:
        variance = sum((b - sum(bins) / len(bins)) ** 2 for b in bins) / (len(bins) - 1)
        # Sampling noise makes variance > mean half the time on a Poisson series; a heavy NB tail then
        # hides real spikes. Switch to NB only when the dispersion test (Σ(x-x̄)²/x̄ ~ χ²(n-1)) says the
        # baseline really is over-dispersed.
        bin_mean = sum(bins) / len(bins)
        dispersion = (len(bins) - 1) * variance / bin_mean if bin_mean else 0.0
        if variance > mean and stats.chi2.sf(dispersion, len(bins) - 1) < DISPERSION_ALPHA:
            size = mean * mean / (variance - mean)
            return mean, float(stats.nbinom.sf(count - 1, size, size / (size + mean)))
    return mean, float(stats.poisson.sf(count - 1, mean))


def _fmt_time(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def _evaluate(rule: AlertRule, series: MentionSeries, now: datetime) -> Alert | None:
    key = _series_key(rule)
    start, base_start = now - rule.window, now - rule.window - rule.baseline
    subject_en = {"volume": "Mentions", "entity": "Mentions of", "issue": "Mentions in issue"}
    subject_id = {"volume": "Jumlah pemberitaan", "entity": "Pemberitaan tentang", "issue": "Pemberitaan isu"}
    span = f"{_fmt_time(start)}–{_fmt_time(now)}"
    if rule.kind == "negative_share":
        total = series.count(key, start, now)
        negative = series.count(key, start, now, negative=True)
        base_total = series.count(key, base_start, start)
        base_negative = series.count(key, base_start, start, negative=True)
        share = (base_negative + _SHARE_PRIOR) / (base_total + 2 * _SHARE_PRIOR)
        expected = total * share
        p_value = float(stats.binom.sf(negative - 1, total, share)) if negative else 1.0
        if negative < rule.min_count or p_value >= rule.alpha:
            return None
        observed = negative / total
        reason_en = (
            f"Negative share {observed:.0%} ({negative} of {total}) in {span} vs {share:.0%} in the "
            f"previous {_human(rule.baseline)} (expected {expected:.1f} negative); binomial p={p_value:.2g} "
            f"< {rule.alpha:g}. Rule '{rule.name}'."
        )
        reason_id = (
            f"Porsi berita negatif {observed:.0%} ({negative} dari {total}) pada {span}, dibanding "
            f"{share:.0%} dalam {_human(rule.baseline, 'id')} sebelumnya (diharapkan {expected:.1f}); "
            f"uji binomial p={p_value:.2g} < {rule.alpha:g}. Aturan '{rule.name}'."
        )
        return Alert(rule.name, rule.kind, rule.target, start, now, negative, expected, p_value,
                     base_negative, reason_en, reason_id, total, share)  # fmt: skip
    count = series.count(key, start, now)
    n_bins = max(1, int(rule.baseline / rule.window))
    bins = [series.count(key, start - (i + 1) * rule.window, start - i * rule.window) for i in range(n_bins)]
    baseline_count = series.count(key, base_start, start)
    expected, p_value = _count_upper_tail(count, bins, rule.baseline / rule.window)
    if count < rule.min_count or p_value >= rule.alpha:
        return None
    what = f" '{rule.target}'" if rule.target else ""
    ratio = count / expected if expected else float("inf")
    reason_en = (
        f"{subject_en.get(rule.kind, 'Mentions')}{what}: {count} in {span}, {ratio:.1f}× the "
        f"{expected:.1f} expected from the previous {_human(rule.baseline)} ({baseline_count} mentions); "
        f"p={p_value:.2g} < {rule.alpha:g}. Rule '{rule.name}'."
    )
    reason_id = (
        f"{subject_id.get(rule.kind, 'Jumlah pemberitaan')}{what}: {count} pada {span}, {ratio:.1f}× dari "
        f"{expected:.1f} yang diharapkan berdasarkan {_human(rule.baseline, 'id')} sebelumnya "
        f"({baseline_count} berita); p={p_value:.2g} < {rule.alpha:g}. Aturan '{rule.name}'."
    )
    return Alert(rule.name, rule.kind, rule.target, start, now, count, expected, p_value, baseline_count,
                 reason_en, reason_id)  # fmt: skip


def _human(span: timedelta, lang: str = "en") -> str:
    hours = span.total_seconds() / 3600
    if hours % 24 == 0:
        days = int(hours // 24)
        return f"{days} {'hari' if lang == 'id' else 'day' if days == 1 else 'days'}"
    if hours >= 1:
        value = f"{hours:g}"
        return f"{value} {'jam' if lang == 'id' else 'hour' if hours == 1 else 'hours'}"
    minutes = int(span.total_seconds() // 60)
    return f"{minutes} {'menit' if lang == 'id' else 'minutes'}"


def evaluate_rules(rules: Iterable[AlertRule], series: MentionSeries, now: datetime) -> list[Alert]:
    """Every rule whose window ending at `now` is significantly above its baseline, in rule order."""
    alerts = []
    for rule in rules:
        alert = _evaluate(rule, series, now)
        if alert is not None:
            alerts.append(alert)
    return alerts


# -- The "kebaikan" feed -------------------------------------------------------------------------------
# Positive stories about the city's people and programs that the office could amplify. The score is a
# product, so a story must be good on every axis to rank high (a very positive story about nobody we
# watch, or a week-old one, should not top the feed):
#
#   score = p_positive × (1 + WATCH_WEIGHT·min(watch_hits, WATCH_CAP))
#                     × 0.5^(age_hours / RECENCY_HALF_LIFE_HOURS)
#                     × (1 + log(outlets))                           # syndication reach
#                     × (1 + ENGAGEMENT_WEIGHT·log10(1 + engagement)) # when known, else 1
#
# Only stories whose tone is "positive" with p_positive ≥ MIN_POSITIVE and at least one watchlist hit
# qualify: the feed is about *our* people and programs, not good news in general.
MIN_POSITIVE = 0.6
WATCH_WEIGHT = 0.5
WATCH_CAP = 3  # a list of every official in one paragraph is not three times as useful
RECENCY_HALF_LIFE_HOURS = 24.0  # amplification is worth most the day a story runs
ENGAGEMENT_WEIGHT = 0.25


@dataclass(frozen=True, slots=True)
class StoryCandidate:
    """What the ranking needs about one mention; tone and hits come from the tone and entity stages."""

    id: str
    title: str
    published_at: datetime
    tone: str
    positive_score: float
    watch_hits: int = 0
    outlets: int = 1
    engagement: int | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class RankedStory:
    """A candidate with its score and the factors behind it (shown in the feed as "why this story")."""

    story: StoryCandidate
    score: float
    factors: dict[str, float]


def rank_good_stories(items: Iterable[StoryCandidate], now: datetime) -> list[RankedStory]:
    """Qualifying positive stories, best first (ties: newer first, then id for a stable order)."""
    ranked = []
    for item in items:
        if item.tone != "positive" or item.positive_score < MIN_POSITIVE or item.watch_hits < 1:
            continue
        age_hours = max(0.0, (now - item.published_at).total_seconds() / 3600)
        factors = {
            "positive": item.positive_score,
            "watchlist": 1 + WATCH_WEIGHT * min(item.watch_hits, WATCH_CAP),
            "recency": 0.5 ** (age_hours / RECENCY_HALF_LIFE_HOURS),
            "reach": 1 + math.log(max(1, item.outlets)),
            "engagement": 1 + ENGAGEMENT_WEIGHT * math.log10(1 + max(0, item.engagement or 0)),
        }
        score = math.prod(factors.values())
        ranked.append(RankedStory(item, score, factors))
    ranked.sort(key=lambda r: (-r.score, -r.story.published_at.timestamp(), r.story.id))
    return ranked
