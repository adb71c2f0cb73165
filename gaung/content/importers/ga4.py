"""Google Analytics 4 "Pages and screens" report, exported as CSV.

The file starts with "#" comment lines (report name, account, property, "# Start date: YYYYMMDD",
"# End date: YYYYMMDD"), then the table: Page path and screen class (or Page title and screen class),
Views, Active users, Views per active user, Average engagement time per active user, Event count, Key
events, Total revenue. Further sections after a blank line are ignored.

Each page is a post on the "web" platform keyed by its path (or title). Its metrics cover the report's
date range, not the page's lifetime: views → views, active users → reach (unique people, as Meta's
reach), average engagement time → avg_view_duration. The snapshot is captured at the end of the end date;
the range is kept in the raw row as "_range".
"""

from __future__ import annotations

import re

from gaung.content.importers.base import end_of_day
from gaung.content.importers.registry import ImportContext, Importer, MatchedTable, TableSpec, register
from gaung.content.importers.rows import COUNT, SECONDS, channel_ref, each_row, is_total_row, read_metrics
from gaung.content.model import ParsedExport, ParsedPost
from gaung.content.numbers import parse_day

PAGES = {
    "path": ("page path and screen class", "page path", "jalur halaman dan kelas layar", "jalur halaman"),
    "title": ("page title and screen class", "page title", "judul halaman dan kelas layar", "judul halaman"),
    "views": ("views", "tampilan", "penayangan"),
    "active_users": ("active users", "pengguna aktif"),
    "engagement_time": (
        "average engagement time per active user",
        "average engagement time",
        "rata-rata waktu interaksi per pengguna aktif",
        "waktu interaksi rata-rata per pengguna aktif",
    ),
    "event_count": ("event count", "jumlah peristiwa"),
}
METRICS = {
    "views": ("views", COUNT),
    "reach": ("active_users", COUNT),
    "avg_view_duration": ("engagement_time", SECONDS),
}
START = re.compile(r"^(?:start date|tanggal mulai)\s*:\s*(\S+)", re.I)
END = re.compile(r"^(?:end date|tanggal akhir|tanggal selesai)\s*:\s*(\S+)", re.I)
PROPERTY = re.compile(r"^(?:property|properti)\s*:\s*(.+)$", re.I)


def parse_ga4(tables: dict[str, list[MatchedTable]], context: ImportContext) -> ParsedExport:
    matched_tables = tables["posts"]
    parsed = ParsedExport(format="ga4_pages", captured_at=max(m.table.file_time for m in matched_tables))
    for matched in matched_tables:
        start = end = None
        site = None
        for line in matched.table.comments:
            if m := START.match(line):
                start = parse_day(m[1])
            elif m := END.match(line):
                end = parse_day(m[1])
            elif m := PROPERTY.match(line):
                site = m[1].strip()
        if end:
            parsed.captured_at = end_of_day(end)
        else:
            parsed.notes.append(f"{matched.table.name}: no '# End date:' line; captured at the file's time")
        channel = channel_ref("web", context, name=site or "website")
        key_field = "path" if "path" in matched.columns else "title"
        for where, cells in each_row(matched, parsed):
            key = matched.get(cells, key_field)
            if is_total_row(key):
                parsed.rows_read -= 1  # GA4's totals row is a sum, not a page
                continue
            try:
                metrics = read_metrics(matched, cells, METRICS)
            except ValueError as exc:
                parsed.skipped.append((where, str(exc)))
                continue
            raw = matched.raw(cells)
            raw["_range"] = [start.isoformat() if start else None, end.isoformat() if end else None]
            parsed.posts.append(
                ParsedPost(
                    channel=channel,
                    external_id=key,
                    where=where,
                    permalink=key if key.startswith("/") or key.startswith("http") else None,
                    title=matched.get(cells, "title") or (None if key_field == "path" else key),
                    metrics=metrics,
                    raw=raw,
                )
            )
    return parsed


register(
    Importer(
        name="ga4_pages",
        label="Google Analytics 4 Pages and screens",
        tables=(
            TableSpec(role="posts", aliases=PAGES, signature=("path", "views", "active_users")),
            TableSpec(role="posts", aliases=PAGES, signature=("title", "views", "active_users")),
        ),
        parse=parse_ga4,
    )
)
