"""`gaung issues --jsonl`: cluster a batch of articles into issues with the monitor's algorithm.

Input: JSON lines ``{"id", "title", "text", "published_at", "source"}`` on stdin. Output: one line
``{"id", "issue_id", "issue_label"}`` per valid input, in input order. Items are clustered in the order
given (the monitor sees them in arrival order too); the label printed is the issue's label after the
whole batch, so every member of an issue carries the same, best-informed label. A malformed line is
reported on stderr with its line number and skipped. ``--state FILE`` resumes from and saves the
clusterer state, so consecutive batches behave like one stream. The lead mounts ``app`` (or calls
``cluster_jsonl``) from gaung/cli.py.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import typer

from gaung.analyze.issues import IssueClusterer

__all__ = ["app", "cluster_jsonl", "parse_published_at"]

app = typer.Typer(help="Cluster mentions into issues.", add_completion=False)


def parse_published_at(value: Any) -> datetime | None:
    """ISO 8601 first, then the Indonesian publisher formats the extractor understands; None if neither."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip())
    except ValueError:
        pass
    try:
        from gaung.extract.dates import parse_indonesian_date
    except ImportError:  # the extractor is optional for this command
        return None
    return parse_indonesian_date(value)


def cluster_jsonl(
    source: TextIO, out: TextIO, err: TextIO, clusterer: IssueClusterer | None = None
) -> tuple[int, int]:
    """Cluster every valid line of `source`, write results to `out`; returns (clustered, rejected)."""
    clusterer = clusterer or IssueClusterer()
    ids: list[str] = []
    rejected = 0
    for number, line in enumerate(source, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            err.write(f"line {number}: not valid JSON ({exc.msg} at column {exc.colno}); skipped\n")
            rejected += 1
            continue
        if not isinstance(row, dict) or not isinstance(row.get("id"), str | int) or row.get("id") == "":
            err.write(f'line {number}: expected an object with an "id"; skipped\n')
            rejected += 1
            continue
        item_id = str(row["id"])
        title = row.get("title") if isinstance(row.get("title"), str) else ""
        text = row.get("text") if isinstance(row.get("text"), str) else ""
        source_name = row.get("source") if isinstance(row.get("source"), str) else ""
        published_at = parse_published_at(row.get("published_at"))
        if row.get("published_at") and published_at is None:
            err.write(
                f"line {number}: published_at {row['published_at']!r} not understood; using stream time\n"
            )
        clusterer.add(item_id, title or "", text or "", published_at, source_name or "")
        ids.append(item_id)
    for item_id in ids:
        issue = clusterer.issue_of(item_id)
        assert issue is not None  # every id in `ids` was just added
        out.write(
            json.dumps(
                {"id": item_id, "issue_id": issue.issue_id, "issue_label": issue.label}, ensure_ascii=False
            )
            + "\n"
        )
    return len(ids), rejected


@app.command("issues")
def issues_command(
    jsonl: bool = typer.Option(False, "--jsonl", help="JSON lines in on stdin, out on stdout."),
    state: Path | None = typer.Option(None, "--state", help="Resume from and save clusterer state (JSON)."),
) -> None:
    """Cluster articles into issues: {"id","title","text","published_at","source"} → {"id","issue_id",...}."""
    if not jsonl:
        typer.echo("Only --jsonl input is supported: gaung issues --jsonl < articles.jsonl", err=True)
        raise typer.Exit(2)
    clusterer = None
    if state is not None and state.exists():
        try:
            clusterer = IssueClusterer.from_dict(json.loads(state.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError) as exc:
            typer.echo(
                f"{state}: not a saved issue state ({exc}); delete it or pass another --state", err=True
            )
            raise typer.Exit(1) from None
    clusterer = clusterer or IssueClusterer()
    _, rejected = cluster_jsonl(sys.stdin, sys.stdout, sys.stderr, clusterer)
    if state is not None:
        state.write_text(json.dumps(clusterer.to_dict(), ensure_ascii=False), encoding="utf-8")
    if rejected:
        typer.echo(f"{rejected} line(s) skipped", err=True)
