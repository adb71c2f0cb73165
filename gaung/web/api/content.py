"""JSON API for the office's own content: channels, posts with their metrics, a post's history, what works.

The functions that assemble a posts table, a post's details and the what-works view live here and are
shared by the pages in `gaung.web.routes.content`, so a page and its API twin cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel
from sqlalchemy import Connection

from gaung.content import follower_history, list_channels, list_posts, post_history, whatworks
from gaung.content import metrics as content_metrics
from gaung.content.model import METRICS as COUNT_FIELDS
from gaung.content.model import PLATFORMS, POST_FORMATS
from gaung.store.reports import list_issues
from gaung.store.schema import posts as posts_table
from gaung.web.api.common import IsoDate, UtcDateTime, workspace
from gaung.web.auth import User, require

router = APIRouter(prefix="/api/content", tags=["content"])

Scope = Literal["own", "reference", "all"]
SORT_KEYS = ("published_at", "views", "reach", "impressions", "engagements", *content_metrics.METRICS)
MAX_PAGE = 200


@dataclass
class PostFilters:
    """What the posts table shows: filters, sort and page."""

    channel_id: int | None = None
    platform: str | None = None
    format: str | None = None
    q: str | None = None
    since: date | None = None
    until: date | None = None
    scope: Scope = "own"
    sort: str = "published_at"
    order: Literal["asc", "desc"] = "desc"
    limit: int = 50
    offset: int = 0


# -- shared by the pages and the API -------------------------------------------------------------
def followers_lookup(conn: Connection) -> Callable[[Mapping[str, Any]], float | None]:
    """`followers(post)`: the channel's followers on the day of posting (history read once per channel)."""
    histories: dict[int, list[dict[str, Any]]] = {}

    def followers(post: Mapping[str, Any]) -> float | None:
        channel_id = int(post["channel_id"])
        if channel_id not in histories:
            histories[channel_id] = follower_history(conn, channel_id)
        return content_metrics.followers_at(histories[channel_id], post.get("published_at"))

    return followers


def enrich(post: dict[str, Any], followers: float | None) -> dict[str, Any]:
    """A post row plus `engagements`, `followers` and `metrics` (key → MetricValue)."""
    post["engagements"] = content_metrics.engagements(post)
    post["followers"] = followers
    post["metrics"] = content_metrics.all_metrics(post, followers)
    return post


def _in_scope(post: Mapping[str, Any], scope: str) -> bool:
    if scope == "all":
        return True
    return bool(post.get("is_reference")) == (scope == "reference")


def _sort_value(post: Mapping[str, Any], key: str) -> float | None:
    if key == "published_at":
        moment = post.get("published_at")
        return moment.timestamp() if isinstance(moment, datetime) else None
    if key in content_metrics.METRICS:
        metric: content_metrics.MetricValue = post["metrics"][key]
        return metric.value
    value = post.get(key)
    return float(value) if value is not None else None


def query_posts(conn: Connection, filters: PostFilters) -> tuple[list[dict[str, Any]], int]:
    """One page of posts (with metrics) matching `filters`, and how many match in all.

    Posts without the sort metric go last whatever the order: "—" is not the smallest number.
    """
    rows = list_posts(
        conn,
        channel_id=filters.channel_id,
        platform=filters.platform or None,
        since=filters.since,
        until=filters.until,
    )
    needle = (filters.q or "").strip().casefold()
    followers = followers_lookup(conn)
    selected = []
    for row in rows:
        if not _in_scope(row, filters.scope) and filters.channel_id is None:
            continue
        if filters.format and row.get("format") != filters.format:
            continue
        if needle and needle not in f"{row.get('caption') or ''} {row.get('title') or ''}".casefold():
            continue
        selected.append(enrich(row, followers(row)))
    present = [p for p in selected if _sort_value(p, filters.sort) is not None]
    absent = [p for p in selected if _sort_value(p, filters.sort) is None]
    present.sort(key=lambda p: _sort_value(p, filters.sort) or 0.0, reverse=filters.order == "desc")
    ordered = present + absent
    return ordered[filters.offset : filters.offset + filters.limit], len(ordered)


def issue_key_phrases(conn: Connection, limit: int = 30) -> list[str]:
    """Key phrases of the most recently active issues, for topic suggestions."""
    items, _total = list_issues(conn, limit=limit)
    phrases: list[str] = []
    for issue in items:
        phrases.extend(p for p in issue.key_phrases if p not in phrases)
    return phrases


