"""`gaung deliver …`: send what is due, see the outbox, send a test message, resend a failed one."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gaung.deliver.dispatch import DispatchSummary
from gaung.deliver.outbox import active_recipients, for_display, list_deliveries, retry, status_counts
from gaung.deliver.settings import shown_address
from gaung.errors import GaungError
from gaung.store.db import transaction
from gaung.web.templating import local_time

deliver_app = typer.Typer(
    help="Deliver alerts and daily briefs by email, Telegram and webhooks.", no_args_is_help=True
)
console = Console()
err = Console(stderr=True)


def _workspace() -> Any:  # imported late: gaung.cli imports this module
    from gaung.cli import workspace

    return workspace()


def _print_summary(summary: DispatchSummary) -> None:
    console.print(
        f"sent / terkirim {summary.sent}, retrying / dicoba lagi {summary.retrying}, "
        f"failed / gagal {summary.failed}, recovered / dipulihkan {summary.recovered}",
        highlight=False,
    )
    for error in summary.errors:
        err.print(f"! {error}", highlight=False, markup=False)


@deliver_app.command("run")
def run_command() -> None:
    """Queue newly fired alerts and send every due delivery once (the monitor does this every few seconds)."""
    from gaung.deliver.service import tick

    ws = _workspace()
    _print_summary(tick(ws.engine, ws.settings))


@deliver_app.command("status")
def status_command(
    status: str | None = typer.Option(None, "--status", help="Only queued, sending, sent or failed."),
    limit: int = typer.Option(20, "--limit", help="How many log rows to show."),
) -> None:
    """Recipients, counts per status and the latest deliveries with their errors."""
    ws = _workspace()
    with ws.engine.connect() as conn:
        recipients = active_recipients(conn)
        counts = status_counts(conn)
        rows = list_deliveries(conn, status=status, limit=limit)
    table = Table(
        "recipient / penerima", "channel", "address", "kinds", "problem", title="Recipients / Penerima"
    )
    for recipient in recipients:
        table.add_row(
            escape(recipient.name),
            recipient.channel,
            escape(shown_address(recipient.channel, recipient.address)),
            ", ".join(recipient.kinds),
            escape(recipient.problem or ""),
        )
    console.print(table)
    console.print(", ".join(f"{name} {count}" for name, count in counts.items()), highlight=False)
    log = Table(
        "id", "kind", "ref", "recipient", "status", "tries", "created (WIB)", "sent (WIB)", "last error"
    )
    for row in map(for_display, rows):
        log.add_row(
            str(row["id"]),
            row["kind"],
            escape(row["ref"]),
            escape(row["recipient"]),
            row["status"],
            str(row["attempts"]),
            local_time(row["created_at"]),
            local_time(row["sent_at"]),
            escape(row["last_error"] or ""),
        )
    console.print(log)


@deliver_app.command("test")
def test_command(
    recipient: str = typer.Argument(..., help="A recipient's name from [[recipients]]."),
) -> None:
    """Send a test message to one recipient now and say whether it arrived at the server."""
    from gaung.deliver.service import send_test

    ws = _workspace()
    summary = send_test(ws.engine, ws.settings, recipient)
    _print_summary(summary)
    if summary.sent != 1:
        raise GaungError(f"the test message to {recipient} was not delivered (see above)")


@deliver_app.command("retry")
def retry_command(delivery_id: int = typer.Argument(..., help="The id of a failed delivery.")) -> None:
    """Queue a failed delivery again (after fixing the address or the server); the next tick sends it."""
    with transaction(_workspace().engine) as conn:
        retry(conn, delivery_id)
    console.print(f"delivery {delivery_id} queued again / diantrekan ulang")
