"""Writing imported exports to the database, and reading channels, posts and snapshots back.

Posts are unique per (platform, external id): a re-import updates a post's details and adds a metric
snapshot only when its values or its capture time differ from what is stored, so importing the same
file twice changes nothing and overlapping exports show each post's growth. Hand-entered fields (topic
tags, program, credited staff) are never overwritten by an import.

Times are stored as naive UTC and returned as timezone-aware UTC datetimes.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from gaung.content.model import METRICS, ChannelRef, FollowerPoint, ImportReport, ParsedExport, ParsedPost
from gaung.store.schema import channel_followers, channels, metric_snapshots, posts

# Fields an import may refresh on an existing post (when the export has a value for them).
IMPORTED_POST_FIELDS = ("permalink", "published_at", "format", "title", "caption", "duration_seconds")
HAND_FIELDS = ("topic_tags", "program", "credited_staff")


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _naive_utc(value: datetime | date) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, time())
    if value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def _same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)


# -- writing ----------------------------------------------------------------------------------------


def save_export(conn: sa.Connection, parsed: ParsedExport, *, path: str) -> ImportReport:
    """Store what an importer read; return what changed. Runs inside the caller's transaction."""
    report = ImportReport(
        path=path,
        format=parsed.format,
        rows_read=parsed.rows_read,
        skipped=list(parsed.skipped),
        notes=list(parsed.notes),
    )
    now = _now()
    channel_ids: dict[tuple[str, str], int] = {}
    new_posts: set[int] = set()
    updated_posts: set[int] = set()

    def channel_id(ref: ChannelRef) -> int:
        key = (ref.platform, ref.key)
        if key not in channel_ids:
            channel_ids[key] = ensure_channel(conn, ref, now=now)
            report.channels.append(f"{ref.platform}:{ref.name}")
        return channel_ids[key]

    for post in parsed.posts:
        post_id, created, changed = _upsert_post(conn, post, channel_id(post.channel), now=now)
        if created:
            new_posts.add(post_id)
            report.posts_new += 1
        elif changed and post_id not in new_posts:
            updated_posts.add(post_id)
        if post.metrics and _add_snapshot(conn, post_id, post, parsed, now=now):
            report.snapshots_added += 1
            if post_id not in new_posts:
                updated_posts.add(post_id)
    report.posts_updated = len(updated_posts)
    for point in parsed.followers:
        if _upsert_followers(conn, channel_id(point.channel), point, parsed.captured_at):
            report.follower_days += 1
    return report


def ensure_channel(conn: sa.Connection, ref: ChannelRef, *, now: datetime | None = None) -> int:
    """The id of the channel `ref` names, created on first sight (a name given later is not overwritten)."""
    row = conn.execute(
        sa.select(channels.c.id, channels.c.handle, channels.c.account_id).where(
            channels.c.platform == ref.platform, channels.c.account_key == ref.key
        )
    ).first()
    if row is None:
        return int(
            conn.execute(
                channels.insert().values(
                    platform=ref.platform,
                    account_key=ref.key,
                    account_id=ref.account_id,
                    handle=ref.handle,
                    name=ref.name,
                    is_reference=False,
                    created_at=now or _now(),
                )
            ).inserted_primary_key[0]  # type: ignore[index]  # set by every insert
        )
    fill = {}
    if row.handle is None and ref.handle:
        fill["handle"] = ref.handle
    if row.account_id is None and ref.account_id:
        fill["account_id"] = ref.account_id
    if fill:
        conn.execute(channels.update().where(channels.c.id == row.id).values(**fill))
    return int(row.id)


def _upsert_post(
    conn: sa.Connection, post: ParsedPost, channel_id: int, *, now: datetime
) -> tuple[int, bool, bool]:
    """Insert or refresh a post; returns (id, created, details changed)."""
    row = conn.execute(
        sa.select(posts).where(
            posts.c.platform == post.channel.platform, posts.c.external_id == post.external_id
        )
    ).first()
    values = {
        "permalink": post.permalink,
        "published_at": post.published_at,
        "format": post.format,
        "title": post.title,
        "caption": post.caption,
        "duration_seconds": post.duration_seconds,
    }
    if row is None:
        result = conn.execute(
            posts.insert().values(
                platform=post.channel.platform,
                external_id=post.external_id,
                channel_id=channel_id,
                topic_tags=post.topic_tags or None,
                first_imported_at=now,
                updated_at=now,
                **values,
            )
        )
        new_id = result.inserted_primary_key[0]  # type: ignore[index]  # set by every insert
        return int(new_id), True, False
    changes: dict[str, Any] = {
        name: value for name, value in values.items() if value is not None and value != getattr(row, name)
    }
    if post.topic_tags and not row.topic_tags:
        changes["topic_tags"] = post.topic_tags
    if changes:
        conn.execute(posts.update().where(posts.c.id == row.id).values(updated_at=now, **changes))
    return int(row.id), False, bool(changes)


