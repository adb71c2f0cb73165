"""Analysts' corrections: stored with who and when, applied at once, kept across reprocessing,
and handed to the next `gaung models build` as training data."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, update

from gaung.errors import GaungError
from gaung.store.schema import corrections, mentions

CORRECTABLE = {"tone", "sentiment", "issue"}
LABELS = {"positive", "neutral", "negative"}


def add_correction(
    conn: Connection, mention_id: int, field: str, value: Any, user: str, note: str | None = None
) -> int:
    """Record and apply one correction; returns its id. The last correction of a field wins."""
    if field not in CORRECTABLE:
        raise GaungError(f"cannot correct {field!r}; correctable fields: {', '.join(sorted(CORRECTABLE))}")
    if field in ("tone", "sentiment") and value not in LABELS:
        raise GaungError(f"{field} must be one of {', '.join(sorted(LABELS))}, not {value!r}")
    row = conn.execute(select(mentions).where(mentions.c.id == mention_id)).mappings().first()
    if row is None:
        raise GaungError(f"no mention with id {mention_id}")
    column = "issue_id" if field == "issue" else field
    old = row[column]
    result = conn.execute(
        corrections.insert().values(
            mention_id=mention_id,
            field=field,
            old_value=old,
            new_value=value,
            user=user,
            created_at=datetime.now(UTC).replace(tzinfo=None),
            note=note,
        )
    )
    values: dict[str, Any] = {column: value}
    if field == "tone":
        values["tone_reason"] = ["koreksi analis / analyst correction"]
    conn.execute(update(mentions).where(mentions.c.id == mention_id).values(**values))
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def list_corrections(conn: Connection, mention_id: int | None = None) -> list[dict[str, Any]]:
    query = select(corrections).order_by(corrections.c.id)
    if mention_id is not None:
        query = query.where(corrections.c.mention_id == mention_id)
    return [dict(r) for r in conn.execute(query).mappings()]


def training_corrections(engine: Engine) -> list[Any]:
    """Tone and sentiment corrections as training records (the latest per mention and field)."""
    from gaung.analyze.training import Correction

    latest: dict[tuple[int, str], Any] = {}
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                corrections.c.mention_id,
                corrections.c.field,
                corrections.c.new_value,
                corrections.c.user,
                corrections.c.created_at,
                mentions.c.title,
                mentions.c.text,
            )
            .join(mentions, mentions.c.id == corrections.c.mention_id)
            .where(corrections.c.field.in_(("tone", "sentiment")))
            .order_by(corrections.c.id)
        )
        for r in rows:
            latest[(r.mention_id, r.field)] = Correction(
                text=r.text,
                label=r.new_value,
                who=r.user,
                when=r.created_at.replace(tzinfo=UTC),
                title=r.title or "",
                field=r.field,
            )
    return list(latest.values())
