"""`gaung scorecards` and `gaung kinerja target|review|show`: SKP scorecards from the command line.

A thin shell over `gaung.kinerja.scorecards` and `.reviews`. Targets and reviews are entered in the
name of a login (`--by`), and the same rules as on the web apply: only that person's supervisors or an
admin, never for oneself; each change is in the audit log.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gaung.kinerja.errors import KinerjaError
from gaung.kinerja.reviews import parse_target, set_review, set_target
from gaung.kinerja.scorecards import (
    INDICATORS,
    IndicatorResult,
    Scorecard,
    format_number,
    scorecard,
    team_scorecards,
)
from gaung.kinerja.staff import find_staff
from gaung.store.db import transaction
from gaung.store.users import User, UserError, get_user_row

kinerja_app = typer.Typer(
    help="Kinerja (SKP): targets, supervisor reviews and one person's scorecard.", no_args_is_help=True
)
console = Console()

PERIOD_HELP = "YYYY-MM (month), YYYY-Qn (quarter) or YYYY (year), e.g. 2025-06."


def _workspace() -> Any:  # imported late: gaung.cli imports this module
    from gaung.cli import workspace

    return workspace()


def _user(conn: Any, name: str) -> User:
    try:
        row = get_user_row(conn, name)
    except UserError as exc:
        raise KinerjaError(f"--by {name!r}: {exc}") from None
    if row.get("disabled"):
        raise KinerjaError(f"--by {name!r}: that login is disabled")
    return User(id=int(row["id"]), name=row["name"], role=row["role"])


def fmt(value: float | None, unit: str = "") -> str:
    """A number the Indonesian way (1.234,5), or "no data"."""
    return "no data" if value is None else format_number(value, unit)


def _capaian(indicator: IndicatorResult) -> str:
    if indicator.status == "no_data":
        return "no data"
    if indicator.status == "no_target":
        return "no target"
    return fmt(indicator.capaian, "%")


def print_scorecards(cards: list[Scorecard], period: str) -> None:
    """One row per person: each indicator as realisation / target → capaian, then ratings and predikat."""
    table = Table(title=f"Kinerja {escape(period)}")
    table.add_column("Pegawai / Person")
    for definition in INDICATORS.values():
        table.add_column(escape(definition.label), justify="right")
    for header in ("Hasil kerja", "Perilaku", "Predikat"):
        table.add_column(header)
    for card in cards:
        cells = [
            f"{fmt(i.realisation, i.unit)} / {fmt(i.target, i.unit) if i.target else '-'} → {_capaian(i)}"
            for i in card.indicators
        ]
        table.add_row(
            escape(card.person),
            *cells,
            card.rating_hasil_kerja or "-",
            card.rating_perilaku or "-",
            card.predikat or "-",
        )
    console.print(table)
    if not cards:
        console.print("Tidak ada pegawai pada periode ini / nobody on the staff list in this period.")


def scorecards_command(
    period: str = typer.Option(..., "--period", "-p", help=PERIOD_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON list (null where there is no data)."),
) -> None:
    """Every staff member's SKP scorecard for a period (nothing is computed from attendance)."""
    ws = _workspace()
    with ws.engine.connect() as conn:
        cards = team_scorecards(conn, period, ws.settings.kinerja)
    if as_json:
        sys.stdout.write(json.dumps([card.to_json() for card in cards], ensure_ascii=False, indent=2) + "\n")
        return
    print_scorecards(cards, cards[0].period.key if cards else period)


@kinerja_app.command("show")
def show_command(
    person: str = typer.Argument(..., help="Staff id, name or login."),
    period: str = typer.Option(..., "--period", "-p", help=PERIOD_HELP),
) -> None:
    """One scorecard with the evidence (bukti dukung) behind every number."""
    ws = _workspace()
    with ws.engine.connect() as conn:
        card = scorecard(conn, int(find_staff(conn, person)["id"]), period, ws.settings.kinerja)
    print_scorecards([card], card.period.key)
    console.print(f"Hasil kerja: {card.rating_hasil_kerja or '-'} — {escape(card.rating_reason.text())}")
    if card.feedback:
        console.print(f"Umpan balik: {escape(card.feedback)}")
    for indicator in card.indicators:
        console.print(
            f"\n[b]{escape(indicator.label)}[/b] ({escape(indicator.detail)}): {escape(indicator.formula)}"
        )
        for item in indicator.evidence:
            share = f"{item.share:.0%}" if item.kind == "post" else ""
            if item.value is None:
                value = ""
            elif item.kind == "assignment":  # hours from the first mention to publication
                value = f"{format_number(item.value, '')} h"
            else:
                value = fmt(item.value, indicator.unit)
            mark = "" if item.counted else " (not counted)"
            console.print(
                f"  {item.url}  {share:>4}  {value:>8}  {escape(item.title[:60])}  {escape(item.note)}{mark}"
            )


@kinerja_app.command("target")
def target_command(
    person: str = typer.Argument(..., help="Staff id, name or login."),
    indicator: str = typer.Argument(..., help=f"One of: {', '.join(INDICATORS)}."),
    value: str = typer.Argument(..., help='The target; 0 or "none" means no target.'),
    period: str = typer.Option(..., "--period", "-p", help=PERIOD_HELP),
    by: str = typer.Option(
        ..., "--by", help="The login setting it (a supervisor of the person, or an admin)."
    ),
    rhk: str | None = typer.Option(None, "--rhk", help="The Rencana Hasil Kerja this indicator measures."),
) -> None:
    """Set one indicator's target for a person and period (Rencana Hasil Kerja)."""
    target = parse_target(value, f"target for {indicator}")
    ws = _workspace()
    with transaction(ws.engine) as conn:
        staff_id = int(find_staff(conn, person)["id"])
        set_target(conn, staff_id, period, indicator, target, user=_user(conn, by), rhk=rhk)
    console.print(f"target {indicator} = {value} for {escape(person)} in {period}")


@kinerja_app.command("review")
def review_command(
    person: str = typer.Argument(..., help="Staff id, name or login."),
    period: str = typer.Option(..., "--period", "-p", help=PERIOD_HELP),
    perilaku: str = typer.Option(
        ..., "--perilaku", help="Rating perilaku kerja: di atas | sesuai | di bawah."
    ),
    by: str = typer.Option(
        ..., "--by", help="The reviewing login (a supervisor of the person, or an admin)."
    ),
    feedback: str | None = typer.Option(None, "--feedback", help="Umpan balik for the period."),
) -> None:
    """Enter the supervisor's review: rating perilaku kerja (BerAKHLAK) and umpan balik."""
    ws = _workspace()
    with transaction(ws.engine) as conn:
        staff_id = int(find_staff(conn, person)["id"])
        set_review(
            conn, staff_id, period, rating_perilaku=perilaku, feedback=feedback, reviewer_user=_user(conn, by)
        )
    console.print(f"review saved for {escape(person)} in {period}")
