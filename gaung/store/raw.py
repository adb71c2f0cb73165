"""Raw responses, kept compressed and content-addressed so every derived field can be re-derived."""

from __future__ import annotations

import hashlib
import zlib
from datetime import UTC, datetime

from sqlalchemy import Connection, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from gaung.models import RawDocument
from gaung.store.schema import raw_blobs


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def to_db_time(value: datetime | None) -> datetime | None:
    """Aware datetimes become naive UTC for storage (both dialects store them alike)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def from_db_time(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def put_raw(conn: Connection, raw: RawDocument) -> str:
    """Store `raw` once (by sha256 of its bytes) and return that hash."""
    digest = sha256_of(raw.content)
    values = {
        "sha256": digest,
        "data": zlib.compress(raw.content, 3),  # level 3: most of level 6's ratio at half the cost
        "size": len(raw.content),
        "url": raw.url,
        "final_url": raw.final_url,
        "status": raw.status,
        "headers": dict(raw.headers),
        "encoding": raw.encoding,
        "fetched_at": to_db_time(raw.fetched_at),
    }
    # one statement whether new or already stored (same bytes, same hash, possibly by another worker)
    insert = sqlite_insert if conn.dialect.name == "sqlite" else postgresql_insert
    conn.execute(insert(raw_blobs).values(**values).on_conflict_do_nothing(index_elements=["sha256"]))
    return digest


def get_raw(conn: Connection, digest: str) -> RawDocument | None:
    row = conn.execute(select(raw_blobs).where(raw_blobs.c.sha256 == digest)).mappings().first()
    if row is None:
        return None
    return RawDocument(
        url=row["url"] or "",
        content=zlib.decompress(row["data"]),
        fetched_at=from_db_time(row["fetched_at"]) or datetime.now(UTC),
        status=row["status"] or 200,
        headers=row["headers"] or {},
        final_url=row["final_url"],
        encoding=row["encoding"],
    )
