"""The `gaung` command: a thin shell over `gaung.workspace` and the stage modules.

Library code raises typed `GaungError`s; `main()` turns them into one friendly line and exit code 1.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from gaung.analyze.issues_cli import issues_command
from gaung.analyze.models_cli import models_app, set_corrections_loader
from gaung.analyze.ner_cli import entities_command
from gaung.brief.cli import brief_command
from gaung.config import SOURCE_KINDS, SourceConfig
from gaung.content.cli import content_app
from gaung.deliver.cli import deliver_app
from gaung.errors import GaungError
from gaung.ingest.pipeline import RunSummary
from gaung.kinerja.scorecards_cli import kinerja_app, scorecards_command
from gaung.kinerja.work_cli import assignments_app, staff_app
from gaung.web.users_cli import users_app
from gaung.workspace import Workspace

app = typer.Typer(
    help="Gaung: media monitoring for government communications offices.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
sources_app = typer.Typer(help="Manage the sources Gaung listens to.", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
app.add_typer(models_app, name="models")
app.add_typer(users_app, name="users")
app.add_typer(content_app, name="content")
app.add_typer(deliver_app, name="deliver")
app.add_typer(staff_app, name="staff")
app.add_typer(assignments_app, name="assignments")
app.add_typer(kinerja_app, name="kinerja")
app.command("scorecards", help="Every staff member's SKP scorecard for a period (--json for a list).")(
    scorecards_command
)
app.command("entities", help="Tag CoNLL tokens (one per line) with PERSON/ORGANIZATION/PLACE BIO tags.")(
    entities_command
)
app.command("issues", help="Cluster JSON lines of articles into issues (the monitor's algorithm).")(
    issues_command
)
app.command("brief", help="The daily brief (laporan harian) of one day as PDF or HTML, kept for Laporan.")(
    brief_command
)
console = Console()
err = Console(stderr=True)

STATE: dict[str, Any] = {"config": None}


def workspace() -> Workspace:
    return Workspace.open(STATE["config"])


@app.callback()
def _root(
    config: Path | None = typer.Option(None, "--config", "-c", help="Path to gaung.toml."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every step."),
) -> None:
    STATE["config"] = config
    set_corrections_loader(_corrections)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s"
    )


def print_summary(summary: RunSummary, title: str = "Selesai / Done") -> None:
    table = Table(title=title, show_header=False)
    for label, value in (
        ("fetched / diambil", summary.fetched),
        ("new / baru", summary.new),
        ("syndicated copies / salinan sindikasi", summary.syndicated),
        ("duplicates / duplikat", summary.duplicates),
        ("not modified / tidak berubah", summary.not_modified),
        ("failed / gagal", summary.failed),
    ):
        table.add_row(label, str(value))
    console.print(table)
    for problem in summary.problems[:20]:
        err.print(f"[yellow]![/yellow] {problem}", markup=True, highlight=False)
    if len(summary.problems) > 20:
        err.print(f"... and {len(summary.problems) - 20} more problems")


def progress_bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )


def _corrections() -> list[Any]:
    """Analysts' corrections for `gaung models build` (none when no database exists yet)."""
    from gaung.store.corrections import training_corrections

    ws = workspace()
    if not ws.settings.db_url.startswith("sqlite") or Path(ws.settings.db_url.split("///", 1)[-1]).exists():
        return training_corrections(ws.engine)
    return []


