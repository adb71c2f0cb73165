"""The outbox: messages waiting to be sent, and the log of what was sent, failed or is being retried.

`enqueue()` is the one call a producer (the alert check, the daily brief) makes. It stores the message
once as a `delivery_items` row keyed by (kind, ref) and queues one `deliveries` row per recipient
subscribed to that kind, keyed by (item, recipient). Both keys are unique in the database, so enqueuing
the same alert or brief again — after a monitor restart, a re-run of `gaung brief` — queues nothing new,
while a recipient added since then does get it. Sending is `gaung.deliver.dispatch`'s job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.exc import IntegrityError

from gaung.deliver.settings import KINDS, Recipient, address_problem, shown_address
from gaung.errors import GaungError
from gaung.store.schema import deliveries, delivery_items, delivery_recipients

ITEM_KINDS = (*KINDS, "test")  # "test": `gaung deliver test`, sent to one recipient whatever it subscribes to
STATUSES = ("queued", "sending", "sent", "failed")
MAX_SUBJECT_CHARS = 300
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # most mail servers refuse more; Telegram's bot limit is 50 MB


def _db_time(value: datetime | None) -> datetime:
    value = value or datetime.now(UTC)
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


@dataclass(frozen=True)
class Message:
    """What a channel sends: one stored item, as the dispatcher hands it over."""

    kind: str
    ref: str
    subject: str
    text: str
    html: str | None = None
    attachment: tuple[str, bytes, str] | None = None  # (file name, content, MIME type)
    delivery_id: int | None = None


def sync_recipients(conn: Connection, recipients: Sequence[Recipient], now: datetime | None = None) -> None:
    """Make `delivery_recipients` match the configured list (gaung.toml stays the source of truth).

    Recipients no longer configured are kept inactive, so older log rows can still be explained.
    """
    stamp = _db_time(now)
    existing = {row.name: row for row in conn.execute(select(delivery_recipients))}
    configured: set[str] = set()
    for recipient in recipients:
        configured.add(recipient.name)
        values = {
            "channel": recipient.channel,
            "address": recipient.address,
            "kinds": list(recipient.kinds),
            "options": recipient.options(),
            "problem": recipient.problem,
            "active": recipient.enabled,
            "updated_at": stamp,
        }
        row = existing.get(recipient.name)
        if row is None:
            conn.execute(delivery_recipients.insert().values(name=recipient.name, **values))
        elif any(getattr(row, key) != value for key, value in values.items() if key != "updated_at"):
            conn.execute(
                update(delivery_recipients).where(delivery_recipients.c.id == row.id).values(**values)
            )
    gone = [name for name, row in existing.items() if name not in configured and row.active]
    if gone:
        conn.execute(
            update(delivery_recipients)
            .where(delivery_recipients.c.name.in_(gone))
            .values(active=False, updated_at=stamp)
        )


def active_recipients(conn: Connection, kind: str | None = None) -> list[Recipient]:
    """The recipients in the current configuration (as last synced), optionally only those taking `kind`."""
    found = []
    for row in conn.execute(
        select(delivery_recipients)
        .where(delivery_recipients.c.active.is_(True))
        .order_by(delivery_recipients.c.name)
    ):
        recipient = Recipient(
            name=row.name,
            channel=row.channel,
            address=row.address,
            kinds=list(row.kinds or []),
            secret_env=str((row.options or {}).get("secret_env", "")),
            enabled=True,
            problem=row.problem,
        )
        if kind is None or kind in recipient.kinds:
            found.append(recipient)
    return found


def enqueue(
    conn: Connection,
    *,
    kind: str,
    ref: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachment: tuple[str, bytes, str] | None = None,
    recipients: Sequence[Recipient] | None = None,
    now: datetime | None = None,
) -> int:
    """Queue one delivery of a message per recipient subscribed to `kind`; returns how many were queued.

    `kind` is "alert" or "brief" ("test" skips the subscription check); `ref` identifies the message
    within its kind (the alert id, the brief's date). Idempotent on (recipient, kind, ref): a second call
    with the same kind and ref queues only recipients that did not have it yet, and keeps the first
    call's content. `recipients` defaults to the configured ones (see `sync_recipients`). A recipient
    whose address is invalid gets a delivery that is failed at once with an error naming it (and is not
    counted); the others are queued as usual.
    """
    if kind not in ITEM_KINDS:
        raise GaungError(f"cannot enqueue a message of kind {kind!r}; use one of {', '.join(ITEM_KINDS)}")
    ref = str(ref).strip()
    if not ref or len(ref) > 200:
        raise GaungError(f"enqueue {kind}: ref must be 1–200 characters, got {ref!r}")
    subject = " ".join(subject.split())[:MAX_SUBJECT_CHARS]
    if not subject:
        raise GaungError(f"enqueue {kind} {ref}: the subject is empty")
    if attachment is not None:
        name, content, mime = attachment
        if not name or "/" not in mime:
            raise GaungError(
                f"enqueue {kind} {ref}: attachment needs a file name and a MIME type like application/pdf"
            )
        if len(content) > MAX_ATTACHMENT_BYTES:
            raise GaungError(
                f"enqueue {kind} {ref}: attachment {name} is {len(content) // 1024} KiB; "
                f"the limit is {MAX_ATTACHMENT_BYTES // 1024 // 1024} MiB"
            )
    stamp = _db_time(now)
    item_id = _item_id(conn, kind, ref)
    if item_id is None:
        try:
            with conn.begin_nested():
                item_id = int(
                    conn.execute(
                        delivery_items.insert().values(
                            kind=kind,
                            ref=ref,
                            subject=subject,
                            body_text=text,
                            body_html=html,
                            attachment_name=attachment[0] if attachment else None,
                            attachment=attachment[1] if attachment else None,
                            attachment_mime=attachment[2] if attachment else None,
                            created_at=stamp,
                        )
                    ).inserted_primary_key[0]  # type: ignore[index]
                )
        except IntegrityError:  # another process stored the same message a moment ago
            item_id = _item_id(conn, kind, ref)
            assert item_id is not None
    if recipients is None:
        recipients = active_recipients(conn, None if kind == "test" else kind)
    elif kind != "test":
        recipients = [r for r in recipients if kind in r.kinds and r.enabled]
    already = set(
        conn.execute(select(deliveries.c.recipient).where(deliveries.c.item_id == item_id)).scalars()
    )
    queued = 0
    for recipient in recipients:
        if recipient.name in already:
            continue
        problem = recipient.problem or _named_problem(recipient)
        try:
            with conn.begin_nested():
                conn.execute(
                    deliveries.insert().values(
                        item_id=item_id,
                        recipient=recipient.name,
                        channel=recipient.channel,
                        address=recipient.address,
                        status="failed" if problem else "queued",
                        attempts=0,
                        created_at=stamp,
                        next_attempt_at=None if problem else stamp,
                        last_error=problem,
                    )
                )
        except IntegrityError:
            continue  # queued concurrently for this recipient
        queued += 0 if problem else 1
    return queued


def _named_problem(recipient: Recipient) -> str | None:
    problem = address_problem(recipient.channel, recipient.address)
    return f"recipient {recipient.name!r}: {problem}" if problem else None


def _item_id(conn: Connection, kind: str, ref: str) -> int | None:
    found = conn.execute(
        select(delivery_items.c.id).where(delivery_items.c.kind == kind, delivery_items.c.ref == ref)
    ).scalar_one_or_none()
    return int(found) if found is not None else None


def load_message(conn: Connection, item_id: int, delivery_id: int | None = None) -> Message:
    """The stored message of one item, as channels send it."""
    row = conn.execute(select(delivery_items).where(delivery_items.c.id == item_id)).one_or_none()
    if row is None:
        raise GaungError(f"no delivery item with id {item_id}")
    attachment = None
    if row.attachment is not None and row.attachment_name:
        attachment = (
            row.attachment_name,
            bytes(row.attachment),
            row.attachment_mime or "application/octet-stream",
        )
    return Message(
        kind=row.kind,
        ref=row.ref,
        subject=row.subject,
        text=row.body_text,
        html=row.body_html,
        attachment=attachment,
        delivery_id=delivery_id,
    )


def list_deliveries(
    conn: Connection,
    *,
    status: str | None = None,
    kind: str | None = None,
    recipient: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """The delivery log, newest first, with each message's kind, ref and subject."""
    if status is not None and status not in STATUSES:
        raise GaungError(f"unknown delivery status {status!r}; use one of {', '.join(STATUSES)}")
    query = (
        select(
            deliveries,
            delivery_items.c.kind,
            delivery_items.c.ref,
            delivery_items.c.subject,
            delivery_items.c.attachment_name,
        )
        .join(delivery_items, delivery_items.c.id == deliveries.c.item_id)
        .order_by(deliveries.c.created_at.desc(), deliveries.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    if status:
        query = query.where(deliveries.c.status == status)
    if kind:
        query = query.where(delivery_items.c.kind == kind)
    if recipient:
        query = query.where(deliveries.c.recipient == recipient)
    return [dict(row) for row in conn.execute(query).mappings()]


def for_display(row: dict[str, Any]) -> dict[str, Any]:
    """A log row as the page, the API and the CLI show it: a webhook URL only as scheme://host/….

    Also scrubs the full URL from `last_error` and `receipt`, for rows written before errors were redacted.
    """
    shown = shown_address(row["channel"], row["address"])
    if shown == row["address"]:
        return row
    scrub = {
        key: row[key].replace(row["address"], shown) if isinstance(row.get(key), str) else row.get(key)
        for key in ("last_error", "receipt")
    }
    return {**row, **scrub, "address": shown}


def status_counts(conn: Connection) -> dict[str, int]:
    """How many deliveries are in each status (every status present, zero when none)."""
    counts = dict.fromkeys(STATUSES, 0)
    for status, count in conn.execute(
        select(deliveries.c.status, func.count()).group_by(deliveries.c.status)
    ):
        counts[str(status)] = int(count)
    return counts


def retry(conn: Connection, delivery_id: int, now: datetime | None = None) -> None:
    """Queue a failed delivery again (after fixing an address or the mail server), attempts from zero.

    The recipient's current address is used when it is still configured.
    """
    row = conn.execute(select(deliveries).where(deliveries.c.id == delivery_id)).one_or_none()
    if row is None:
        raise GaungError(f"no delivery with id {delivery_id}")
    if row.status != "failed":
        raise GaungError(f"delivery {delivery_id} is {row.status}; only failed deliveries can be retried")
    current = conn.execute(
        select(delivery_recipients).where(
            delivery_recipients.c.name == row.recipient, delivery_recipients.c.active.is_(True)
        )
    ).one_or_none()
    channel, address = (
        (current.channel, current.address) if current is not None else (row.channel, row.address)
    )
    problem = address_problem(channel, address)
    if problem:
        raise GaungError(f"recipient {row.recipient!r}: {problem}; fix it in the settings first")
    conn.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery_id, deliveries.c.status == "failed")
        .values(
            status="queued",
            attempts=0,
            channel=channel,
            address=address,
            next_attempt_at=_db_time(now),
            claimed_at=None,
            last_error=None,
        )
    )
