"""Fired alerts as messages: the monitor hands every new alert to the outbox (ref = the alert's id).

`enqueue_new_alerts` looks for recent alerts that have no outbox item yet, so it is safe to call after
every alert check *and* on every delivery tick: an alert stored just before a crash is still sent
after the restart, and one already queued is never queued twice. Alerts whose window ended longer
ago than `[delivery] alert_max_age` (a replay over an imported archive) are not sent at all.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from gaung.deliver.outbox import enqueue
from gaung.deliver.settings import DeliverySettings
from gaung.store.schema import alerts, delivery_items


def _local(value: datetime | None) -> str:
    from gaung.store.reports import OFFICE_TZ

    if value is None:
        return "-"
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    return moment.astimezone(OFFICE_TZ).strftime("%d/%m/%Y %H:%M")


def alert_message(alert: dict[str, Any], organisation: str, base_url: str = "") -> tuple[str, str]:
    """(subject, text) for one alert row: Indonesian first, the English reason below it."""
    subject = f"[Gaung] PERINGATAN: {alert['rule']} — {organisation}"
    lines = [
        f"PERINGATAN — {organisation}",
        f"Aturan: {alert['rule']} ({alert['kind']})",
        "",
        str(alert["reason_id"]),
        "",
        f"Jendela waktu: {_local(alert['window_start'])} – {_local(alert['window_end'])} WIB",
    ]
    if alert.get("observed") is not None:
        expected = alert.get("expected")
        counted = f"Teramati: {alert['observed']:g}"
        if expected is not None:
            counted += f", biasanya: {expected:.1f}"
        lines.append(counted)
    if base_url:
        lines.append(f"Buka: {base_url.rstrip('/')}/alerts")
    lines += ["", f"ALERT — {alert['reason_en']}"]
    return subject, "\n".join(lines)


def enqueue_new_alerts(
    conn: Connection, settings: DeliverySettings, organisation: str, now: datetime | None = None
) -> int:
    """Queue every recent alert that is not in the outbox yet; returns the deliveries queued."""
    now = now or datetime.now(UTC)
    since = (now - timedelta(seconds=settings.alert_max_age)).astimezone(UTC).replace(tzinfo=None)
    recent = [
        dict(row)
        for row in conn.execute(
            select(alerts).where(alerts.c.window_end >= since).order_by(alerts.c.id)
        ).mappings()
    ]
    if not recent:
        return 0
    known = set(
        conn.execute(
            select(delivery_items.c.ref).where(
                delivery_items.c.kind == "alert", delivery_items.c.ref.in_([str(a["id"]) for a in recent])
            )
        ).scalars()
    )
    queued = 0
    for alert in recent:
        if str(alert["id"]) in known:
            continue
        subject, text = alert_message(alert, organisation, settings.base_url)
        queued += enqueue(conn, kind="alert", ref=str(alert["id"]), subject=subject, text=text, now=now)
    return queued
