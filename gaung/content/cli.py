"""`gaung content …`: import platform exports and look at what was imported (a thin shell over the API)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gaung.content.importers import import_file
from gaung.content.model import ImportReport
from gaung.content.store import list_channels, list_posts
from gaung.errors import GaungError

content_app = typer.Typer(
    help="Own content: import platform exports, list channels and posts.", no_args_is_help=True
)
console = Console()
err = Console(stderr=True)


def _workspace() -> Any:  # imported late: gaung.cli imports this module
    from gaung.cli import workspace

    return workspace()


def print_report(report: ImportReport) -> None:
    """The import report: what was read, what changed, and every skipped row with its reason."""
    table = Table(title=f"{escape(report.path)} — {report.format}", show_header=False)
    for label, value in (
        ("rows read / baris dibaca", report.rows_read),
        ("new posts / konten baru", report.posts_new),
        ("updated posts / konten diperbarui", report.posts_updated),
        ("snapshots added / snapshot metrik baru", report.snapshots_added),
        ("follower days / hari data pengikut", report.follower_days),
        ("rows skipped / baris dilewati", len(report.skipped)),
        ("channels / kanal", ", ".join(report.channels) or "-"),
    ):
        table.add_row(label, escape(str(value)))
    console.print(table)
    for where, reason in report.skipped[:50]:
        err.print(f"[yellow]skipped[/yellow] {escape(where)}: {escape(reason)}", highlight=False)
    if len(report.skipped) > 50:
        err.print(f"… and {len(report.skipped) - 50} more skipped rows")
    for note in report.notes:
        err.print(f"[cyan]note[/cyan] {escape(note)}", highlight=False)


@content_app.command("import")
def import_command(
    path: Path = typer.Argument(..., help="An export file (CSV) or zip, as downloaded from the platform."),
    channel: str | None = typer.Option(None, "--channel", help="Channel name (for exports that name none)."),
    exported_at: datetime | None = typer.Option(
        None, "--exported-at", help="When the export was made (UTC), if the file's time was lost in copying."
    ),
) -> None:
    """Import a platform export (format detected from its content) and print what it did."""
    if not path.exists():
        raise GaungError(f"no such file: {path}")
    report = import_file(_workspace().engine, path, channel=channel, exported_at=exported_at)
    print_report(report)


@content_app.command("channels")
def channels_command() -> None:
    """List channels with their post counts and latest follower count."""
    with _workspace().engine.connect() as conn:
        rows = list_channels(conn)
    table = Table("id", "platform", "name", "handle", "reference", "posts", "followers")
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["platform"],
            escape(row["name"]),
            escape(row["handle"] or ""),
            "yes" if row["is_reference"] else "",
            str(row["posts"]),
            "" if row["followers"] is None else f"{row['followers']:,} ({row['followers_day']})",
        )
    console.print(table)


@content_app.command("posts")
def posts_command(
    channel_id: int | None = typer.Option(None, "--channel-id", help="Only this channel (see: channels)."),
    platform: str | None = typer.Option(
        None, "--platform", help="facebook, instagram, tiktok, youtube, x, web."
    ),
    limit: int = typer.Option(30, "--limit", help="How many posts to show, newest first."),
) -> None:
    """List posts, newest first, with their latest metrics."""
    with _workspace().engine.connect() as conn:
        rows = list_posts(conn, channel_id=channel_id, platform=platform)
    table = Table(
        "id",
        "published (UTC)",
        "platform",
        "format",
        "caption",
        "views",
        "impr.",
        "reach",
        "likes",
        "comments",
        "shares",
        "snaps",
    )
    for row in rows[:limit]:
        caption = (row["caption"] or row["title"] or row["external_id"] or "").replace("\n", " ")
        table.add_row(
            str(row["id"]),
            row["published_at"].strftime("%Y-%m-%d %H:%M") if row["published_at"] else "",
            row["platform"],
            row["format"] or "",
            escape(caption[:50]),
            *[
                "" if row[name] is None else f"{row[name]:,}"
                for name in ("views", "impressions", "reach", "likes", "comments", "shares")
            ],
            str(row["snapshots"]),
        )
    console.print(table)
    if len(rows) > limit:
        console.print(f"{len(rows) - limit} more (use --limit)")
