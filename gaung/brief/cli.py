"""`gaung brief`: make one day's brief as PDF or HTML (and keep it for the Laporan page)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from gaung.brief.errors import BriefError

FORMATS = ("pdf", "html")
err = Console(stderr=True)


def _workspace() -> Any:  # imported late: gaung.cli imports this module
    from gaung.cli import workspace

    return workspace()


def brief_command(
    date: str | None = typer.Option(
        None, "--date", "-d", help="The day (office time, WIB) as YYYY-MM-DD. Default: yesterday."
    ),
    format: str = typer.Option("pdf", "--format", "-f", help="pdf or html."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output file. Default: brief-YYYY-MM-DD.<format>."
    ),
    lang: str = typer.Option("id", "--lang", help="id (Bahasa Indonesia) or en."),
    store: bool = typer.Option(
        True, "--store/--no-store", help="Keep it for the Laporan page (replaces that day's)."
    ),
) -> None:
    """The daily media-monitoring brief (laporan monitoring media harian) for one day."""
    from gaung.brief.service import make_brief, parse_day, yesterday  # rendering stack: load when used

    if format not in FORMATS:
        raise BriefError(f"--format {format!r}: use pdf or html")
    if lang not in ("id", "en"):
        raise BriefError(f"--lang {lang!r}: use id or en")
    day = parse_day(date) if date else yesterday()
    target = out or Path(f"brief-{day.isoformat()}.{format}")
    if not target.parent.is_dir():
        raise BriefError(f"--out {target}: the folder {target.parent} does not exist")
    ws = _workspace()
    made = make_brief(
        ws.engine,
        ws.settings,
        day,
        lang=lang,
        store=store,
        require_pdf=format == "pdf",
        trigger="manual",
        generated_by="cli",
    )
    for warning in made.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}", highlight=False, markup=True)
    try:
        if format == "pdf":
            assert made.pdf is not None  # require_pdf
            target.write_bytes(made.pdf)
        else:
            target.write_text(made.html, encoding="utf-8")
    except OSError as exc:
        raise BriefError(f"--out {target}: cannot write ({exc.strerror or exc})") from None
    data = made.data
    summary = (
        "no stories on this day (a short brief)"
        if data.empty
        else f"{data.stories} stories, {len(data.issues)} main issues, "
        f"{len(data.recommendations)} recommendations"
    )
    stored = " (stored)" if made.brief_id is not None else ""
    err.print(
        f"Laporan {day.isoformat()} [{lang}]: {summary} → {target}{stored}", highlight=False, markup=False
    )
