"""X (Twitter) post analytics: the current content export and the legacy tweet activity export.

Current: Post id, Date, Post text, Post Link, Impressions, Likes, Engagements, Bookmarks, Shares, New
follows, Replies, Reposts, Profile visits, Detail Expands, URL Clicks, Hashtag Clicks, Permalink Clicks.
Legacy (22 columns): Tweet id, Tweet permalink, Tweet text, time, impressions, engagements, engagement
rate, retweets, replies, likes, user profile clicks, url clicks, hashtag clicks, detail expands, ...

Mapping: replies → comments; reposts + shares → shares (both pass the post on); bookmarks → saves;
URL clicks → clicks (clicks through to a link, as Meta's link clicks); new follows → follows; "Engagements"
stays in the raw row (X counts every click in it, so it is not comparable across platforms). X gives no
capture time: snapshots are captured at the file's time. The account comes from the post links.
"""

from __future__ import annotations

from gaung.content.importers.registry import ImportContext, Importer, MatchedTable, TableSpec, register
from gaung.content.importers.rows import COUNT, channel_ref, each_row, handle_from_link, read_metrics
from gaung.content.model import ParsedExport, ParsedPost
from gaung.content.numbers import parse_datetime

CURRENT = {
    "post_id": ("post id", "id postingan", "id posting"),
    "date": ("date", "tanggal"),
    "text": ("post text", "teks postingan", "teks posting"),
    "link": ("post link", "tautan postingan", "tautan posting"),
    "impressions": ("impressions", "impresi", "tayangan"),
    "likes": ("likes", "suka"),
    "engagements": ("engagements", "interaksi", "keterlibatan"),
    "bookmarks": ("bookmarks", "markah", "bookmark"),
    "shares": ("shares", "bagikan", "dibagikan"),
    "follows": ("new follows", "pengikut baru", "ikuti baru"),
    "replies": ("replies", "balasan"),
    "reposts": ("reposts", "posting ulang", "repost"),
    "profile_visits": ("profile visits", "kunjungan profil"),
    "url_clicks": ("url clicks", "klik url", "klik tautan"),
}
LEGACY = {
    "post_id": ("tweet id", "id tweet"),
    "link": ("tweet permalink", "permalink tweet"),
    "text": ("tweet text", "teks tweet"),
    "date": ("time", "waktu"),
    "impressions": ("impressions", "impresi"),
    "engagements": ("engagements", "interaksi"),
    "reposts": ("retweets", "retweet"),
    "replies": ("replies", "balasan"),
    "likes": ("likes", "suka"),
    "profile_visits": ("user profile clicks", "klik profil pengguna"),
    "url_clicks": ("url clicks", "klik url"),
    "follows": ("follows", "mengikuti"),
    "media_views": ("media views", "tayangan media"),
}
METRICS = {
    "impressions": ("impressions", COUNT),
    "likes": ("likes", COUNT),
    "comments": ("replies", COUNT),
    "saves": ("bookmarks", COUNT),
    "clicks": ("url_clicks", COUNT),
    "follows": ("follows", COUNT),
    "profile_visits": ("profile_visits", COUNT),
}
SHARES = {"reposts": ("reposts", COUNT), "shares": ("shares", COUNT)}
LINK_HANDLE = r"(?:twitter|x)\.com/([A-Za-z0-9_]+)/status"


def _parse(name: str, tables: dict[str, list[MatchedTable]], context: ImportContext) -> ParsedExport:
    matched_tables = tables["posts"]
    parsed = ParsedExport(format=name, captured_at=max(m.table.file_time for m in matched_tables))
    for matched in matched_tables:
        for where, cells in each_row(matched, parsed):
            post_id = matched.get(cells, "post_id")
            if not post_id:
                parsed.skipped.append((where, "no post id"))
                continue
            try:
                published_at = parse_datetime(matched.get(cells, "date"))
                metrics = read_metrics(matched, cells, METRICS)
                passed_on = read_metrics(matched, cells, SHARES)
            except ValueError as exc:
                parsed.skipped.append((where, str(exc)))
                continue
            if passed_on:
                metrics["shares"] = sum(passed_on.values())
            link = matched.get(cells, "link")
            text = matched.get(cells, "text")
            parsed.posts.append(
                ParsedPost(
                    channel=channel_ref("x", context, handle=handle_from_link(link, LINK_HANDLE)),
                    external_id=post_id,
                    where=where,
                    permalink=link or None,
                    published_at=published_at,
                    format="link" if "http" in text else "text",
                    caption=text or None,
                    metrics=metrics,
                    raw=matched.raw(cells),
                )
            )
    return parsed


def parse_current(tables: dict[str, list[MatchedTable]], context: ImportContext) -> ParsedExport:
    return _parse("x", tables, context)


def parse_legacy(tables: dict[str, list[MatchedTable]], context: ImportContext) -> ParsedExport:
    return _parse("x_legacy", tables, context)


register(
    Importer(
        name="x",
        label="X post analytics (Post id, Date, Post text, Post Link, …)",
        tables=(
            TableSpec(
                role="posts",
                aliases=CURRENT,
                signature=("post_id", "link", "impressions"),
                required=("post_id", "date"),
            ),
        ),
        parse=parse_current,
    )
)
register(
    Importer(
        name="x_legacy",
        label="X/Twitter legacy tweet activity export (Tweet id, Tweet permalink, …)",
        tables=(
            TableSpec(
                role="posts",
                aliases=LEGACY,
                signature=("post_id", "link"),
                required=("post_id", "date"),
            ),
        ),
        parse=parse_legacy,
    )
)
