"""The dispatcher: send due deliveries, retry with capped exponential backoff, never send one twice.

    recover_stale() ──▶ claim_due() ──▶ channel(...)(message, recipient, settings) ──▶ record outcome

Claiming is one conditional UPDATE per row (`status queued → sending`, with the claim time), so two
dispatchers — two monitors on one PostgreSQL, or the monitor and `gaung deliver run` — never take the same
delivery. The network call happens outside any transaction (SQLite would otherwise be locked for as long
as a mail server takes to answer).

A process that dies between claiming and recording leaves a row in `sending`. After `STALE_CLAIM`
(well beyond every send timeout) the next dispatcher decides what it was:

- email and Telegram: **at most once**. The server may already have accepted the message and a second
  copy of an alert on the mayor's phone is worse than a visible failure, so the row is marked failed with
  a message saying it may have arrived; an admin can resend it (`gaung deliver retry ID` or the log page).
- webhooks: **at least once**. The row is queued again; the request carries the same `X-Gaung-Delivery`
  id, so the receiver can drop the repeat.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select, update

from gaung.deliver.channels import DeliveryError, channel
from gaung.deliver.outbox import load_message
from gaung.deliver.settings import DeliverySettings, Recipient, address_problem
from gaung.store.db import transaction
from gaung.store.schema import deliveries, delivery_recipients

log = logging.getLogger(__name__)

# Longer than the slowest send can take (SMTP/HTTP timeouts are 10–20 s per step), so a row this old in
# `sending` belongs to a dispatcher that died, not to one still waiting for an answer.
STALE_CLAIM = timedelta(minutes=10)
RESEND_AFTER_CRASH = {"webhook"}  # channels whose receivers can drop a repeat (see module docstring)
JITTER = 0.2  # ±20% so deliveries that failed together (a mail server outage) do not retry in lockstep
BATCH = 50


@dataclass
class DispatchSummary:
    """What one `dispatch_due` call did; `errors` holds one line per failed attempt."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    recovered: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed


def _naive(moment: datetime | None) -> datetime:
    moment = moment or datetime.now(UTC)
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def backoff_delay(attempts: int, settings: DeliverySettings, rng: random.Random | None = None) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: backoff · 2^(attempts-1), ±20%, capped."""
    rng = rng or random.Random()
    base = settings.backoff * 2 ** max(attempts - 1, 0)
    return min(base * rng.uniform(1 - JITTER, 1 + JITTER), settings.backoff_cap)


def recover_stale(engine: Engine, now: datetime | None = None) -> int:
    """Settle rows a dead dispatcher left in `sending` (see the module docstring); returns how many."""
    stamp = _naive(now)
    cutoff = stamp - STALE_CLAIM
    with transaction(engine) as conn:
        rows = conn.execute(
            select(
                deliveries.c.id, deliveries.c.channel, deliveries.c.recipient, deliveries.c.claimed_at
            ).where(deliveries.c.status == "sending", deliveries.c.claimed_at < cutoff)
        ).all()
        for row in rows:
            claimed = row.claimed_at.strftime("%Y-%m-%d %H:%M UTC")
            if row.channel in RESEND_AFTER_CRASH:
                values: dict[str, Any] = {
                    "status": "queued",
                    "next_attempt_at": stamp,
                    "last_error": f"{row.recipient}: interrupted while sending at {claimed}; sending again",
                }
            else:
                values = {
                    "status": "failed",
                    "next_attempt_at": None,
                    "last_error": (
                        f"{row.recipient}: interrupted while sending at {claimed}; it may have arrived, "
                        "so it is not sent again automatically (retry it to resend)"
                    ),
                }
            conn.execute(
                update(deliveries)
                .where(deliveries.c.id == row.id, deliveries.c.status == "sending")
                .values(**values)
            )
    return len(rows)


def claim_due(
    engine: Engine, now: datetime | None = None, limit: int = BATCH, only: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Take up to `limit` due deliveries (queued, next attempt reached), marking them `sending`."""
    stamp = _naive(now)
    claimed: list[dict[str, Any]] = []
    query = select(deliveries).where(deliveries.c.status == "queued", deliveries.c.next_attempt_at <= stamp)
    if only is not None:
        query = query.where(deliveries.c.id.in_(list(only)))
    with transaction(engine) as conn:
        candidates = conn.execute(
            query.order_by(deliveries.c.next_attempt_at, deliveries.c.id).limit(limit)
        ).mappings()
        for row in list(candidates):
            taken = conn.execute(
                update(deliveries)
                .where(deliveries.c.id == row["id"], deliveries.c.status == "queued")
                .values(status="sending", claimed_at=stamp, attempts=row["attempts"] + 1)
            )
            if taken.rowcount == 1:
                claimed.append(
                    {**row, "status": "sending", "claimed_at": stamp, "attempts": row["attempts"] + 1}
                )
    return claimed


