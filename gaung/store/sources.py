"""Sources and their health: the list the monitor polls, and whether each one still delivers.

Media Cloud users' most common complaint is a feed that silently died; so every source carries its
last success, items per day, consecutive failures, and a status of ok / stale / dead / never.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, delete, func, select, update

from gaung.config import SOURCE_KINDS, PollSettings, SourceConfig
from gaung.errors import ConfigError
from gaung.ingest import polling
from gaung.store.raw import from_db_time, to_db_time
from gaung.store.schema import mentions, sources


@dataclass
class SourceHealth:
    status: str  # ok | stale | dead | never | paused
    reason: str
    items_per_day: float


def _now() -> datetime:
    return datetime.now(UTC)


def add_source(conn: Connection, source: SourceConfig, *, replace: bool = False) -> int:
    """Add a source (or update it when `replace` and the name exists); returns its id."""
    if source.kind not in SOURCE_KINDS:
        raise ConfigError(f"source {source.name!r}: kind must be one of {', '.join(SOURCE_KINDS)}")
    if not source.name.strip():
        raise ConfigError("a source needs a name")
    existing = get_source(conn, source.name)
    values = {
        "kind": source.kind,
        "url": source.url,
        "site": source.site,
        "enabled": source.enabled,
        "allow_private": source.allow_private,
    }
    if existing is not None:
        if not replace:
            raise ConfigError(f"a source named {source.name!r} already exists (remove it first)")
        conn.execute(update(sources).where(sources.c.id == existing["id"]).values(**values))
        return int(existing["id"])
    result = conn.execute(
        sources.insert().values(
            name=source.name, created_at=to_db_time(_now()), consecutive_failures=0, items_total=0, **values
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def get_source(conn: Connection, name_or_id: str | int) -> dict[str, Any] | None:
    column = sources.c.id if isinstance(name_or_id, int) else sources.c.name
    row = conn.execute(select(sources).where(column == name_or_id)).mappings().first()
    return dict(row) if row else None


def list_sources(conn: Connection) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(select(sources).order_by(sources.c.name)).mappings()]


def remove_source(conn: Connection, name: str) -> bool:
    """Remove a source; its stored mentions stay (they are the archive), unlinked from it."""
    row = get_source(conn, name)
    if row is None:
        return False
    conn.execute(update(mentions).where(mentions.c.source_id == row["id"]).values(source_id=None))
    conn.execute(delete(sources).where(sources.c.id == row["id"]))
    return True


def set_enabled(conn: Connection, name: str, enabled: bool) -> bool:
    result = conn.execute(update(sources).where(sources.c.name == name).values(enabled=enabled))
    return result.rowcount > 0


def sync_from_config(conn: Connection, configured: list[SourceConfig]) -> int:
    """Upsert the `[[sources]]` of gaung.toml; sources added by CLI or web are left alone."""
    for source in configured:
        add_source(conn, source, replace=True)
    return len(configured)


def record_success(
    conn: Connection,
    source_id: int,
    *,
    new_items: int,
    etag: str | None = None,
    last_modified: str | None = None,
    poll_interval: float | None = None,
) -> None:
    now = to_db_time(_now())
    values: dict[str, Any] = {
        "last_attempt_at": now,
        "last_success_at": now,
        "last_error": None,
        "consecutive_failures": 0,
        "items_total": sources.c.items_total + new_items,
    }
    if new_items:
        values["last_new_item_at"] = now
    if etag is not None:
        values["etag"] = etag
    if last_modified is not None:
        values["last_modified"] = last_modified
    if poll_interval is not None:
        values["poll_interval"] = poll_interval
        values["next_poll_at"] = to_db_time(_now() + timedelta(seconds=poll_interval))
    conn.execute(update(sources).where(sources.c.id == source_id).values(**values))


def record_failure(conn: Connection, source_id: int, error: str, *, retry_in: float = 900.0) -> None:
    conn.execute(
        update(sources)
        .where(sources.c.id == source_id)
        .values(
            last_attempt_at=to_db_time(_now()),
            last_error=error[:2000],
            consecutive_failures=sources.c.consecutive_failures + 1,
            next_poll_at=to_db_time(_now() + timedelta(seconds=retry_in)),
        )
    )


def items_per_day(conn: Connection, source_id: int, *, days: int = 7) -> float:
    since = to_db_time(_now() - timedelta(days=days))
    count = conn.execute(
        select(func.count())
        .select_from(mentions)
        .where(mentions.c.source_id == source_id, mentions.c.ingested_at >= since)
    ).scalar_one()
    return round(count / days, 1)


def source_health(
    row: dict[str, Any], per_day: float, poll: PollSettings, now: datetime | None = None
) -> SourceHealth:
    """Classify a stored source (ok / stale / dead / never / paused) with a reason an analyst can act on."""
    if not row.get("enabled", True):
        return SourceHealth("paused", "paused by a user", per_day)
    if row.get("kind") in ("html", "archive") and row.get("last_success_at") is not None:
        # local files are imported once, not polled for news: quiet is normal for them
        failures = int(row.get("consecutive_failures") or 0)
        if failures < poll.dead_after_failures:
            return SourceHealth("ok", "imported", per_day)
    verdict = polling.source_health(
        last_success_at=from_db_time(row.get("last_success_at")),
        consecutive_failures=int(row.get("consecutive_failures") or 0),
        last_new_item_at=from_db_time(row.get("last_new_item_at")),
        items_per_day=[per_day] if per_day else (),
        settings=poll,
        now=now,
    )
    reason = verdict.reason
    if row.get("last_error") and verdict.status != "ok":
        reason = f"{reason}; last error: {row['last_error']}"
    return SourceHealth(verdict.status, reason, per_day)
