"""TikTok Studio export: a zip of CSVs whose dates have no year.

- Content.csv — one row per video: Time, Video title, Video link, Post time, Total likes/comments/
  shares/views.
- Overview.csv — the account per day: Date, Video Views, Profile Views, Likes, Comments, Shares
  [, New followers].
- FollowerHistory.csv — Date, Followers, Difference in followers from previous day.
- FollowerActivity.csv (Date, Hour, Active followers) is recognised and not stored.

Years: a date without one is the latest such date not after the reference (`numbers.infer_year`). The
reference for Overview/FollowerHistory days is the file's date (the zip member's time); the posts'
reference is the last day of those daily files when present (the export's range end), else the file's
date. Snapshots are captured at the end of that range end, else at the file's time. The account comes
from the video links (tiktok.com/@handle/video/ID); `--channel` names it.
"""

from __future__ import annotations

from datetime import date

from gaung.content.importers.base import end_of_day, file_day
from gaung.content.importers.registry import ImportContext, Importer, MatchedTable, TableSpec, register
from gaung.content.importers.rows import COUNT, channel_ref, each_row, handle_from_link, read_metrics
from gaung.content.model import FollowerPoint, ParsedExport, ParsedPost
from gaung.content.numbers import parse_count, parse_datetime, parse_day

CONTENT = {
    "time": ("time", "waktu"),
    "title": ("video title", "judul video"),
    "link": ("video link", "tautan video"),
    "post_time": ("post time", "waktu posting", "waktu unggah", "waktu diposting"),
    "likes": ("total likes", "total suka"),
    "comments": ("total comments", "total komentar"),
    "shares": ("total shares", "total bagikan", "total dibagikan"),
    "views": ("total views", "total penayangan", "total tayangan"),
}
OVERVIEW = {
    "date": ("date", "tanggal"),
    "video_views": ("video views", "penayangan video", "tayangan video"),
    "profile_views": ("profile views", "penayangan profil", "tayangan profil", "kunjungan profil"),
    "likes": ("likes", "suka"),
    "comments": ("comments", "komentar"),
    "shares": ("shares", "bagikan", "dibagikan"),
    "new_followers": ("new followers", "pengikut baru"),
}
FOLLOWERS = {
    "date": ("date", "tanggal"),
    "followers": ("followers", "pengikut"),
    "change": (
        "difference in followers from previous day",
        "selisih pengikut dari hari sebelumnya",
        "perbedaan pengikut dari hari sebelumnya",
        "perubahan pengikut",
    ),
}
ACTIVITY = {
    "date": ("date", "tanggal"),
    "hour": ("hour", "jam"),
    "active": ("active followers", "pengikut aktif"),
}
CONTENT_METRICS = {
    "views": ("views", COUNT),
    "likes": ("likes", COUNT),
    "comments": ("comments", COUNT),
    "shares": ("shares", COUNT),
}
LINK_HANDLE = r"tiktok\.com/@([A-Za-z0-9._]+)"
LINK_VIDEO = r"/(?:video|photo)/(\d+)"


def _daily(
    tables: list[MatchedTable], parsed: ParsedExport, fields: dict[str, str]
) -> list[tuple[str, date, dict[str, int]]]:
    """(where, day, field → number) per row of the daily files."""
    out = []
    for matched in tables:
        reference = file_day(matched.table)
        for where, cells in each_row(matched, parsed):
            try:
                day = parse_day(matched.get(cells, "date"), reference=reference)
                if day is None:
                    parsed.skipped.append((where, "no date"))
                    continue
                values = {}
                for name, key in fields.items():
                    value = parse_count(matched.get(cells, name)) if name in matched.columns else None
                    if value is not None:
                        values[key] = value
            except ValueError as exc:
                parsed.skipped.append((where, str(exc)))
                continue
            out.append((where, day, values))
    return out


def parse_tiktok(tables: dict[str, list[MatchedTable]], context: ImportContext) -> ParsedExport:
    all_tables = [m.table for group in tables.values() for m in group]
    parsed = ParsedExport(format="tiktok", captured_at=max(t.file_time for t in all_tables))
    overview = _daily(
        tables.get("overview", []),
        parsed,
        {
            "video_views": "video_views",
            "profile_views": "profile_views",
            "likes": "likes",
            "comments": "comments",
            "shares": "shares",
            "new_followers": "new_followers",
        },
    )
    followers = _daily(tables.get("followers", []), parsed, {"followers": "followers", "change": "change"})
    for matched in tables.get("activity", []):
        parsed.notes.append(f"{matched.table.name}: follower activity by hour is not stored")
    days = [day for _, day, _ in overview + followers]
    range_end = max(days) if days else None
    if range_end:
        parsed.captured_at = end_of_day(range_end)

    handles = set()
    for matched in tables.get("posts", []):
        reference = range_end or file_day(matched.table)
        for where, cells in each_row(matched, parsed):
            link = matched.get(cells, "link")
            video_id = handle_from_link(link, LINK_VIDEO)
            if not video_id:
                parsed.skipped.append((where, f"no video id in the video link {link[:80]!r}"))
                continue
            try:
                published_at = parse_datetime(matched.get(cells, "post_time"), reference=reference)
                metrics = read_metrics(matched, cells, CONTENT_METRICS)
            except ValueError as exc:
                parsed.skipped.append((where, str(exc)))
                continue
            handle = handle_from_link(link, LINK_HANDLE)
            if handle:
                handles.add(handle)
            parsed.posts.append(
                ParsedPost(
                    channel=channel_ref("tiktok", context, handle=handle),
                    external_id=video_id,
                    where=where,
                    permalink=link or None,
                    published_at=published_at,
                    format="video",
                    title=None,
                    caption=matched.get(cells, "title") or None,
                    metrics=metrics,
                    raw=matched.raw(cells),
                )
            )
    # Daily account rows carry no account: they belong to the one account the video links name.
    if len(handles) > 1 and (overview or followers):
        parsed.notes.append("video links name several accounts; daily totals were given to the first")
    channel = channel_ref("tiktok", context, handle=sorted(handles)[0] if handles else None)
    if not handles and not context.channel:
        parsed.notes.append("the export names no account: stored as channel 'tiktok' (use --channel NAME)")
    merged: dict[date, FollowerPoint] = {}
    for _, day, values in overview:
        point = merged.setdefault(day, FollowerPoint(channel=channel, day=day))
        point.daily.update(values)  # "new followers" are gains, not the net change: kept as a daily total
    for _, day, values in followers:
        point = merged.setdefault(day, FollowerPoint(channel=channel, day=day))
        point.followers = values.get("followers", point.followers)
        if "change" in values:
            point.followers_change = values["change"]
    parsed.followers = [merged[day] for day in sorted(merged)]
    return parsed


register(
    Importer(
        name="tiktok",
        label="TikTok Studio export (Content.csv, Overview.csv, FollowerHistory.csv)",
        tables=(
            TableSpec(
                role="posts",
                aliases=CONTENT,
                signature=("link", "post_time"),
                required=("link", "post_time"),
            ),
            TableSpec(
                role="overview",
                aliases=OVERVIEW,
                signature=("date", "video_views", "profile_views"),
                required=("date",),
            ),
            TableSpec(
                role="followers",
                aliases=FOLLOWERS,
                signature=("date", "followers"),
                forbidden=("video_views",),
                required=("date",),
            ),
            TableSpec(role="activity", aliases=ACTIVITY, signature=("date", "hour", "active")),
        ),
        parse=parse_tiktok,
        primary_roles=("posts", "overview", "followers"),
    )
)