def _add_snapshot(
    conn: sa.Connection, post_id: int, post: ParsedPost, parsed: ParsedExport, *, now: datetime
) -> bool:
    """Add a snapshot unless it repeats what is stored: the same numbers at the same capture time, or the
    same numbers as the post's newest snapshot.

    Unchanged numbers carry no news: exports without a date range take their capture time from the file
    (an upload's is "now"), so the same file uploaded twice would otherwise add a snapshot each time.
    """
    columns = [metric_snapshots.c[name] for name in METRICS]
    same_time = conn.execute(
        sa.select(*columns)
        .where(metric_snapshots.c.post_id == post_id, metric_snapshots.c.captured_at == parsed.captured_at)
        .order_by(metric_snapshots.c.id.desc())
        .limit(1)
    ).first()
    newest = conn.execute(
        sa.select(*columns)
        .where(metric_snapshots.c.post_id == post_id)
        .order_by(metric_snapshots.c.captured_at.desc(), metric_snapshots.c.id.desc())
        .limit(1)
    ).first()
    for latest in (same_time, newest):
        if latest is not None and all(
            _same_number(getattr(latest, name), post.metrics.get(name)) for name in METRICS
        ):
            return False
    conn.execute(
        metric_snapshots.insert().values(
            post_id=post_id,
            captured_at=parsed.captured_at,
            source_format=parsed.format,
            raw=post.raw,
            imported_at=now,
            **{name: post.metrics.get(name) for name in METRICS},
        )
    )
    return True


def _upsert_followers(
    conn: sa.Connection, channel_id: int, point: FollowerPoint, captured_at: datetime
) -> bool:
    """Merge one day's follower numbers into the history; True when something was added or changed."""
    row = conn.execute(
        sa.select(channel_followers).where(
            channel_followers.c.channel_id == channel_id, channel_followers.c.day == point.day
        )
    ).first()
    if row is None:
        conn.execute(
            channel_followers.insert().values(
                channel_id=channel_id,
                day=point.day,
                followers=point.followers,
                followers_change=point.followers_change,
                daily=point.daily or None,
                captured_at=captured_at,
            )
        )
        return True
    # Overview files give only the change, FollowerHistory files the totals: keep what each one knows.
    merged = {
        "followers": point.followers if point.followers is not None else row.followers,
        "followers_change": point.followers_change
        if point.followers_change is not None
        else row.followers_change,
        "daily": {**(row.daily or {}), **point.daily} or None,
    }
    if all(merged[name] == getattr(row, name) for name in merged):
        return False
    conn.execute(
        channel_followers.update()
        .where(channel_followers.c.id == row.id)
        .values(captured_at=captured_at, **merged)
    )
    return True


def set_reference(conn: sa.Connection, channel_id: int, is_reference: bool = True) -> None:
    """Mark a channel as a reference (benchmark) account, or as the office's own."""
    conn.execute(channels.update().where(channels.c.id == channel_id).values(is_reference=is_reference))


def update_post_details(
    conn: sa.Connection,
    post_id: int,
    *,
    topic_tags: list[str] | None = None,
    program: str | None = None,
    credited_staff: str | None = None,
) -> None:
    """Set the hand-entered fields of a post (None leaves a field as it is; "" or [] clears it)."""
    values: dict[str, Any] = {}
    if topic_tags is not None:
        values["topic_tags"] = topic_tags or None
    if program is not None:
        values["program"] = program or None
    if credited_staff is not None:
        values["credited_staff"] = credited_staff or None
    if values:
        conn.execute(posts.update().where(posts.c.id == post_id).values(updated_at=_now(), **values))


# -- reading ----------------------------------------------------------------------------------------


