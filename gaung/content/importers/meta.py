"""Meta Business Suite post exports: Facebook pages and Instagram accounts.

Rows are matched on "Post ID" (the pfbid in permalinks differs between copies of a link). "Date" holds
"Lifetime" for lifetime totals; the post's date is "Publish time". Older files have "Impressions" where
newer ones have "Views": both are kept, each in its own metric, never one copied into the other.
Facebook "Reactions" (all reaction types) are stored as likes. Indonesian header names are our best
reading of the Indonesian UI, not confirmed from real files (docs/content-import.md).
"""

from __future__ import annotations

from gaung.content.importers.base import end_of_day, file_day, post_format
from gaung.content.importers.registry import ImportContext, Importer, MatchedTable, TableSpec, register
from gaung.content.importers.rows import COUNT, DECIMAL, SECONDS, channel_ref, each_row, read_metrics
from gaung.content.model import ParsedExport, ParsedPost
from gaung.content.numbers import day_first_for, parse_datetime, parse_day, parse_duration

COMMON = {
    "post_id": ("post id", "id postingan", "id kiriman", "id posting"),
    "title": ("title", "judul"),
    "description": ("description", "deskripsi", "keterangan"),
    "duration": ("duration (sec)", "duration (secs)", "durasi (detik)", "durasi (dtk)"),
    "publish_time": ("publish time", "waktu publikasi", "waktu dipublikasikan", "waktu terbit"),
    "permalink": ("permalink", "tautan permanen", "permalink (tautan)"),
    "post_type": ("post type", "jenis postingan", "jenis kiriman", "tipe postingan"),
    "custom_labels": ("custom labels", "label kustom", "label khusus"),
    "date": ("date", "tanggal"),
    "views": ("views", "tayangan", "penayangan"),
    "impressions": ("impressions", "impresi"),
    "reach": ("reach", "jangkauan"),
    "comments": ("comments", "komentar"),
    "shares": ("shares", "dibagikan", "bagikan", "berbagi"),
}
FACEBOOK = {
    **COMMON,
    "page_id": ("page id", "id halaman"),
    "page_name": ("page name", "nama halaman"),
    "reactions": ("reactions", "reaksi"),
    "total_clicks": ("total clicks", "total klik"),
    "link_clicks": ("link clicks", "klik tautan"),
    "seconds_viewed": ("seconds viewed", "detik ditonton", "detik dilihat"),
    "avg_seconds_viewed": ("average seconds viewed", "rata-rata detik ditonton", "rata-rata detik dilihat"),
}
INSTAGRAM = {
    **COMMON,
    "account_id": ("account id", "id akun"),
    "account_username": ("account username", "nama pengguna akun"),
    "account_name": ("account name", "nama akun"),
    "likes": ("likes", "suka"),
    "saves": ("saves", "disimpan", "simpanan"),
    "follows": ("follows", "mengikuti", "ikuti"),
    "profile_visits": ("profile visits", "kunjungan profil"),
}
FACEBOOK_METRICS = {
    "views": ("views", COUNT),
    "impressions": ("impressions", COUNT),
    "reach": ("reach", COUNT),
    "likes": ("reactions", COUNT),
    "comments": ("comments", COUNT),
    "shares": ("shares", COUNT),
    "clicks": ("total_clicks", COUNT),
    "watch_time_seconds": ("seconds_viewed", DECIMAL),
    "avg_view_duration": ("avg_seconds_viewed", SECONDS),
}
FACEBOOK_METRICS_FALLBACK = {"clicks": ("link_clicks", COUNT)}
INSTAGRAM_METRICS = {
    "views": ("views", COUNT),
    "impressions": ("impressions", COUNT),
    "reach": ("reach", COUNT),
    "likes": ("likes", COUNT),
    "comments": ("comments", COUNT),
    "shares": ("shares", COUNT),
    "saves": ("saves", COUNT),
    "follows": ("follows", COUNT),
    "profile_visits": ("profile_visits", COUNT),
}
INDONESIAN_MARKERS = ("waktu publikasi", "id postingan", "jangkauan", "tayangan")


