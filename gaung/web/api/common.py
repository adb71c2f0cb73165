"""What the pages and the JSON API share: the workspace, article details, and applying corrections.

Kept here (not in one route module) so a page and its API twin cannot drift apart: both call
`mention_detail` to read an article and `apply_correction` to change one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import HTTPException, Request
from pydantic import AfterValidator, BeforeValidator
from sqlalchemy import Connection

from gaung.errors import GaungError
from gaung.store import corrections as correction_store
from gaung.store.mentions import get_mention, syndicated_copies
from gaung.store.schema import corrections, issues, mention_entities, mention_quotes
from gaung.web import auth
from gaung.workspace import Workspace

ENTITY_TYPES = ("PERSON", "ORGANIZATION", "PLACE", "PROGRAM", "EVENT", "MISC")
CorrectionField = Literal["tone", "issue", "entity_remove", "entity_type", "entity_link"]


def _as_utc(value: datetime) -> datetime:
    """The store keeps naive UTC; the API always says so (RFC 3339 date-time needs an offset)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcDateTime = Annotated[datetime, AfterValidator(_as_utc)]


def _iso_day(value: Any) -> Any:
    """Only `YYYY-MM-DD` names a day: pydantic's lax mode would read "2.1e-21" as a Unix timestamp."""
    if isinstance(value, str) and not (len(value) == 10 and value[4] == "-" and value[7] == "-"):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_day)]


def workspace(request: Request) -> Workspace:
    """The workspace the app was created over."""
    ws: Workspace = request.app.state.ws
    return ws


def mention_detail(conn: Connection, mention_id: int) -> dict[str, Any] | None:
    """A mention with its entities, quotes, syndicated copies, issue and corrections; None if unknown."""
    row = get_mention(conn, mention_id)
    if row is None:
        return None
    row.pop("minhash", None)
    row["entities"] = [
        dict(r)
        for r in conn.execute(
            sa.select(mention_entities)
            .where(mention_entities.c.mention_id == mention_id)
            .order_by(mention_entities.c.start, mention_entities.c.id)
        ).mappings()
    ]
    row["quotes"] = [
        dict(r)
        for r in conn.execute(
            sa.select(mention_quotes)
            .where(mention_quotes.c.mention_id == mention_id)
            .order_by(mention_quotes.c.start, mention_quotes.c.id)
        ).mappings()
    ]
    group = row.get("syndication_group_id")
    copies = syndicated_copies(conn, group) if group is not None else []
    row["copies"] = [c for c in copies if c["id"] != mention_id]
    row["issue"] = None
    if row.get("issue_id") is not None:
        issue = conn.execute(
            sa.select(issues.c.id, issues.c.label).where(issues.c.id == row["issue_id"])
        ).first()
        row["issue"] = {"id": issue.id, "label": issue.label} if issue else None
    row["corrections"] = correction_store.list_corrections(conn, mention_id)
    return row


def require_mention(conn: Connection, mention_id: int) -> dict[str, Any]:
    detail = mention_detail(conn, mention_id)
    if detail is None:
        raise HTTPException(404, f"no mention with id {mention_id}")
    return detail


def apply_correction(
    conn: Connection,
    user: Any,
    mention_id: int,
    field: str,
    value: str,
    entity_id: int | None = None,
) -> int:
    """Apply one analyst correction and audit it; returns the correction id.

    tone and issue go through `gaung.store.corrections` (kept across reprocessing, fed to training);
    entity fixes (remove / set type / link to a watchlist id) are stored in the same table with
    field "entity" and applied to `mention_entities`. Concurrent corrections: the last one wins, and
    every one is in the corrections table and the audit log.
    """
    if field == "tone":
        correction_id = correction_store.add_correction(conn, mention_id, "tone", value, user.name)
    elif field == "issue":
        if not value.isdigit():
            raise GaungError("choose the issue by its number")
        target = conn.execute(
            sa.select(issues.c.id, issues.c.merged_into).where(issues.c.id == int(value))
        ).first()
        if target is None:
            raise GaungError(f"no issue with id {value}")
        issue_id = int(target.merged_into or target.id)
        correction_id = correction_store.add_correction(conn, mention_id, "issue", issue_id, user.name)
    elif field in ("entity_remove", "entity_type", "entity_link"):
        correction_id = _correct_entity(conn, user, mention_id, field, value, entity_id)
    else:
        raise GaungError(f"cannot correct {field!r}")
    auth.audit(
        conn, user, f"correct.{field}", f"mention:{mention_id}", {"value": value, "entity_id": entity_id}
    )
    return correction_id


def _correct_entity(
    conn: Connection, user: Any, mention_id: int, field: str, value: str, entity_id: int | None
) -> int:
    if entity_id is None:
        raise GaungError("which entity? (entity_id is missing)")
    entity = (
        conn.execute(
            sa.select(mention_entities).where(
                mention_entities.c.id == entity_id, mention_entities.c.mention_id == mention_id
            )
        )
        .mappings()
        .first()
    )
    if entity is None:
        raise GaungError(f"mention {mention_id} has no entity {entity_id}")
    old = {k: entity[k] for k in ("text", "type", "start", "end", "watch_id")}
    where = mention_entities.c.id == entity_id
    if field == "entity_remove":
        conn.execute(sa.delete(mention_entities).where(where))
    elif field == "entity_type":
        if value not in ENTITY_TYPES:
            raise GaungError(f"entity type must be one of {', '.join(ENTITY_TYPES)}")
        conn.execute(sa.update(mention_entities).where(where).values(type=value))
    else:
        watch_id = value.strip() or None
        if watch_id is not None and len(watch_id) > 100:
            raise GaungError("a watchlist id has at most 100 characters")
        conn.execute(sa.update(mention_entities).where(where).values(watch_id=watch_id))
    action = field.removeprefix("entity_")
    result = conn.execute(
        corrections.insert().values(
            mention_id=mention_id,
            field="entity",
            old_value=old,
            new_value={"action": action, "entity_id": entity_id, "value": value},
            user=user.name,
            created_at=datetime.now(UTC).replace(tzinfo=None),
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]