def list_channels(conn: sa.Connection) -> list[dict[str, Any]]:
    """All channels with their post count and latest known follower count."""
    post_count = (
        sa.select(sa.func.count())
        .select_from(posts)
        .where(posts.c.channel_id == channels.c.id)
        .correlate(channels)
        .scalar_subquery()
    )
    latest_day = (
        sa.select(channel_followers.c.id)
        .where(channel_followers.c.channel_id == channels.c.id, channel_followers.c.followers.is_not(None))
        .order_by(channel_followers.c.day.desc())
        .limit(1)
        .correlate(channels)
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(
            channels,
            post_count.label("posts"),
            channel_followers.c.followers,
            channel_followers.c.day.label("followers_day"),
        )
        .outerjoin(channel_followers, channel_followers.c.id == latest_day)
        .order_by(channels.c.is_reference, channels.c.platform, channels.c.name)
    ).mappings()
    result = []
    for row in rows:
        item = dict(row)
        item["created_at"] = _aware(item["created_at"])
        result.append(item)
    return result



def latest_snapshot_id() -> Any:
    """A scalar subquery, correlated to `posts`: the id of each post's newest metric snapshot."""
    return (
        sa.select(metric_snapshots.c.id)
        .where(metric_snapshots.c.post_id == posts.c.id)
        .order_by(metric_snapshots.c.captured_at.desc(), metric_snapshots.c.id.desc())
        .limit(1)
        .correlate(posts)
        .scalar_subquery()
    )

def list_posts(
    conn: sa.Connection,
    *,
    channel_id: int | None = None,
    platform: str | None = None,
    since: datetime | date | None = None,
    until: datetime | date | None = None,
) -> list[dict[str, Any]]:
    """Posts, newest first, each with its channel and its latest snapshot's metrics.

    `since`/`until` filter on published_at; a date `until` includes that whole (UTC) day. The metrics
    of the latest snapshot appear as top-level keys (None when the post has none), with
    `captured_at` and `snapshots` (how many snapshots the post has).
    """
    latest_id = latest_snapshot_id()
    count = (
        sa.select(sa.func.count())
        .select_from(metric_snapshots)
        .where(metric_snapshots.c.post_id == posts.c.id)
        .correlate(posts)
        .scalar_subquery()
    )
    query = (
        sa.select(
            posts,
            channels.c.name.label("channel_name"),
            channels.c.is_reference,
            metric_snapshots.c.captured_at,
            count.label("snapshots"),
            *[metric_snapshots.c[name] for name in METRICS],
        )
        .join(channels, channels.c.id == posts.c.channel_id)
        .outerjoin(metric_snapshots, metric_snapshots.c.id == latest_id)
        .order_by(posts.c.published_at.desc().nulls_last(), posts.c.id.desc())
    )
    if channel_id is not None:
        query = query.where(posts.c.channel_id == channel_id)
    if platform is not None:
        query = query.where(posts.c.platform == platform)
    if since is not None:
        query = query.where(posts.c.published_at >= _naive_utc(since))
    if until is not None:
        end = _naive_utc(until)
        if not isinstance(until, datetime):
            query = query.where(posts.c.published_at < end + timedelta(days=1))
        else:
            query = query.where(posts.c.published_at <= end)
    result = []
    for row in conn.execute(query).mappings():
        item = dict(row)
        for name in ("published_at", "captured_at", "first_imported_at", "updated_at"):
            item[name] = _aware(item[name])
        item["topic_tags"] = item["topic_tags"] or []
        result.append(item)
    return result


def post_history(conn: sa.Connection, post_id: int) -> list[dict[str, Any]]:
    """A post's snapshots, oldest first: captured_at, source_format and the metrics."""
    rows = conn.execute(
        sa.select(
            metric_snapshots.c.id,
            metric_snapshots.c.captured_at,
            metric_snapshots.c.source_format,
            *[metric_snapshots.c[name] for name in METRICS],
        )
        .where(metric_snapshots.c.post_id == post_id)
        .order_by(metric_snapshots.c.captured_at, metric_snapshots.c.id)
    ).mappings()
    return [{**row, "captured_at": _aware(row["captured_at"])} for row in rows]


def follower_history(conn: sa.Connection, channel_id: int) -> list[dict[str, Any]]:
    """A channel's follower counts by day, oldest first (followers and/or followers_change, daily)."""
    rows = conn.execute(
        sa.select(
            channel_followers.c.day,
            channel_followers.c.followers,
            channel_followers.c.followers_change,
            channel_followers.c.daily,
        )
        .where(channel_followers.c.channel_id == channel_id)
        .order_by(channel_followers.c.day)
    ).mappings()
    return [{**row, "daily": row["daily"] or {}} for row in rows]
