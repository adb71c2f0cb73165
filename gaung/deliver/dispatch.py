"""The dispatcher: send due deliveries side by side, retry with capped exponential backoff, never twice.

    recover_stale() ──▶ due() ──▶ pool of POOL_SIZE threads: claim() ──▶ channel(...)(message, …) ──▶ record

Sends run in a bounded thread pool, so a mail server or webhook that hangs until its timeout holds one
thread, not every other recipient. What goes first when more is due than the pool can take: alerts (and
test messages) before briefs, and within each, deliveries never tried before retries — a recipient that
failed a moment ago is the likeliest to hang again. `Dispatcher` is the long-lived form the monitor's
delivery loop uses: each tick fills only the free threads and returns at once, so an alert fired while a
send hangs goes out on the next tick. `dispatch_due` is the one-shot form (`gaung deliver run`, tests).

Claiming is one conditional UPDATE per row (`status queued → sending`, with the claim time), made by the
thread that sends it just before it sends, so a claim is never older than one send and two dispatchers —
two monitors on one PostgreSQL, or the monitor and `gaung deliver run` — never take the same delivery.
The network call happens outside any transaction (SQLite would otherwise be locked for as long as a mail
server takes to answer).

A process that dies between claiming and recording leaves a row in `sending`. Once its claim is older
than `stale_after(settings)` — `STALE_CLAIM`, or twice the longest one send can take if that is longer —
the next dispatcher decides what it was:

- email and Telegram: **at most once**. The server may already have accepted the message and a second
  copy of an alert on the mayor's phone is worse than a visible failure, so the row is marked failed with
  a message saying it may have arrived; an admin can resend it (`gaung deliver retry ID` or the log page).
- webhooks: **at least once**. The row is queued again; the request carries the same `X-Gaung-Delivery`
  id, so the receiver can drop the repeat.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, case, select, update

from gaung.deliver.channels import DeliveryError, channel
from gaung.deliver.email import QUIT_TIMEOUT
from gaung.deliver.outbox import load_message
from gaung.deliver.settings import DeliverySettings, Recipient, address_problem, shown_address
from gaung.store.db import transaction
from gaung.store.schema import deliveries, delivery_items, delivery_recipients

log = logging.getLogger(__name__)

POOL_SIZE = 8  # sends at once: more than the recipients a small office has, few enough for a 2-core server
# Round trips one email can take, each bounded by [delivery.smtp] timeout: connect, greeting, EHLO,
# STARTTLS and its handshake, EHLO, AUTH LOGIN (3), MAIL, RCPT, DATA, the message, its answer — rounded up.
SMTP_ROUND_TRIPS = 16
HTTP_PHASES = 4  # httpx applies its timeout to connect, write, read and pool wait separately
# The floor of `stale_after`: with the shipped timeouts one send takes at most ~5.5 minutes (16 × 20 s),
# so a claim this old belongs to a dispatcher that died, not to one still waiting for an answer.
STALE_CLAIM = timedelta(minutes=30)
RESEND_AFTER_CRASH = {"webhook"}  # channels whose receivers can drop a repeat (see module docstring)
JITTER = 0.2  # ±20% so deliveries that failed together (a mail server outage) do not retry in lockstep
BATCH = 50
FIRST = ("alert", "test")  # kinds that must not wait behind briefs (the 60-second promise, a person waiting)


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


def max_send_seconds(settings: DeliverySettings) -> float:
    """The longest one send can take with these timeouts, whatever the far side does (short of dribbling)."""
    return max(
        SMTP_ROUND_TRIPS * settings.smtp.timeout + QUIT_TIMEOUT,
        HTTP_PHASES * settings.telegram.timeout,
        HTTP_PHASES * settings.webhook.timeout,
    )


def stale_after(settings: DeliverySettings | None = None) -> timedelta:
    """How old a claim must be before its dispatcher is presumed dead: at least twice the longest send."""
    if settings is None:
        return STALE_CLAIM
    return max(STALE_CLAIM, timedelta(seconds=2 * max_send_seconds(settings)))


def recover_stale(engine: Engine, now: datetime | None = None, stale: timedelta = STALE_CLAIM) -> int:
    """Settle rows a dead dispatcher left in `sending` (see the module docstring); returns how many.

    A row claimed less than `stale` ago is never touched: its dispatcher may still be waiting for an answer.
    """
    stamp = _naive(now)
    cutoff = stamp - stale
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
                .where(
                    deliveries.c.id == row.id,
                    deliveries.c.status == "sending",
                    deliveries.c.claimed_at == row.claimed_at,  # not a row re-claimed meanwhile
                )
                .values(**values)
            )
    return len(rows)


def due(
    engine: Engine,
    now: datetime | None = None,
    limit: int = BATCH,
    only: Sequence[int] | None = None,
    skip: Sequence[int] = (),
) -> list[dict[str, Any]]:
    """Up to `limit` due deliveries (queued, next attempt reached) in sending order, *not* claimed.

    Order: alerts and test messages before briefs, first attempts before retries, then oldest first.
    `skip` leaves out ids already handed to a thread.
    """
    stamp = _naive(now)
    query = (
        select(deliveries)
        .join(delivery_items, delivery_items.c.id == deliveries.c.item_id)
        .where(deliveries.c.status == "queued", deliveries.c.next_attempt_at <= stamp)
        .order_by(
            case((delivery_items.c.kind.in_(FIRST), 0), else_=1),
            case((deliveries.c.attempts > 0, 1), else_=0),
            deliveries.c.next_attempt_at,
            deliveries.c.id,
        )
        .limit(limit)
    )
    if only is not None:
        query = query.where(deliveries.c.id.in_(list(only)))
    if skip:
        query = query.where(deliveries.c.id.not_in(list(skip)))
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def claim(engine: Engine, row: dict[str, Any], now: datetime | None = None) -> dict[str, Any] | None:
    """Mark one due delivery `sending` (with the claim time); None when another dispatcher took it first."""
    stamp = _naive(now)
    with transaction(engine) as conn:
        taken = conn.execute(
            update(deliveries)
            .where(
                deliveries.c.id == row["id"],
                deliveries.c.status == "queued",
                deliveries.c.next_attempt_at <= stamp,  # still due: not re-queued for later meanwhile
            )
            .values(status="sending", claimed_at=stamp, attempts=deliveries.c.attempts + 1)
        )
        if taken.rowcount != 1:
            return None
        attempts = conn.execute(
            select(deliveries.c.attempts).where(deliveries.c.id == row["id"])
        ).scalar_one()
    return {**row, "status": "sending", "claimed_at": stamp, "attempts": int(attempts)}


def claim_due(
    engine: Engine, now: datetime | None = None, limit: int = POOL_SIZE, only: Sequence[int] | None = None
) -> list[dict[str, Any]]:
    """Claim up to `limit` due deliveries at once (the dispatcher itself claims each just before sending)."""
    claimed = (claim(engine, row, now) for row in due(engine, now, limit, only))
    return [row for row in claimed if row is not None]


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


class Dispatcher:
    """A pool of sending threads that outlives one tick (see the module docstring).

    `submit_due` hands due deliveries to free threads and returns at once; `collect` gives what finished
    since it was last called; `wait` blocks until every handed-over delivery is settled. Thread-safe.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        workers: int = POOL_SIZE,
        rng: random.Random | None = None,
        sender: Callable[[str], Any] = channel,
    ):
        self.engine = engine
        self.workers = max(1, workers)
        self._rng = rng or random.Random()
        self._sender = sender
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="gaung-deliver")
        # Re-entrant: a future that is already done runs its callback (`_forget`) in the submitting thread.
        self._lock = threading.RLock()
        self._in_flight: dict[int, Future[None]] = {}
        self._done = DispatchSummary()

    def __enter__(self) -> Dispatcher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def submit_due(
        self,
        settings: DeliverySettings,
        *,
        now: datetime | None = None,
        limit: int | None = None,
        only: Sequence[int] | None = None,
    ) -> int:
        """Settle stale claims, then hand due deliveries to threads; returns how many were handed over.

        `limit` None: only as many as there are free threads, so what is due next (a fresh alert) is
        chosen on the next tick rather than waiting in line behind a hanging send.
        """
        recovered = recover_stale(self.engine, now, stale_after(settings))
        with self._lock:
            self._done.recovered += recovered
            busy = list(self._in_flight)
        room = self.workers - len(busy) if limit is None else limit
        if room <= 0:
            return 0
        rows = due(self.engine, now, room, only, skip=busy)
        with self._lock:
            for row in rows:
                future = self._pool.submit(self._send, row, settings, now)
                self._in_flight[int(row["id"])] = future
                future.add_done_callback(self._forget)
        return len(rows)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            for key in [key for key, known in self._in_flight.items() if known is future]:
                del self._in_flight[key]

    def collect(self) -> DispatchSummary:
        """What finished (and what was recovered) since the last call."""
        with self._lock:
            done, self._done = self._done, DispatchSummary()
        return done

    def wait(self) -> None:
        """Block until every delivery handed over so far is sent, retried or failed."""
        with self._lock:
            pending = list(self._in_flight.values())
        for future in pending:
            future.result()

    def close(self, wait: bool = True) -> None:
        """Stop taking work; deliveries not started yet stay queued (they were never claimed)."""
        self._pool.shutdown(wait=wait, cancel_futures=True)

    def _send(self, row: dict[str, Any], settings: DeliverySettings, now: datetime | None) -> None:
        try:
            claimed = claim(self.engine, row, now)  # just before sending: a claim is never older than a send
            if claimed is None:
                return  # another dispatcher took it
            recipient = _recipient_for(self.engine, claimed)
            receipt: str | None = None
            error: DeliveryError | None = None
            try:
                problem = address_problem(recipient.channel, recipient.address)  # checked again at send
                if problem:
                    raise DeliveryError(problem, permanent=True)
                with self.engine.connect() as conn:
                    message = load_message(conn, claimed["item_id"], delivery_id=claimed["id"])
                receipt = self._sender(claimed["channel"])(message, recipient, settings)
            except DeliveryError as exc:
                error = exc
            except Exception as exc:  # a bug in a channel must not stop the others; it is retried and logged
                log.exception("delivery %s to %s crashed", claimed["id"], claimed["recipient"])
                error = DeliveryError(f"unexpected error: {type(exc).__name__}: {exc}")
            self._record(claimed, receipt, None if receipt is not None else error, settings, now)
        except Exception:  # the database went away mid-send: the claim is settled later by recover_stale
            log.exception("delivery %s could not be recorded", row["id"])

    def _record(
        self,
        row: dict[str, Any],
        receipt: str | None,
        error: DeliveryError | None,
        settings: DeliverySettings,
        now: datetime | None,
    ) -> None:
        stamp = _naive(now)
        values: dict[str, Any]
        outcome: str
        reason = ""
        if error is None:
            values = {
                "status": "sent",
                "sent_at": stamp,
                "receipt": receipt,
                "last_error": None,
                "next_attempt_at": None,
            }
            outcome = "sent"
        else:
            address = shown_address(row["channel"], row["address"])
            reason = f"{row['recipient']} ({row['channel']} {address}): {error.reason}"
            attempts = int(row["attempts"])
            if error.permanent or attempts >= settings.max_attempts:
                if not error.permanent:
                    reason += f" — gave up after {attempts} attempts"
                values = {"status": "failed", "last_error": reason, "next_attempt_at": None}
                outcome = "failed"
            else:
                with self._lock:  # random.Random is not meant to be shared by threads
                    delay = max(backoff_delay(attempts, settings, self._rng), error.retry_after or 0.0)
                values = {
                    "status": "queued",
                    "last_error": reason,
                    "next_attempt_at": stamp + timedelta(seconds=delay),
                }
                outcome = "retrying"
            log.warning("delivery %s: %s", row["id"], reason)
        with transaction(self.engine) as conn:
            conn.execute(
                update(deliveries)
                .where(
                    deliveries.c.id == row["id"],
                    deliveries.c.status == "sending",
                    deliveries.c.claimed_at == row["claimed_at"],
                )
                .values(**values)
            )
        with self._lock:
            setattr(self._done, outcome, getattr(self._done, outcome) + 1)
            if reason:
                self._done.errors.append(reason)


def dispatch_due(
    engine: Engine,
    settings: DeliverySettings,
    *,
    now: datetime | None = None,
    rng: random.Random | None = None,
    limit: int = BATCH,
    only: Sequence[int] | None = None,
    sender: Callable[[str], Any] = channel,
    workers: int = POOL_SIZE,
) -> DispatchSummary:
    """Send every due delivery once, `workers` at a time, and wait for all; pass `now` in tests.

    Failures are retried later or marked failed. `only` restricts it to these delivery ids (a test
    message); `sender` maps a channel name to its send function (the registry by default).
    """
    with Dispatcher(engine, workers=workers, rng=rng, sender=sender) as dispatcher:
        dispatcher.submit_due(settings, now=now, limit=limit, only=only)
        dispatcher.wait()
        return dispatcher.collect()