def _parse(platform: str, tables: dict[str, list[MatchedTable]], context: ImportContext) -> ParsedExport:
    matched_tables = tables["posts"]
    first = matched_tables[0].table
    parsed = ParsedExport(format=f"meta_{platform}", captured_at=first.file_time)
    range_ends = []
    for matched in matched_tables:
        table = matched.table
        indonesian = any(h.strip().lower() in INDONESIAN_MARKERS for h in table.header)
        day_first = day_first_for(
            (matched.get(cells, "publish_time") for _, cells in table.rows), default=indonesian
        )
        metrics_spec = FACEBOOK_METRICS if platform == "facebook" else INSTAGRAM_METRICS
        for where, cells in each_row(matched, parsed):
            post_id = matched.get(cells, "post_id")
            if not post_id:
                parsed.skipped.append((where, "no Post ID"))
                continue
            try:
                published_at = parse_datetime(matched.get(cells, "publish_time"), day_first=day_first)
                metrics = read_metrics(matched, cells, metrics_spec)
                if platform == "facebook" and "clicks" not in metrics:
                    metrics.update(read_metrics(matched, cells, FACEBOOK_METRICS_FALLBACK))
                duration = parse_duration(matched.get(cells, "duration"))
                date_cell = matched.get(cells, "date")
                # "Lifetime" (or "Seumur hidup") means totals up to the export; a real date is a range end
                if date_cell and date_cell.lower() not in ("lifetime", "seumur hidup", "sepanjang masa"):
                    day = parse_day(date_cell, day_first=day_first, reference=file_day(table))
                    if day:
                        range_ends.append(end_of_day(day))
            except ValueError as exc:
                parsed.skipped.append((where, str(exc)))
                continue
            if platform == "facebook":
                channel = channel_ref(
                    "facebook",
                    context,
                    account_id=matched.get(cells, "page_id"),
                    name=matched.get(cells, "page_name") or None,
                )
            else:
                channel = channel_ref(
                    "instagram",
                    context,
                    account_id=matched.get(cells, "account_id"),
                    handle=matched.get(cells, "account_username") or None,
                    name=matched.get(cells, "account_name") or None,
                )
            labels = matched.get(cells, "custom_labels")
            parsed.posts.append(
                ParsedPost(
                    channel=channel,
                    external_id=post_id,
                    where=where,
                    permalink=matched.get(cells, "permalink") or None,
                    published_at=published_at,
                    format=post_format(matched.get(cells, "post_type")),
                    title=matched.get(cells, "title") or None,
                    caption=matched.get(cells, "description") or None,
                    duration_seconds=duration or None,
                    topic_tags=[t.strip() for t in labels.replace("|", ",").split(",") if t.strip()],
                    metrics=metrics,
                    raw=matched.raw(cells),
                )
            )
    if range_ends:
        parsed.captured_at = max(range_ends)
    if "impressions" in matched_tables[0].columns and "views" not in matched_tables[0].columns:
        parsed.notes.append(
            "older export: Impressions, not Views — kept as impressions (formulas by views skip these posts)"
        )
    return parsed


def parse_facebook(tables: dict[str, list[MatchedTable]], context: ImportContext) -> ParsedExport:
    return _parse("facebook", tables, context)


def parse_instagram(tables: dict[str, list[MatchedTable]], context: ImportContext) -> ParsedExport:
    return _parse("instagram", tables, context)


register(
    Importer(
        name="meta_facebook",
        label="Meta Business Suite — Facebook posts",
        tables=(
            TableSpec(
                role="posts",
                aliases=FACEBOOK,
                signature=("post_id", "page_id"),
                required=("post_id", "publish_time"),
            ),
        ),
        parse=parse_facebook,
    )
)
register(
    Importer(
        name="meta_instagram",
        label="Meta Business Suite — Instagram posts",
        tables=(
            TableSpec(
                role="posts",
                aliases=INSTAGRAM,
                signature=("post_id", "account_id"),
                required=("post_id", "publish_time"),
                forbidden=("page_id",),
            ),
        ),
        parse=parse_instagram,
    )
)
