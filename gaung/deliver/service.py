"""Running delivery: the tick the monitor runs every few seconds, and a test message on request.

The tick is independent of crawl passes (a pass over many sources can take minutes): `delivery_loop`
runs beside `Monitor.run_forever`, so an alert stored by the last check is sent within `tick_seconds`
plus the time its own server takes to answer — well inside the 60 seconds the office was promised. The
loop keeps one `Dispatcher` (a pool of sending threads) and never waits for a send: a mail server or
webhook that hangs until its timeout holds one thread while the next ticks keep sending to the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Engine, select

from gaung.config import Settings
from gaung.deliver.alerts import enqueue_new_alerts
from gaung.deliver.dispatch import Dispatcher, DispatchSummary, dispatch_due
from gaung.deliver.outbox import active_recipients, enqueue
from gaung.errors import GaungError
from gaung.store.db import transaction
from gaung.store.schema import deliveries, delivery_items

log = logging.getLogger(__name__)


def queue_alerts(engine: Engine, settings: Settings, now: datetime | None = None) -> int:
    """Queue deliveries for alerts fired since the last call (idempotent); returns how many."""
    with transaction(engine) as conn:
        return enqueue_new_alerts(conn, settings.delivery, settings.organisation, now)


def tick(engine: Engine, settings: Settings, now: datetime | None = None) -> DispatchSummary:
    """One delivery tick: queue new alerts, then send what is due (unless `[delivery] enabled = false`)."""
    queue_alerts(engine, settings, now)
    if not settings.delivery.enabled:
        return DispatchSummary()
    return dispatch_due(engine, settings.delivery, now=now)


async def delivery_loop(
    engine: Engine,
    settings: Settings,
    stop: asyncio.Event,
    *,
    on_event: Callable[[str], None] | None = None,
) -> None:
    """Run `tick` every `[delivery] tick_seconds` until `stop` is set; a failing tick is logged, not fatal."""
    report = on_event or (lambda message: log.info("%s", message))
    dispatcher = Dispatcher(engine)
    try:
        while not stop.is_set():
            try:
                await asyncio.to_thread(_tick_without_waiting, dispatcher, engine, settings)
            except GaungError as exc:  # a locked or unreachable database: try again next tick
                report(f"delivery: {exc}")
            summary = dispatcher.collect()  # what finished since the last tick
            if summary.attempted or summary.recovered:
                report(
                    f"delivery: sent {summary.sent}, retrying {summary.retrying}, failed {summary.failed}"
                    + "".join(f"\n  {error}" for error in summary.errors)
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=settings.delivery.tick_seconds)
    finally:
        # Sends already under way finish in their threads; the rest was never claimed and stays queued.
        dispatcher.close(wait=False)


def _tick_without_waiting(dispatcher: Dispatcher, engine: Engine, settings: Settings) -> int:
    """`tick` for the loop: queue new alerts, hand what is due to free threads, return at once."""
    queue_alerts(engine, settings)
    if not settings.delivery.enabled:
        return 0
    return dispatcher.submit_due(settings.delivery)


def send_test(
    engine: Engine, settings: Settings, recipient_name: str, now: datetime | None = None
) -> DispatchSummary:
    """Queue a test message to one configured recipient and send it now; raises GaungError if unknown."""
    now = now or datetime.now(UTC)
    with transaction(engine) as conn:
        matches = [r for r in active_recipients(conn) if r.name.casefold() == recipient_name.casefold()]
        if not matches:
            known = ", ".join(r.name for r in active_recipients(conn)) or "none configured"
            raise GaungError(f"no recipient named {recipient_name!r} (known: {known})")
        recipient = matches[0]
        if recipient.problem:
            raise GaungError(recipient.problem)
        ref = f"{recipient.name}@{now.isoformat(timespec='microseconds')}"
        enqueue(
            conn,
            kind="test",
            ref=ref,
            subject=f"[Gaung] Pesan uji / test message — {settings.organisation}",
            text=(
                f"Ini pesan uji dari Gaung untuk {recipient.name}. Jika pesan ini sampai, peringatan dan "
                "laporan harian juga akan sampai.\n\n"
                f"This is a test message from Gaung to {recipient.name} ({recipient.channel})."
            ),
            recipients=[recipient],
            now=now,
        )
        delivery_id = conn.execute(
            select(deliveries.c.id)
            .join(delivery_items, delivery_items.c.id == deliveries.c.item_id)
            .where(delivery_items.c.kind == "test", delivery_items.c.ref == ref)
        ).scalar_one()
    return dispatch_due(engine, settings.delivery, now=now, only=[delivery_id])
