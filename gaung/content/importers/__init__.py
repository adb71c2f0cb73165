"""Platform export importers: detect the format from the content, parse, store, report.

    import_file(engine, path, channel=None) -> ImportReport

One module per exporter (meta, tiktok, youtube, x, ga4), each registering an `Importer` with its alias
table; `registry.detect` decides which importer reads which table; `gaung.content.store` writes the
result. A zip may hold several exports: each is imported and the report adds them up.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from gaung.content.importers import ga4, meta, tiktok, x, youtube  # noqa: F401  (they register themselves)
from gaung.content.importers.base import (
    FileTooLargeError,
    ImportError_,
    ImportLimits,
    MissingColumnsError,
    UnknownFormatError,
    read_tables,
)
from gaung.content.importers.registry import IMPORTERS, ImportContext, Importer, detect, register
from gaung.content.model import ImportReport, ParsedExport
from gaung.content.store import save_export
from gaung.store.db import transaction

FORMATS = tuple(IMPORTERS)

__all__ = [
    "FORMATS",
    "FileTooLargeError",
    "ImportError_",
    "ImportLimits",
    "Importer",
    "MissingColumnsError",
    "UnknownFormatError",
    "import_file",
    "parse_file",
    "register",
]


def parse_file(
    path: str | Path,
    *,
    channel: str | None = None,
    limits: ImportLimits | None = None,
    exported_at: datetime | None = None,
) -> tuple[list[ParsedExport], list[tuple[str, str]]]:
    """Read and parse an export file or zip without touching the database.

    Returns one ParsedExport per format found, and the zip members skipped (with why). Raises
    `ImportError_` subclasses (all `ParseError`s) for files that cannot be imported at all.
    """
    path = Path(path)
    if exported_at is not None and exported_at.tzinfo is not None:
        exported_at = exported_at.astimezone(UTC).replace(tzinfo=None)
    tables, skipped = read_tables(path, limits or ImportLimits(), file_time=exported_at)
    found = detect(tables)
    context = ImportContext(channel=channel.strip() if channel and channel.strip() else None)
    exports = []
    for name, roles in found.items():
        importer = IMPORTERS[name]
        if not any(role in roles for role in importer.primary_roles):
            names = ", ".join(m.table.name for group in roles.values() for m in group)
            skipped.append(
                (names, f"{importer.label}: only summary files, no per-post table — nothing to import")
            )
            continue
        exports.append(importer.parse(roles, context))
    if not exports:
        raise UnknownFormatError(str(path), "; ".join(reason for _, reason in skipped) or "nothing to import")
    return exports, skipped


def import_file(
    engine: Engine,
    path: str | Path,
    *,
    channel: str | None = None,
    limits: ImportLimits | None = None,
    exported_at: datetime | None = None,
) -> ImportReport:
    """Import one export file or zip: detect its format, store channels/posts/snapshots, report.

    `channel` names the account when the export does not (TikTok, YouTube, GA4) and is the display
    name of a new channel otherwise. `exported_at` says when the export was made, for exports that
    state no date range (Meta "Lifetime", X) and whose file time was lost in copying; it defaults to
    the file's (or zip member's) modification time. Safe to repeat: the same file twice adds nothing.
    """
    exports, skipped = parse_file(path, channel=channel, limits=limits, exported_at=exported_at)
    report = ImportReport(path=str(path), format="+".join(export.format for export in exports))
    report.skipped.extend(skipped)
    with transaction(engine) as conn:
        for export in exports:
            part = save_export(conn, export, path=str(path))
            report.rows_read += part.rows_read
            report.posts_new += part.posts_new
            report.posts_updated += part.posts_updated
            report.snapshots_added += part.snapshots_added
            report.follower_days += part.follower_days
            report.channels.extend(c for c in part.channels if c not in report.channels)
            report.skipped.extend(part.skipped)
            report.notes.extend(part.notes)
        # assignment outputs linked before their post was imported pick it up now (gaung.kinerja)
        from gaung.kinerja.permalinks import relink_outputs

        relinked = relink_outputs(conn)
        if relinked:
            report.notes.append(f"{relinked} assignment output(s) matched to newly imported posts")
    return report
