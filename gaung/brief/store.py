"""Stored briefs: one row per office-calendar day and language (`briefs`); regenerating replaces it.

Functions take a SQLAlchemy `Connection` and run inside the caller's transaction. Lists never read the
HTML or PDF columns (a brief is tens to hundreds of kilobytes); `get_brief` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from gaung.store.schema import briefs

TRIGGERS = ("manual", "scheduled")


@dataclass
class StoredBrief:
    """A brief as kept in the database; `html`/`pdf` are None in lists (see `get_brief`)."""

    id: int
    day: date
    lang: str
    generated_at: datetime  # naive UTC
    trigger: str
    generated_by: str | None
    counts: dict[str, int]
    queued_at: datetime | None
    has_pdf: bool
    html: str | None = field(default=None, repr=False)
    pdf: bytes | None = field(default=None, repr=False)


_SUMMARY_COLUMNS = (
    briefs.c.id,
    briefs.c.day,
    briefs.c.lang,
    briefs.c.generated_at,
    briefs.c.trigger,
    briefs.c.generated_by,
    briefs.c.counts,
    briefs.c.queued_at,
    briefs.c.pdf.is_not(None).label("has_pdf"),
)


def _stored(row: Any, *, content: bool = False) -> StoredBrief:
    return StoredBrief(
        id=int(row.id),
        day=row.day,
        lang=row.lang,
        generated_at=row.generated_at,
        trigger=row.trigger,
        generated_by=row.generated_by,
        counts={str(k): int(v) for k, v in (row.counts or {}).items()},
        queued_at=row.queued_at,
        has_pdf=bool(row.has_pdf),
        html=row.html if content else None,
        pdf=bytes(row.pdf) if content and row.pdf is not None else None,
    )


def save_brief(
    conn: Connection,
    *,
    day: date,
    lang: str,
    html: str,
    pdf: bytes | None,
    counts: dict[str, int],
    trigger: str,
    generated_at: datetime,
    generated_by: str | None = None,
) -> int:
    """Keep the brief of `day` in `lang`, replacing an earlier one (not its `queued_at`); return its id."""
    if trigger not in TRIGGERS:
        raise ValueError(f"trigger must be one of {TRIGGERS}, not {trigger!r}")
    values = {
        "html": html,
        "pdf": pdf,
        "counts": counts,
        "trigger": trigger,
        "generated_at": generated_at,
        "generated_by": generated_by,
    }
    where = (briefs.c.day == day, briefs.c.lang == lang)
    existing = conn.execute(sa.select(briefs.c.id).where(*where)).scalar()
    if existing is None:
        try:
            with conn.begin_nested():  # a concurrent generation of the same day: fall through to update
                result = conn.execute(briefs.insert().values(day=day, lang=lang, **values))
                return int(result.inserted_primary_key[0])  # type: ignore[index]
        except IntegrityError:
            existing = conn.execute(sa.select(briefs.c.id).where(*where)).scalar_one()
    conn.execute(sa.update(briefs).where(briefs.c.id == existing).values(**values))
    return int(existing)


def mark_queued(conn: Connection, brief_id: int, at: datetime) -> None:
    """Record that the brief was handed to delivery (the scheduler's once-a-day marker)."""
    conn.execute(sa.update(briefs).where(briefs.c.id == brief_id).values(queued_at=at))


def get_brief(conn: Connection, day: date, lang: str = "id") -> StoredBrief | None:
    """The stored brief of `day` in `lang`, with its HTML and PDF; None if there is none."""
    row = conn.execute(
        sa.select(*_SUMMARY_COLUMNS, briefs.c.html, briefs.c.pdf).where(
            briefs.c.day == day, briefs.c.lang == lang
        )
    ).first()
    return _stored(row, content=True) if row is not None else None


def brief_info(conn: Connection, day: date, lang: str = "id") -> StoredBrief | None:
    """Like `get_brief` without reading the HTML and PDF."""
    row = conn.execute(sa.select(*_SUMMARY_COLUMNS).where(briefs.c.day == day, briefs.c.lang == lang)).first()
    return _stored(row) if row is not None else None


def list_briefs(conn: Connection, *, limit: int = 100, offset: int = 0) -> tuple[list[StoredBrief], int]:
    """Stored briefs, newest day first (then Indonesian before English), and how many there are."""
    total = int(conn.execute(sa.select(sa.func.count()).select_from(briefs)).scalar_one())
    rows = conn.execute(
        sa.select(*_SUMMARY_COLUMNS)
        .order_by(briefs.c.day.desc(), sa.case((briefs.c.lang == "id", 0), else_=1), briefs.c.lang)
        .limit(limit)
        .offset(offset)
    ).all()
    return [_stored(row) for row in rows], total