def _recipient_for(engine: Engine, row: dict[str, Any]) -> Recipient:
    # The address was copied into the delivery when it was queued; channel options (the webhook's
    # secret variable) come from the recipient as configured now.
    with engine.connect() as conn:
        options = conn.execute(
            select(delivery_recipients.c.options).where(delivery_recipients.c.name == row["recipient"])
        ).scalar_one_or_none()
    return Recipient(
        name=row["recipient"],
        channel=row["channel"],
        address=row["address"],
        secret_env=str((options or {}).get("secret_env", "")),
    )


def dispatch_due(
    engine: Engine,
    settings: DeliverySettings,
    *,
    now: datetime | None = None,
    rng: random.Random | None = None,
    limit: int = BATCH,
    only: Sequence[int] | None = None,
    sender: Callable[[str], Any] = channel,
) -> DispatchSummary:
    """Send every due delivery once; failures are retried later or marked failed. Pass `now` in tests.

    `only` restricts it to these delivery ids (a test message); `sender` maps a channel name to its
    send function (the registry by default).
    """
    summary = DispatchSummary(recovered=recover_stale(engine, now))
    rng = rng or random.Random()
    for row in claim_due(engine, now, limit, only):
        recipient = _recipient_for(engine, row)
        receipt: str | None = None
        try:
            problem = address_problem(recipient.channel, recipient.address)  # checked again at send
            if problem:
                raise DeliveryError(problem, permanent=True)
            with engine.connect() as conn:
                message = load_message(conn, row["item_id"], delivery_id=row["id"])
            receipt = sender(row["channel"])(message, recipient, settings)
        except DeliveryError as exc:
            error = exc
        except Exception as exc:  # a bug in a channel must not stop the others; it is retried and logged
            log.exception("delivery %s to %s crashed", row["id"], row["recipient"])
            error = DeliveryError(f"unexpected error: {type(exc).__name__}: {exc}")
        _record(engine, row, receipt, None if receipt is not None else error, settings, summary, now, rng)
    return summary


def _record(
    engine: Engine,
    row: dict[str, Any],
    receipt: str | None,
    error: DeliveryError | None,
    settings: DeliverySettings,
    summary: DispatchSummary,
    now: datetime | None,
    rng: random.Random,
) -> None:
    stamp = _naive(now)
    values: dict[str, Any]
    if error is None:
        values = {
            "status": "sent",
            "sent_at": stamp,
            "receipt": receipt,
            "last_error": None,
            "next_attempt_at": None,
        }
        summary.sent += 1
    else:
        reason = f"{row['recipient']} ({row['channel']} {row['address']}): {error.reason}"
        attempts = int(row["attempts"])
        if error.permanent or attempts >= settings.max_attempts:
            if not error.permanent:
                reason += f" — gave up after {attempts} attempts"
            values = {"status": "failed", "last_error": reason, "next_attempt_at": None}
            summary.failed += 1
        else:
            delay = max(backoff_delay(attempts, settings, rng), error.retry_after or 0.0)
            retry_at = stamp + timedelta(seconds=delay)
            values = {"status": "queued", "last_error": reason, "next_attempt_at": retry_at}
            summary.retrying += 1
        summary.errors.append(reason)
        log.warning("delivery %s: %s", row["id"], reason)
    with transaction(engine) as conn:
        conn.execute(
            update(deliveries)
            .where(
                deliveries.c.id == row["id"],
                deliveries.c.status == "sending",
                deliveries.c.claimed_at == row["claimed_at"],
            )
            .values(**values)
        )
