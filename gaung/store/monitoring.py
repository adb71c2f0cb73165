"""Alerts and the "kebaikan" feed over the stored archive.

The statistics live in `gaung.analyze.alerts`; this module feeds them the stored mentions (each story
counted once: syndicated copies are not a spike), records each fired alert with why it fired, and ranks
positive stories about watched people and programmes that the office could amplify.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, select, update

from gaung.analyze.alerts import AlertRule, MentionSeries, RankedStory, StoryCandidate, evaluate_rules
from gaung.analyze.alerts import rank_good_stories as rank
from gaung.errors import GaungError
from gaung.store.db import transaction
from gaung.store.raw import from_db_time, to_db_time
from gaung.store.schema import alerts, mention_entities, mentions, syndication_groups

GOOD_STORY_DAYS = 7  # the kebaikan feed looks this far back


def _when() -> Any:
    return func.coalesce(mentions.c.published_at, mentions.c.ingested_at)


def load_series(conn: Connection, since: datetime, until: datetime) -> MentionSeries:
    """Stories (canonical copies) between `since` and `until`, keyed by watched entity and issue."""
    rows = conn.execute(
        select(mentions.c.id, _when().label("t"), mentions.c.tone, mentions.c.issue_id).where(
            mentions.c.is_canonical.is_(True), _when() >= to_db_time(since), _when() < to_db_time(until)
        )
    ).all()
    watched: dict[int, set[str]] = defaultdict(set)
    if rows:
        for mention_id, watch_id in conn.execute(
            select(mention_entities.c.mention_id, mention_entities.c.watch_id)
            .join(mentions, mentions.c.id == mention_entities.c.mention_id)
            .where(
                mention_entities.c.watch_id.is_not(None),
                mentions.c.is_canonical.is_(True),
                _when() >= to_db_time(since),
                _when() < to_db_time(until),
            )
        ):
            watched[mention_id].add(watch_id)
    series = MentionSeries()
    for mention_id, moment, tone, issue_id in rows:
        series.add(
            from_db_time(moment) or since,
            entities=sorted(watched.get(mention_id, ())),
            issue=str(issue_id) if issue_id is not None else None,
            negative=tone == "negative",
        )
    return series


def check_alerts(engine: Engine, rules: list[AlertRule], now: datetime | None = None) -> list[dict[str, Any]]:
    """Evaluate every rule at `now` and store the alerts that fired; returns the new ones.

    A rule that already fired for an overlapping window is not fired again until its window has passed,
    so a spike raises one alert, not one per monitor pass.
    """
    if not rules:
        return []
    now = now or datetime.now(UTC)
    longest = max(rule.window + rule.baseline for rule in rules)
    with engine.connect() as conn:
        series = load_series(conn, now - longest, now)
    fired = evaluate_rules(rules, series, now)
    stored: list[dict[str, Any]] = []
    rules_by_name = {rule.name: rule for rule in rules}
    with transaction(engine) as conn:
        for alert in fired:
            rule = rules_by_name[alert.rule]
            recent = conn.execute(
                select(alerts.c.id).where(
                    alerts.c.rule == alert.rule, alerts.c.window_end > to_db_time(now - rule.window)
                )
            ).first()
            if recent is not None:
                continue
            values = {
                "rule": alert.rule,
                "kind": alert.kind,
                "target": alert.target,
                "fired_at": to_db_time(datetime.now(UTC)),
                "window_start": to_db_time(alert.window_start),
                "window_end": to_db_time(alert.window_end),
                "observed": float(alert.count),
                "expected": alert.expected,
                "p_value": alert.p_value,
                "reason_id": alert.reason_id,
                "reason_en": alert.reason_en,
                "status": "open",
                "details": {
                    "baseline_count": alert.baseline_count,
                    "window_total": alert.window_total,
                    "baseline_share": alert.baseline_share,
                },
            }
            values["id"] = int(conn.execute(alerts.insert().values(**values)).inserted_primary_key[0])  # type: ignore[index]
            stored.append(values)
    return stored


def replay_alerts(
    engine: Engine,
    rules: list[AlertRule],
    start: datetime,
    end: datetime,
    step: timedelta = timedelta(hours=1),
) -> int:
    """Evaluate the rules at every step between two times (for an imported archive); returns alerts stored."""
    count = 0
    moment = start
    while moment <= end:
        count += len(check_alerts(engine, rules, moment))
        moment += step
    return count


def list_alerts(conn: Connection, status: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
    query = select(alerts).order_by(alerts.c.window_end.desc(), alerts.c.id.desc()).limit(limit)
    if status:
        query = query.where(alerts.c.status == status)
    return [dict(r) for r in conn.execute(query).mappings()]


def acknowledge_alert(conn: Connection, alert_id: int, user: str) -> None:
    result = conn.execute(
        update(alerts)
        .where(alerts.c.id == alert_id)
        .values(status="acknowledged", acknowledged_by=user, acknowledged_at=to_db_time(datetime.now(UTC)))
    )
    if result.rowcount == 0:
        raise GaungError(f"no alert with id {alert_id}")


def good_stories(
    conn: Connection, now: datetime | None = None, *, days: int = GOOD_STORY_DAYS, limit: int = 20
) -> list[RankedStory]:
    """Positive stories about watched people/programmes, ranked for amplification (see analyze.alerts)."""
    now = now or datetime.now(UTC)
    hits = (
        select(
            mention_entities.c.mention_id, func.count(func.distinct(mention_entities.c.watch_id)).label("n")
        )
        .where(mention_entities.c.watch_id.is_not(None))
        .group_by(mention_entities.c.mention_id)
        .subquery()
    )
    rows = conn.execute(
        select(
            mentions.c.id,
            mentions.c.title,
            _when().label("moment"),
            mentions.c.tone,
            mentions.c.tone_scores,
            mentions.c.url,
            mentions.c.engagement,
            hits.c.n,
            syndication_groups.c.outlets,
        )
        .join(hits, hits.c.mention_id == mentions.c.id)
        .join(syndication_groups, syndication_groups.c.id == mentions.c.syndication_group_id, isouter=True)
        .where(
            and_(
                mentions.c.is_canonical.is_(True),
                mentions.c.tone == "positive",
                _when() >= to_db_time(now - timedelta(days=days)),
                _when() <= to_db_time(now),
            )
        )
    ).all()
    candidates = [
        StoryCandidate(
            id=str(r.id),
            title=r.title or "",
            published_at=from_db_time(r.moment) or now,
            tone=r.tone,
            positive_score=float((r.tone_scores or {}).get("positive", 0.0)),
            watch_hits=int(r.n),
            outlets=int(r.outlets or 1),
            url=r.url,
            engagement=sum(v for v in (r.engagement or {}).values() if isinstance(v, int)) or None,
        )
        for r in rows
    ]
    return rank(candidates, now)[:limit]


def latest_mention_time(conn: Connection) -> datetime | None:
    return from_db_time(conn.execute(select(func.max(mentions.c.published_at))).scalar_one())
