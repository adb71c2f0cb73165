"""The demo's brief: `gaung demo` makes the brief of the archive's newest day, so Laporan is not empty."""

from __future__ import annotations

from typing import Any


def make_demo_brief(ws: Any, console: Any) -> None:
    """Make and store the brief of the newest day in the archive (once; a re-run keeps the stored one)."""
    from gaung.brief.service import make_brief
    from gaung.brief.store import brief_info
    from gaung.store.monitoring import latest_mention_time
    from gaung.store.reports import OFFICE_TZ

    with ws.engine.connect() as conn:
        latest = latest_mention_time(conn)
        day = latest.astimezone(OFFICE_TZ).date() if latest is not None else None
        done = brief_info(conn, day) if day is not None else None
    if day is None or done is not None:
        return
    made = make_brief(ws.engine, ws.settings, day, require_pdf=False, generated_by="demo")
    for warning in made.warnings:
        console.print(f"laporan / brief: {warning}", highlight=False, markup=False)
    console.print(
        f"laporan / brief {day.isoformat()}: {made.data.stories} berita / stories → "
        f"/reports/{day.isoformat()} (gaung brief --date {day.isoformat()})",
        highlight=False,
        markup=False,
    )