def post_detail(conn: Connection, post_id: int, watchlist: Any = ()) -> dict[str, Any] | None:
    """A post with its metrics, percentiles in its channel, early velocity, history and topic ideas."""
    channel_id = conn.execute(
        posts_table.select().with_only_columns(posts_table.c.channel_id).where(posts_table.c.id == post_id)
    ).scalar()
    if channel_id is None:
        return None
    followers = followers_lookup(conn)
    siblings = [enrich(p, followers(p)) for p in list_posts(conn, channel_id=int(channel_id))]
    post = next(p for p in siblings if p["id"] == post_id)
    history = post_history(conn, post_id)
    ranks = {}
    for key in ("views", "engagement_rate_views"):
        values = [_sort_value(p, key) for p in siblings]
        ranks[key] = content_metrics.percentile_in_channel(_sort_value(post, key), values)
    post["percentiles"] = ranks
    post["early_velocity"] = content_metrics.early_velocity(post.get("published_at"), history)
    post["history"] = history
    post["suggested_topics"] = whatworks.suggest_topics(
        post.get("caption") or post.get("title"), watchlist=watchlist, key_phrases=issue_key_phrases(conn)
    )
    return post


@dataclass
class WhatWorksQuery:
    """What the what-works page analyses."""

    metric: str = "engagement_rate_views"
    channel_id: int | None = None
    platform: str | None = None
    since: date | None = None
    until: date | None = None
    scope: Scope = "own"
    month: str | None = None  # YYYY-MM for "top posts of the month"; default: the latest month with posts


def what_works_view(conn: Connection, query: WhatWorksQuery, watchlist: Any = ()) -> dict[str, Any]:
    """The what-works report, the month's top posts and the benchmarks against reference accounts."""
    if query.metric not in whatworks.OUTCOMES:
        raise ValueError(f"unknown metric {query.metric!r}; choose one of {', '.join(whatworks.OUTCOMES)}")
    rows = list_posts(
        conn,
        channel_id=query.channel_id,
        platform=query.platform or None,
        since=query.since,
        until=query.until,
    )
    followers = followers_lookup(conn)
    analysed = [r for r in rows if query.channel_id is not None or _in_scope(r, query.scope)]
    report = whatworks.what_works(analysed, query.metric, followers=followers)
    month = query.month
    if not month:
        dated = [r["published_at"] for r in analysed if r.get("published_at")]
        latest = max(dated).astimezone(whatworks.OFFICE_TZ) if dated else None
        month = f"{latest.year:04d}-{latest.month:02d}" if latest else None
    top: list[tuple[Mapping[str, Any], float]] = []
    if month:
        year, number = (int(part) for part in month.split("-"))
        top = whatworks.top_posts_of_month(analysed, year, number, query.metric, followers=followers)
    phrases = issue_key_phrases(conn)
    top_rows = []
    for post, value in top:
        suggestions = whatworks.suggest_topics(
            post.get("caption") or post.get("title"), watchlist=watchlist, key_phrases=phrases
        )
        top_rows.append({"post": post, "value": value, "suggested_topics": suggestions})
    channels = list_channels(conn)
    if query.platform:
        channels = [c for c in channels if c["platform"] == query.platform]
    every_post = list_posts(conn, platform=query.platform or None, since=query.since, until=query.until)
    benchmarks = whatworks.benchmark(channels, every_post, query.metric, followers=followers)
    return {"report": report, "month": month, "top": top_rows, "benchmarks": benchmarks}


# -- response models -----------------------------------------------------------------------------
class MetricOut(BaseModel):
    key: str
    value: float | None
    display: str
    reason: str
    detail: str
    formula: str

    @classmethod
    def of(cls, metric: content_metrics.MetricValue) -> MetricOut:
        return cls(
            key=metric.key,
            value=metric.value,
            display=metric.display(),
            reason=metric.reason,
            detail=metric.detail,
            formula=content_metrics.explanation(metric.key),
        )


class ChannelOut(BaseModel):
    id: int
    platform: str
    name: str
    handle: str | None
    account_id: str | None
    is_reference: bool
    posts: int
    followers: int | None
    followers_day: date | None


class ChannelList(BaseModel):
    items: list[ChannelOut]