# -- setup ----------------------------------------------------------------------------------------
@app.command()
def init(
    path: Path = typer.Argument(Path("gaung.toml"), help="Where to write the starter file."),
    force: bool = typer.Option(False, help="Overwrite an existing file."),
) -> None:
    """Write a commented starter gaung.toml."""
    if path.exists() and not force:
        raise GaungError(f"{path} already exists (use --force to overwrite)")
    path.write_text(
        (Path(__file__).parent / "data" / "gaung.example.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    console.print(f"Wrote {path}. Edit it, then: gaung sources list")


# -- sources --------------------------------------------------------------------------------------
@sources_app.command("add")
def sources_add(
    name: str = typer.Argument(..., help="A short unique name, e.g. antaranews-terkini."),
    url: str = typer.Argument(..., help="Feed/sitemap/page URL, or a local file/folder for html/archive."),
    kind: str = typer.Option("feed", "--kind", "-k", help=f"One of: {', '.join(SOURCE_KINDS)}."),
    site: str | None = typer.Option(None, help="Outlet name to record (default: from the page)."),
    allow_private: bool = typer.Option(
        False, help="Allow fetching private/loopback addresses for this source."
    ),
) -> None:
    """Add a source."""
    from gaung.store import sources as store
    from gaung.store.db import transaction

    ws = workspace()
    with transaction(ws.engine) as conn:
        source_id = store.add_source(
            conn, SourceConfig(name=name, kind=kind, url=url, site=site, allow_private=allow_private)
        )
    console.print(f"Added source #{source_id} {name} ({kind})")


@sources_app.command("list")
def sources_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List sources with their health: last success, items/day, failures, ok/stale/dead."""
    from gaung.store import sources as store

    ws = workspace()
    rows = []
    with ws.engine.connect() as conn:
        for row in store.list_sources(conn):
            health = store.source_health(row, store.items_per_day(conn, row["id"]), ws.settings.poll)
            rows.append(
                {
                    **{
                        k: row[k]
                        for k in (
                            "id",
                            "name",
                            "kind",
                            "url",
                            "enabled",
                            "consecutive_failures",
                            "items_total",
                        )
                    },
                    "last_success_at": row["last_success_at"].isoformat() if row["last_success_at"] else None,
                    "items_per_day": health.items_per_day,
                    "status": health.status,
                    "reason": health.reason,
                }
            )
    if as_json:
        console.print_json(json.dumps(rows))
        return
    table = Table("name", "kind", "status", "last success", "items/day", "failures", "url / path")
    colours = {"ok": "green", "stale": "yellow", "dead": "red", "never": "dim", "paused": "dim"}
    for r in rows:
        table.add_row(
            r["name"],
            r["kind"],
            f"[{colours[r['status']]}]{r['status']}[/] {r['reason']}",
            r["last_success_at"] or "-",
            str(r["items_per_day"]),
            str(r["consecutive_failures"]),
            r["url"],
        )
    console.print(table)


@sources_app.command("remove")
def sources_remove(name: str) -> None:
    """Remove a source (its stored mentions stay in the archive)."""
    from gaung.store import sources as store
    from gaung.store.db import transaction

    with transaction(workspace().engine) as conn:
        if not store.remove_source(conn, name):
            raise GaungError(f"no source named {name!r} (see: gaung sources list)")
    console.print(f"Removed source {name}")


@sources_app.command("pause")
def sources_pause(name: str) -> None:
    """Stop polling a source without removing it."""
    _set_enabled(name, False)


@sources_app.command("resume")
def sources_resume(name: str) -> None:
    """Resume polling a paused source."""
    _set_enabled(name, True)


def _set_enabled(name: str, enabled: bool) -> None:
    from gaung.store import sources as store
    from gaung.store.db import transaction

    with transaction(workspace().engine) as conn:
        if not store.set_enabled(conn, name, enabled):
            raise GaungError(f"no source named {name!r} (see: gaung sources list)")
    console.print(f"{name}: {'resumed' if enabled else 'paused'}")


# -- the pipeline ---------------------------------------------------------------------------------
@app.command("import")
def import_(
    paths: list[Path] = typer.Argument(..., help="CSV/JSONL archives (.gz ok), HTML files or folders."),
    site: str | None = typer.Option(None, help="Outlet name for rows that do not say."),
) -> None:
    """Import archives or saved pages; importing the same file twice stores nothing twice."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise GaungError(f"no such file or folder: {', '.join(missing)}")
    ws = workspace()
    total = RunSummary()
    with progress_bar() as progress:
        for path in paths:
            task = progress.add_task(f"import {path.name}", total=None)
            total.merge(ws.import_path(path, site=site, progress=lambda n, t=task: progress.advance(t, n)))
            progress.update(task, total=progress.tasks[task].completed)
    print_summary(total)


@app.command()
def extract(
    target: str = typer.Argument(..., help="A URL or a saved HTML file."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
    allow_private: bool = typer.Option(False, help="Allow private/loopback URLs."),
) -> None:
    """Extract the article from one page: url, title, text, published_at, author, site, language."""
    from gaung.extract.article import extract_article

    if Path(target).is_file():
        article = extract_article(Path(target).read_bytes(), None)
    else:
        from gaung.ingest.fetch import fetch_sync

        settings = workspace().settings
        result = fetch_sync(
            target, settings.fetch, allow_private=allow_private or settings.fetch.allow_private
        )
        if result.document is None:
            raise GaungError(f"{target}: no content")
        doc = result.document
        article = extract_article(doc.content, doc.final_url or target, encoding=doc.encoding)
    if as_json:
        sys.stdout.write(article.to_json() + "\n")
        return
    console.print(f"[bold]{escape(article.title or '')}[/bold]", highlight=False)
    console.print(
        f"{article.site} · {article.published_at} · {article.author or '-'} · {article.language}",
        highlight=False,
    )
    console.print(article.text, highlight=False, markup=False)


@app.command()
def search(
    query: str = typer.Argument(..., help='e.g. banjir AND "Pemprov DKI" tone:negatif from:2025-06-18'),
    limit: int = typer.Option(20, "--limit", "-n"),
    offset: int = typer.Option(0),
    newest: bool = typer.Option(False, help="Newest first instead of most relevant."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Search the archive with the query language (see docs/query-language.md)."""
    page = workspace().search(query, limit=limit, offset=offset, order="newest" if newest else "relevance")
    if as_json:
        sys.stdout.write(json.dumps(dataclasses.asdict(page), ensure_ascii=False, default=str) + "\n")
        return
    console.print(f"{page.total_label} hasil / results", highlight=False)
    for hit in page.hits:
        when = hit.published_at.strftime("%Y-%m-%d %H:%M") if hit.published_at else "-"
        console.print(f"[bold]{escape(hit.title or '(tanpa judul)')}[/bold]", highlight=False)
        console.print(f"  {hit.site or '-'} · {when} · {hit.url or ''}", highlight=False, markup=False)
        if hit.snippet:
            console.print(
                "  "
                + "".join(
                    f"[reverse]{escape(part)}[/reverse]" if marked else escape(part)
                    for part, marked in hit.snippet_parts()
                ),
                highlight=False,
            )


@app.command()
def analyze(
    jsonl: bool = typer.Option(False, "--jsonl", help='Read {"id","title","text"} lines on stdin.'),
) -> None:
    """Language, sentiment, tone (with reasons), entities and quotes for JSON lines on stdin."""
    from gaung.analyze.pipeline import Analyzer, analyze_jsonl

    if not jsonl:
        raise GaungError("only --jsonl input is supported: gaung analyze --jsonl < items.jsonl")
    analyzer = Analyzer(workspace().settings)
    done, rejected = analyze_jsonl(sys.stdin, sys.stdout, sys.stderr, analyzer)
    err.print(f"analysed {done}, rejected {rejected}")


@app.command()
def alerts(
    check: bool = typer.Option(False, "--check", help="Evaluate the rules now before listing."),
    ack: int | None = typer.Option(None, "--ack", help="Acknowledge the alert with this id."),
    user: str = typer.Option("cli", "--by", help="Who acknowledges."),
    status: str | None = typer.Option("open", help="open, acknowledged, or all."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Alerts: negative spikes and volume bursts, each with why it fired (Peringatan)."""
    from gaung.store import monitoring
    from gaung.store.db import transaction

    ws = workspace()
    if check:
        fired = monitoring.check_alerts(ws.engine, ws.settings.alert_rules())
        err.print(f"{len(fired)} new alert(s)")
    if ack is not None:
        with transaction(ws.engine) as conn:
            monitoring.acknowledge_alert(conn, ack, user)
    with ws.engine.connect() as conn:
        rows = monitoring.list_alerts(conn, None if status == "all" else status)
    if as_json:
        sys.stdout.write(json.dumps(rows, default=str, ensure_ascii=False) + "\n")
        return
    for row in rows:
        console.print(
            f"[bold]#{row['id']} {escape(row['rule'])}[/bold] ({row['status']}) "
            f"{row['window_start']:%Y-%m-%d %H:%M} – {row['window_end']:%H:%M} UTC",
            highlight=False,
        )
        console.print(f"  {row['reason_id']}", highlight=False, markup=False)
        console.print(f"  {row['reason_en']}", highlight=False, markup=False, style="dim")


@app.command()
def kebaikan(
    days: int = typer.Option(7, help="Look this many days back."),
    limit: int = typer.Option(20, "-n"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Good stories worth amplifying: positive coverage of watched people and programmes, ranked."""
    from gaung.store import monitoring

    ws = workspace()
    if days <= 0:
        raise GaungError("--days must be positive")
    with ws.engine.connect() as conn:
        # anchored at the newest stored mention: an archive that stopped updating still shows its last week
        stories = monitoring.good_stories(conn, monitoring.latest_mention_time(conn), days=days, limit=limit)
    if as_json:
        sys.stdout.write(
            json.dumps(
                [
                    {
                        "id": s.story.id,
                        "title": s.story.title,
                        "url": s.story.url,
                        "score": s.score,
                        "factors": s.factors,
                    }
                    for s in stories
                ],
                ensure_ascii=False,
            )
            + "\n"
        )
        return
    if not stories:
        console.print("Belum ada kabar baik dalam periode ini / no good stories in this period")
    for ranked in stories:
        console.print(f"[bold]{escape(ranked.story.title)}[/bold]  skor {ranked.score:.2f}", highlight=False)
        console.print(f"  {ranked.story.url or ''}", highlight=False, markup=False)


@app.command()
def correct(
    mention_id: int = typer.Argument(..., help="The mention to correct."),
    tone: str | None = typer.Option(None, help="positive | neutral | negative"),
    sentiment: str | None = typer.Option(None, help="positive | neutral | negative"),
    user: str = typer.Option(..., "--by", help="Who makes the correction (kept with it)."),
    note: str | None = typer.Option(None),
) -> None:
    """Correct a mention's tone or sentiment; the next `gaung models build` learns from it."""
    from gaung.store.corrections import add_correction
    from gaung.store.db import transaction

    if tone is None and sentiment is None:
        raise GaungError("say what to correct: --tone and/or --sentiment")
    with transaction(workspace().engine) as conn:
        for field_name, value in (("tone", tone), ("sentiment", sentiment)):
            if value is not None:
                add_correction(conn, mention_id, field_name, value, user, note)
    console.print(f"mention {mention_id} corrected by {user}")


@app.command()
def run(
    once: bool = typer.Option(False, help="One pass over due sources and the queue, then exit."),
    all_sources: bool = typer.Option(False, "--all", help="Poll every enabled source now, due or not."),
) -> None:
    """The monitor: poll sources on schedule, fetch, extract, analyze, store. Safe to kill and restart."""
    ws = workspace()
    if once:
        print_summary(ws.run_monitor(once=True, all_sources=all_sources, on_event=lambda m: err.print(m)))
        return
    err.print("Monitoring... (Ctrl+C to stop; a restart resumes where this left off)")
    try:
        ws.run_monitor(once=False, on_event=lambda m: err.print(m))
    except KeyboardInterrupt:
        err.print("stopped")


@app.command()
def reprocess(limit: int | None = typer.Option(None, help="Only the first N mentions.")) -> None:
    """Re-derive every mention from its kept raw input (after a better extractor or model)."""
    from gaung.ingest.reprocess import reprocess_all

    ws = workspace()
    with progress_bar() as progress:
        task = progress.add_task("reprocess", total=None)
        summary = reprocess_all(ws, limit=limit, progress=lambda n: progress.advance(task, n))
    console.print(f"reprocessed {summary['updated']} of {summary['seen']}; {summary['failed']} failed")
    for problem in summary["problems"][:20]:
        err.print(f"! {problem}", highlight=False, markup=False)


@app.command()
def demo(
    serve: bool = typer.Option(True, "--serve/--no-serve", help="Start the web app after loading."),
    host: str = typer.Option("127.0.0.1"),
    port: int = typer.Option(8000),
) -> None:
    """Load the bundled sample (real Indonesian news) with a demo organisation, then serve it."""
    from gaung.demo import load_demo

    ws = load_demo(progress_factory=progress_bar, console=err)
    if serve:
        _serve(ws, host, port)


@app.command()
def serve(host: str = typer.Option("127.0.0.1"), port: int = typer.Option(8000)) -> None:
    """Serve the web app (search page and JSON API)."""
    _serve(workspace(), host, port)


def _serve(ws: Workspace, host: str, port: int) -> None:
    import uvicorn

    from gaung.web.app import create_app

    console.print(f"Gaung berjalan di / running at http://{host}:{port}/", highlight=False)
    uvicorn.run(create_app(ws), host=host, port=port, log_level="warning")


def main() -> None:
    """Entry point: friendly one-line errors instead of tracebacks for expected failures."""
    try:
        app()
    except GaungError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
