"""YouTube Studio "Content" export: a zip with `Table data.csv` (one row per video), `Chart data.csv`
(per day) and `Totals.csv`.

`Table data.csv` starts Content (the video id), Video title, Video publish time, Duration, then the
metrics the user chose. Its second line is a "Total" row, which is not a video and is skipped. The
capture time is the end of the last day in `Chart data.csv` or `Totals.csv` (the report's range), else
the file's time. "Impressions" (newer files: "Thumbnail impressions") are thumbnail impressions.
Indonesian header names are our best reading of the Indonesian UI, not confirmed from real files.
"""

from __future__ import annotations

from gaung.content.importers.base import end_of_day, file_day
from gaung.content.importers.registry import ImportContext, Importer, MatchedTable, TableSpec, register
from gaung.content.importers.rows import (
    COUNT,
    DECIMAL,
    SECONDS,
    channel_ref,
    each_row,
    is_total_row,
    read_metrics,
)
from gaung.content.model import ParsedExport, ParsedPost
from gaung.content.numbers import parse_datetime, parse_day, parse_duration

TABLE = {
    "content": ("content", "konten"),
    "title": ("video title", "judul video"),
    "publish_time": ("video publish time", "waktu publikasi video", "waktu publikasi"),
    "duration": ("duration", "durasi"),
    "views": ("views", "penayangan", "x penayangan"),
    "watch_hours": ("watch time (hours)", "waktu tonton (jam)"),
    "avg_duration": ("average view duration", "durasi rata-rata penayangan", "durasi penayangan rata-rata"),
    "avg_percent": (
        "average percentage viewed (%)",
        "persentase rata-rata yang ditonton (%)",
        "persentase penayangan rata-rata (%)",
    ),
    "impressions": ("impressions", "thumbnail impressions", "tayangan", "tayangan thumbnail", "impresi"),
    "likes": ("likes", "suka", "jumlah suka"),
    "comments": ("comments added", "komentar yang ditambahkan", "komentar ditambahkan"),
    "shares": ("shares", "dibagikan", "berbagi"),
    "subscribers": ("subscribers gained", "subscriber yang diperoleh", "subscriber bertambah"),
    "date": ("date", "tanggal"),
}
TABLE_METRICS = {
    "views": ("views", COUNT),
    "watch_time_seconds": ("watch_hours", DECIMAL),
    "avg_view_duration": ("avg_duration", SECONDS),
    "completion_rate": ("avg_percent", DECIMAL),
    "impressions": ("impressions", COUNT),
    "likes": ("likes", COUNT),
    "comments": ("comments", COUNT),
    "shares": ("shares", COUNT),
    "follows": ("subscribers", COUNT),
}


def parse_youtube(tables: dict[str, list[MatchedTable]], context: ImportContext) -> ParsedExport:
    posts_tables = tables.get("posts", [])
    daily = tables.get("chart", []) + tables.get("totals", [])
    parsed = ParsedExport(format="youtube", captured_at=max(m.table.file_time for m in posts_tables))
    days = []
    for matched in daily:
        for _line, cells in matched.table.rows:
            try:
                day = parse_day(matched.get(cells, "date"), reference=file_day(matched.table))
            except ValueError:
                continue  # a chart row with a bad date only drops out of the range end
            if day:
                days.append(day)
    if days:
        parsed.captured_at = end_of_day(max(days))
    channel = channel_ref("youtube", context)
    if not context.channel:
        parsed.notes.append("the export names no channel: stored as channel 'youtube' (use --channel NAME)")
    for matched in posts_tables:
        reference = max(days) if days else file_day(matched.table)
        for where, cells in each_row(matched, parsed):
            video_id = matched.get(cells, "content")
            if is_total_row(video_id):
                parsed.rows_read -= 1  # the Total row is a sum, not a row of the export's data
                continue
            try:
                published_at = parse_datetime(matched.get(cells, "publish_time"), reference=reference)
                duration = parse_duration(matched.get(cells, "duration"))
                metrics = read_metrics(matched, cells, TABLE_METRICS)
            except ValueError as exc:
                parsed.skipped.append((where, str(exc)))
                continue
            if "watch_time_seconds" in metrics:
                metrics["watch_time_seconds"] = round(float(metrics["watch_time_seconds"]) * 3600, 1)
            parsed.posts.append(
                ParsedPost(
                    channel=channel,
                    external_id=video_id,
                    where=where,
                    permalink=f"https://www.youtube.com/watch?v={video_id}",
                    published_at=published_at,
                    format="video",
                    title=matched.get(cells, "title") or None,
                    duration_seconds=duration,
                    metrics=metrics,
                    raw=matched.raw(cells),
                )
            )
    return parsed


register(
    Importer(
        name="youtube",
        label="YouTube Studio Content export (Table data.csv)",
        tables=(
            TableSpec(
                role="posts",
                aliases=TABLE,
                signature=("content", "publish_time"),
                required=("content",),
                forbidden=("date",),
            ),
            TableSpec(role="chart", aliases=TABLE, signature=("date", "content", "publish_time")),
            # Totals.csv: Date plus metrics, nothing else; only useful beside Table data.csv
            TableSpec(
                role="totals",
                aliases={**TABLE, "tiktok": ("video views", "profile views", "penayangan video")},
                signature=("date", "views"),
                forbidden=("content", "title", "tiktok"),
            ),
        ),
        parse=parse_youtube,
    )
)