class PostOut(BaseModel):
    id: int
    channel_id: int
    channel_name: str
    is_reference: bool
    platform: str
    external_id: str
    permalink: str | None
    published_at: UtcDateTime | None
    format: str | None
    title: str | None
    caption: str | None
    duration_seconds: float | None
    topic_tags: list[str]
    program: str | None
    captured_at: UtcDateTime | None
    snapshots: int
    counts: dict[str, float | None]
    engagements: float | None
    followers: float | None
    metrics: dict[str, MetricOut]

    @classmethod
    def of(cls, post: Mapping[str, Any]) -> PostOut:
        fields: dict[str, Any] = {
            name: post.get(name) for name in cls.model_fields if name not in ("counts", "metrics")
        }
        fields["snapshots"] = post.get("snapshots") or 0
        fields["topic_tags"] = list(post.get("topic_tags") or [])
        return cls(
            **fields,
            counts={name: post.get(name) for name in COUNT_FIELDS},
            metrics={key: MetricOut.of(m) for key, m in post["metrics"].items()},
        )


class PostList(BaseModel):
    total: int
    items: list[PostOut]


class SnapshotOut(BaseModel):
    captured_at: UtcDateTime
    source_format: str
    counts: dict[str, float | None]

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> SnapshotOut:
        return cls(
            captured_at=row["captured_at"],
            source_format=row["source_format"],
            counts={name: row.get(name) for name in COUNT_FIELDS},
        )


class PostDetailOut(PostOut):
    early_velocity: MetricOut
    percentiles: dict[str, MetricOut]
    suggested_topics: list[str]
    history: list[SnapshotOut]


class IntervalOut(BaseModel):
    n: int
    median: float | None
    low: float | None
    high: float | None


class GroupOut(IntervalOut):
    key: str
    note: str


class TopPostOut(BaseModel):
    id: int
    channel_name: str
    published_at: UtcDateTime | None
    caption: str | None
    permalink: str | None
    value: float
    suggested_topics: list[str]


class BenchmarkOut(BaseModel):
    channel_id: int
    name: str
    platform: str
    is_reference: bool
    posts: int
    posts_per_week: float | None
    outcome: IntervalOut
    views: IntervalOut


class WhatWorksOut(BaseModel):
    metric: str
    formula: str
    posts: int
    measured: int
    overall: IntervalOut
    unavailable: dict[str, int]
    tables: dict[str, list[GroupOut]]
    month: str | None
    top_posts: list[TopPostOut]
    benchmarks: list[BenchmarkOut]


def metric_formula(metric: str) -> str:
    """The formula behind an outcome (raw counts have none beyond their name)."""
    if metric in content_metrics.METRICS:
        return content_metrics.explanation(metric)
    if metric == "engagements":
        return content_metrics.engagements.__doc__ or ""
    return whatworks.OUTCOMES[metric]


def _interval(value: whatworks.Interval) -> IntervalOut:
    return IntervalOut(n=value.n, median=value.median, low=value.low, high=value.high)


def what_works_out(metric: str, view: Mapping[str, Any]) -> WhatWorksOut:
    report: whatworks.WhatWorks = view["report"]
    return WhatWorksOut(
        metric=metric,
        formula=metric_formula(metric),
        posts=report.posts,
        measured=report.measured,
        overall=_interval(report.overall),
        unavailable=report.unavailable,
        tables={
            dimension: [
                GroupOut(key=g.key, n=g.n, median=g.median, low=g.low, high=g.high, note=g.note) for g in rows
            ]
            for dimension, rows in report.tables.items()
        },
        month=view["month"],
        top_posts=[
            TopPostOut(
                id=item["post"]["id"],
                channel_name=item["post"]["channel_name"],
                published_at=item["post"]["published_at"],
                caption=item["post"].get("caption"),
                permalink=item["post"].get("permalink"),
                value=item["value"],
                suggested_topics=item["suggested_topics"],
            )
            for item in view["top"]
        ],
        benchmarks=[
            BenchmarkOut(
                channel_id=b.channel_id,
                name=b.name,
                platform=b.platform,
                is_reference=b.is_reference,
                posts=b.posts,
                posts_per_week=b.posts_per_week,
                outcome=_interval(b.outcome),
                views=_interval(b.views),
            )
            for b in view["benchmarks"]
        ],
    )


