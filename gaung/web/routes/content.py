"""Konten and Apa yang berhasil: the office's own posts, their metrics, and what works.

    GET  /content                 channels, posts table (filter, sort), forms     viewer
    GET  /content/posts/{id}      one post: metrics with formulas, history chart  viewer
    POST /content/channels        add a reference account by hand                 admin
    POST /content/import          upload a platform export, show the report       staff
    GET  /content/what-works      medians with intervals, top posts, benchmarks   viewer

The tables and reports come from `gaung.web.api.content` (the API serves the same data as JSON).
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from gaung.content import import_file, list_channels, set_reference, whatworks
from gaung.content import metrics as content_metrics
from gaung.content.model import PLATFORMS, POST_FORMATS, ChannelRef
from gaung.content.store import ensure_channel
from gaung.errors import GaungError
from gaung.store.db import transaction
from gaung.web import auth
from gaung.web.api.common import workspace
from gaung.web.api.content import (
    SORT_KEYS,
    PostFilters,
    Scope,
    WhatWorksQuery,
    metric_formula,
    post_detail,
    post_filters,
    query_posts,
    what_works_view,
)
from gaung.web.auth import User, require, verify_csrf
from gaung.web.i18n import N_
from gaung.web.templating import render

router = APIRouter(include_in_schema=False)

UPLOAD_CHUNK = 64 * 1024
# Labels of metrics, outcomes, dimensions and groups, translated when rendered.
METRIC_LABELS = {
    "engagement_rate_reach": N_("Engagement rate by reach"),
    "engagement_rate_followers": N_("Engagement rate by followers"),
    "engagement_rate_views": N_("Engagement rate by views"),
    "engagement_rate_impressions": N_("Engagement rate by impressions"),
    "virality": N_("Virality"),
    "amplification": N_("Amplification rate"),
    "applause": N_("Applause rate"),
    "conversation": N_("Conversation rate"),
    "views": N_("Views"),
    "engagements": N_("Engagements"),
    "shares": N_("Shares"),
    "likes": N_("Likes"),
    "comments": N_("Comments"),
    "saves": N_("Saves"),
    "reach": N_("Reach"),
    "impressions": N_("Impressions"),
    "published_at": N_("Published"),
    "early_velocity": N_("Views in the first 24 hours"),
}
DIMENSION_LABELS = {
    "format": N_("Format"),
    "topic": N_("Topic"),
    "program": N_("Program"),
    "weekday": N_("Weekday (WIB)"),
    "hour": N_("Hour (WIB)"),
    "caption_length": N_("Caption length (characters)"),
    "video_duration": N_("Video duration"),
}
GROUP_LABELS = {
    "Monday": N_("Monday"),
    "Tuesday": N_("Tuesday"),
    "Wednesday": N_("Wednesday"),
    "Thursday": N_("Thursday"),
    "Friday": N_("Friday"),
    "Saturday": N_("Saturday"),
    "Sunday": N_("Sunday"),
    "unknown": N_("unknown"),
    "video": N_("video"),
    "reel": N_("reel"),
    "photo": N_("photo"),
    "carousel": N_("carousel"),
    "text": N_("text"),
    "link": N_("link"),
    "story": N_("story"),
}
# Why a metric is "—" (the reasons `gaung.content.metrics` gives), translated when rendered.
REASONS = (
    N_("no reach"),
    N_("reach is 0"),
    N_("no views"),
    N_("views is 0"),
    N_("no impressions"),
    N_("impressions is 0"),
    N_("no follower count"),
    N_("follower count is 0"),
    N_("no engagements"),
    N_("no shares"),
    N_("no likes"),
    N_("no comments"),
    N_("only impressions reported (not substituted for views)"),
    N_("no snapshot taken 21–27 hours after publishing"),
    N_("no publish time"),
    N_("metric not available for this post"),
)
# The formulas as tooltips, in the catalogue so they can be read in Indonesian. They are the metric
# functions' docstrings word for word (tests/test_content_pages.py checks), so docs, code and UI agree.
FORMULAS = {
    "engagement_rate_reach": N_(
        "Engagement rate by reach = engagements ÷ reach × 100. Engagements = likes + comments + shares +"
        " saves."
    ),
    "engagement_rate_followers": N_(
        "Engagement rate by followers = engagements ÷ followers on the day of posting × 100. Engagements"
        " = likes + comments + shares + saves."
    ),
    "engagement_rate_views": N_(
        "Engagement rate by views = engagements ÷ views × 100 (impressions are never used instead). "
        "Engagements = likes + comments + shares + saves."
    ),
    "engagement_rate_impressions": N_(
        "Engagement rate by impressions = engagements ÷ impressions × 100 (older exports, X; never "
        "views). Engagements = likes + comments + shares + saves."
    ),
    "virality": N_("Virality = shares ÷ views × 100 (impressions are never used instead)."),
    "amplification": N_("Amplification rate = shares ÷ followers on the day of posting × 100."),
    "applause": N_("Applause rate = likes ÷ followers on the day of posting × 100."),
    "conversation": N_("Conversation rate = comments ÷ followers on the day of posting × 100."),
    "early_velocity": N_(
        "Early velocity = views in the first 24 hours, read from a snapshot taken 21–27 hours after "
        "publishing. The snapshot nearest to 24 hours counts, and its age is shown. Without such a "
        "snapshot (or with only impressions in it) the metric is not available: views are never "
        "interpolated or extrapolated."
    ),
    "percentile": N_(
        "Percentile in channel = (posts below + ½ × posts equal) ÷ posts with the metric × 100. The post"
        " is ranked among all posts of its channel that have the metric (itself included); with fewer "
        "than two such posts there is nothing to rank against."
    ),
    "engagements": N_(
        "Engagements = likes + comments + shares + saves (the parts the export reports; None if none)."
    ),
}
COUNT_COLUMNS = ("views", "reach", "impressions", "likes", "comments", "shares", "saves")


def _common() -> dict[str, Any]:
    return {
        "METRIC_LABELS": METRIC_LABELS,
        "DIMENSION_LABELS": DIMENSION_LABELS,
        "GROUP_LABELS": GROUP_LABELS,
        "FORMULAS": FORMULAS,
        "fmt": content_metrics.format_metric,
        "platforms": PLATFORMS,
        "post_formats": POST_FORMATS,
    }


def _content_page(
    request: Request,
    user: User,
    filters: PostFilters,
    *,
    report: Any = None,
    error: str = "",
    status: int = 200,
) -> Response:
    with workspace(request).engine.connect() as conn:
        channels = list_channels(conn)
        items, total = query_posts(conn, filters)
    context = {
        **_common(),
        "channels": channels,
        "posts": items,
        "total": total,
        "filters": filters,
        "sort_keys": SORT_KEYS,
        "count_columns": COUNT_COLUMNS,
        "report": report,
        "error": error,
        "can_import": user.can("staff"),
        "can_add_channel": user.can("admin"),
    }
    return render(request, "content.html", context, status)


@router.get("/content")
def content_page(
    request: Request,
    filters: PostFilters = Depends(post_filters),
    user: User = Depends(require("viewer")),
) -> Response:
    return _content_page(request, user, filters)


@router.get("/content/what-works")
def what_works_page(
    request: Request,
    metric: Literal[tuple(whatworks.OUTCOMES)] = "engagement_rate_views",  # type: ignore[valid-type]
    channel_id: int | None = Query(None, ge=1),
    platform: Literal[PLATFORMS] | None = Query(None),  # type: ignore[valid-type]
    since: date | None = None,
    until: date | None = None,
    scope: Scope = "own",
    month: str | None = Query(None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
    user: User = Depends(require("viewer")),
) -> Response:
    ws = workspace(request)
    query = WhatWorksQuery(metric, channel_id, platform, since, until, scope, month)
    with ws.engine.connect() as conn:
        view = what_works_view(conn, query, ws.settings.watchlist)
        channels = list_channels(conn)
    report: whatworks.WhatWorks = view["report"]
    unit = "%" if metric in content_metrics.METRICS else ""
    charts = {
        dimension: {
            "labels": [
                auth.translate(request, GROUP_LABELS[g.key]) if g.key in GROUP_LABELS else g.key for g in rows
            ],
            "median": [g.median for g in rows],
            "interval": [[g.low, g.high] if g.low is not None else None for g in rows],
            "n": [g.n for g in rows],
        }
        for dimension, rows in report.tables.items()
    }
    context = {
        **_common(),
        "query": query,
        "view": view,
        "report": report,
        "channels": channels,
        "charts": charts,
        "unit": unit,
        "outcomes": list(whatworks.OUTCOMES),
        "metric_formula": metric_formula(metric),
        "dimensions": whatworks.DIMENSIONS,
    }
    return render(request, "whatworks.html", context)


@router.get("/content/posts/{post_id}")
def post_page(request: Request, post_id: int, user: User = Depends(require("viewer"))) -> Response:
    ws = workspace(request)
    with ws.engine.connect() as conn:
        post = post_detail(conn, post_id, ws.settings.watchlist)
    if post is None:
        raise HTTPException(404, f"no post with id {post_id}")
    chart = {
        "labels": [row["captured_at"].isoformat() for row in post["history"]],
        "series": {
            name: [row.get(name) for row in post["history"]]
            for name in COUNT_COLUMNS
            if any(row.get(name) is not None for row in post["history"])
        },
    }
    context = {**_common(), "post": post, "chart": chart, "count_columns": COUNT_COLUMNS}
    return render(request, "content_post.html", context)


@router.post("/content/channels", dependencies=[Depends(verify_csrf)])
def add_reference_channel(
    request: Request,
    platform: str = Form(..., max_length=20),
    name: str = Form(..., max_length=200),
    handle: str = Form("", max_length=200),
    user: User = Depends(require("admin")),
) -> Response:
    """Add a reference account (a public figure or peer office to learn from) by hand."""
    name, handle = name.strip(), handle.strip().lstrip("@")
    if platform not in PLATFORMS or not name:
        message = auth.translate(request, N_("Choose a platform and give the account a name."))
        return _content_page(request, user, PostFilters(), error=message, status=400)
    ws = workspace(request)
    ref = ChannelRef(platform=platform, key=(handle or name).casefold(), name=name, handle=handle or None)
    with transaction(ws.engine) as conn:
        channel_id = ensure_channel(conn, ref)
        set_reference(conn, channel_id, True)
        auth.audit(
            conn, user, "content.reference_add", f"channel:{channel_id}", {"platform": platform, "name": name}
        )
    return RedirectResponse("/content", status_code=303)


@router.post("/content/import", dependencies=[Depends(verify_csrf)])
async def upload_export(
    request: Request,
    export: UploadFile = File(...),
    channel: str = Form("", max_length=200),
    user: User = Depends(require("staff")),
) -> Response:
    """Import an uploaded export (detected from its content, not its name) and show the import report."""
    ws = workspace(request)
    with tempfile.TemporaryDirectory(prefix="gaung-upload-") as folder:
        # the importer reads a path; the client's file name is never used as a path (only its suffix)
        suffix = Path(export.filename or "").suffix.lower()
        suffix = suffix if suffix in (".csv", ".zip", ".txt", ".tsv") else ""
        path = Path(folder) / f"export{suffix}"
        with path.open("wb") as out:
            while chunk := await export.read(UPLOAD_CHUNK):
                out.write(chunk)
        try:
            report = import_file(ws.engine, path, channel=channel.strip() or None)
        except GaungError as exc:
            return _content_page(request, user, PostFilters(), error=str(exc), status=400)
    report.path = export.filename or report.path
    with transaction(ws.engine) as conn:
        auth.audit(conn, user, "content.import", f"file:{report.path}", {"summary": report.summary()})
    return _content_page(request, user, PostFilters(), report=report)
