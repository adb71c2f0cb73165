"""`gaung reprocess` re-derives stored fields from the kept raw input, and never loses data."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from gaung.ingest.reprocess import reprocess_all
from gaung.store.db import transaction
from gaung.store.schema import mentions, raw_blobs
from gaung.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"


def test_reprocess_restores_fields_from_raw_pages_and_rows(ws: Workspace) -> None:
    html = ws.import_path(FIXTURES / "id_news_html" / "anpandu" / "kapanlagi", site="kapanlagi")
    rows = ws.import_path(FIXTURES / "archive" / "scraped_2025_sample.csv")
    assert html.new >= 3 and rows.new + rows.syndicated == 40
    with ws.engine.connect() as conn:
        before = dict(conn.execute(select(mentions.c.id, mentions.c.text)).all())
    with transaction(ws.engine) as conn:
        conn.execute(update(mentions).values(text="(rusak)", extractor_version="old"))
    summary = reprocess_all(ws)
    assert summary["failed"] == 0 and summary["updated"] == len(before)
    with ws.engine.connect() as conn:
        after = dict(conn.execute(select(mentions.c.id, mentions.c.text)).all())
        versions = {v for (v,) in conn.execute(select(mentions.c.extractor_version))}
    assert after == before
    assert "old" not in versions
    assert ws.search('"Kompas"').total >= 0  # the full-text index followed the updates without error


def test_reprocess_keeps_a_mention_whose_raw_input_is_gone(ws: Workspace) -> None:
    ws.import_path(FIXTURES / "archive" / "scraped_2025_sample.csv")
    with transaction(ws.engine) as conn:
        first_id, sha, text = conn.execute(
            select(mentions.c.id, mentions.c.raw_sha256, mentions.c.text).order_by(mentions.c.id).limit(1)
        ).one()
        conn.execute(raw_blobs.delete().where(raw_blobs.c.sha256 == sha))
    summary = reprocess_all(ws)
    assert summary["failed"] == 1 and f"mention {first_id}" in summary["problems"][0]
    with ws.engine.connect() as conn:
        assert conn.execute(select(mentions.c.text).where(mentions.c.id == first_id)).scalar_one() == text