# -- endpoints -----------------------------------------------------------------------------------
@router.get("/channels", response_model=ChannelList)
def api_channels(request: Request, user: User = Depends(require("viewer"))) -> Any:
    """Every channel (own and reference accounts) with its post count and latest follower count."""
    with workspace(request).engine.connect() as conn:
        rows = list_channels(conn)
    return ChannelList(
        items=[ChannelOut.model_validate({k: r.get(k) for k in ChannelOut.model_fields}) for r in rows]
    )


def post_filters(
    channel_id: int | None = Query(None, ge=1, le=2**63 - 1),  # beyond 64 bits names no channel
    platform: Literal[PLATFORMS] | None = Query(None),  # type: ignore[valid-type]
    format: Literal[POST_FORMATS] | None = Query(None),  # type: ignore[valid-type]
    q: str | None = Query(None, max_length=200),
    since: IsoDate | None = None,
    until: IsoDate | None = None,
    scope: Scope = "own",
    sort: Literal[SORT_KEYS] = "published_at",  # type: ignore[valid-type]
    order: Literal["asc", "desc"] = "desc",
    limit: int = Query(50, ge=1, le=MAX_PAGE),
    offset: int = Query(0, ge=0, le=100_000),
) -> PostFilters:
    """The posts-table query parameters, shared by the Konten page and its API twin (a dependency)."""
    return PostFilters(channel_id, platform, format, q, since, until, scope, sort, order, limit, offset)


@router.get("/posts", response_model=PostList)
def api_posts(
    request: Request,
    filters: PostFilters = Depends(post_filters),
    user: User = Depends(require("viewer")),
) -> Any:
    """Posts with their latest metrics and every rate (formula included), filtered and sorted."""
    with workspace(request).engine.connect() as conn:
        items, total = query_posts(conn, filters)
    return PostList(total=total, items=[PostOut.of(p) for p in items])


@router.get("/posts/{post_id}", response_model=PostDetailOut, responses={404: {"description": "unknown id"}})
def api_post(request: Request, post_id: int, user: User = Depends(require("viewer"))) -> Any:
    """One post: metrics, percentiles in its channel, early velocity, snapshots, suggested topics."""
    ws = workspace(request)
    with ws.engine.connect() as conn:
        post = post_detail(conn, post_id, ws.settings.watchlist)
    if post is None:
        raise HTTPException(404, f"no post with id {post_id}")
    return PostDetailOut(
        **PostOut.of(post).model_dump(),
        early_velocity=MetricOut.of(post["early_velocity"]),
        percentiles={key: MetricOut.of(m) for key, m in post["percentiles"].items()},
        suggested_topics=post["suggested_topics"],
        history=[SnapshotOut.of(row) for row in post["history"]],
    )


@router.get(
    "/posts/{post_id}/history",
    response_model=list[SnapshotOut],
    responses={404: {"description": "unknown id"}},
)
def api_post_history(request: Request, post_id: int, user: User = Depends(require("viewer"))) -> Any:
    """A post's metric snapshots, oldest first."""
    with workspace(request).engine.connect() as conn:
        exists = conn.execute(
            posts_table.select().with_only_columns(posts_table.c.id).where(posts_table.c.id == post_id)
        ).first()
        if exists is None:
            raise HTTPException(404, f"no post with id {post_id}")
        return [SnapshotOut.of(row) for row in post_history(conn, post_id)]


@router.get("/what-works", response_model=WhatWorksOut)
def api_what_works(
    request: Request,
    metric: Literal[tuple(whatworks.OUTCOMES)] = "engagement_rate_views",  # type: ignore[valid-type]
    channel_id: int | None = Query(None, ge=1),
    platform: Literal[PLATFORMS] | None = Query(None),  # type: ignore[valid-type]
    since: IsoDate | None = None,
    until: IsoDate | None = None,
    scope: Scope = "own",
    month: str | None = Query(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
    user: User = Depends(require("viewer")),
) -> Any:
    """Medians with 95% bootstrap intervals and n by format, topic, program, weekday, hour (WIB),
    caption length and video duration; the month's top posts; benchmarks against reference accounts."""
    ws = workspace(request)
    query = WhatWorksQuery(metric, channel_id, platform, since, until, scope, month)
    with ws.engine.connect() as conn:
        view = what_works_view(conn, query, ws.settings.watchlist)
    return what_works_out(metric, view)
