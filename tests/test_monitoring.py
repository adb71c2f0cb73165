"""Alerts and the kebaikan feed over a stored archive (real scraped rows plus a synthetic burst)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from gaung.config import WatchEntry, settings_from_dict
from gaung.store import monitoring
from gaung.store.corrections import add_correction, training_corrections
from gaung.store.db import transaction
from gaung.workspace import Workspace

ARCHIVE = Path(__file__).parent / "fixtures" / "archive" / "scraped_2025_sample.csv"


def burst_rows(start: datetime) -> list[dict[str, str]]:
    """A quiet baseline (one story every 3 hours) then eight negative stories about flooding in one hour."""
    rows = []
    for i in range(16):
        moment = start + timedelta(hours=3 * i)
        rows.append(
            {
                "url": f"https://lokal.example/b/{i}",
                "title": f"Kegiatan warga ke-{i} di kelurahan {i}",
                "text": f"Warga kelurahan {i} mengadakan kerja bakti dan lomba kebersihan nomor {i}. " * 3,
                "date": moment.isoformat(),
            }
        )
    burst = start + timedelta(hours=48)
    for i in range(8):
        rows.append(
            {
                "url": f"https://lokal.example/n/{i}",
                "title": f"Banjir rendam {i} RT, warga kecam Pemkot",
                "text": (
                    f"Banjir kembali merendam {i} RT. Warga mengecam Pemkot yang dinilai lamban, "
                    f"gagal membersihkan saluran dan tidak peduli. Kerugian ditaksir {i} miliar. "
                )
                * 3,
                "date": (burst + timedelta(minutes=5 * i)).isoformat(),
            }
        )
    return rows


def test_negative_burst_fires_once_with_reasons(sqlite_ws: Workspace, tmp_path: Path) -> None:
    start = datetime(2025, 6, 1, tzinfo=UTC)
    path = tmp_path / "burst.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in burst_rows(start)), encoding="utf-8")
    sqlite_ws.import_path(path)
    rules = settings_from_dict(
        {"alerts": [{"name": "volume", "kind": "volume", "window": "1h", "baseline": "1d", "min_count": 5}]}
    ).alert_rules()
    quiet = monitoring.check_alerts(sqlite_ws.engine, rules, start + timedelta(hours=30))
    assert quiet == []
    fired = monitoring.check_alerts(sqlite_ws.engine, rules, start + timedelta(hours=49))
    assert len(fired) == 1
    assert "volume" in fired[0]["rule"] and fired[0]["p_value"] < 0.001 and fired[0]["reason_id"]
    again = monitoring.check_alerts(sqlite_ws.engine, rules, start + timedelta(hours=49, minutes=10))
    assert again == []  # the same spike does not alert twice
    with transaction(sqlite_ws.engine) as conn:
        monitoring.acknowledge_alert(conn, fired[0]["id"], "analis")
    with sqlite_ws.engine.connect() as conn:
        assert monitoring.list_alerts(conn, "open") == []
        assert monitoring.list_alerts(conn, "acknowledged")[0]["acknowledged_by"] == "analis"


def test_good_stories_need_positive_tone_and_a_watched_name(tmp_path: Path) -> None:
    settings = settings_from_dict(
        {
            "watchlist": [
                {
                    "id": "pemkot",
                    "name": "Pemerintah Kota Bengkulu",
                    "type": "ORGANIZATION",
                    "aliases": ["Pemkot Bengkulu"],
                }
            ]
        }
    )
    settings.home = tmp_path / "home"
    settings.database_url = f"sqlite:///{tmp_path / 'g.db'}"
    ws = Workspace(settings)
    moment = datetime(2025, 6, 18, 9, tzinfo=UTC).isoformat()
    rows = [
        {
            "url": "https://k.example/1",
            "title": "Pemkot Bengkulu raih penghargaan pelayanan publik terbaik",
            "text": "Pemkot Bengkulu meraih penghargaan pelayanan publik terbaik tingkat nasional. Warga bangga dan "
            "mengapresiasi inovasi layanan yang cepat, mudah dan gratis.",
            "date": moment,
        },
        {
            "url": "https://k.example/2",
            "title": "Warga apresiasi taman baru",
            "text": "Warga mengapresiasi taman baru yang indah dan bersih di kota lain.",
            "date": moment,
        },
    ]
    path = tmp_path / "good.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    ws.import_path(path)
    with ws.engine.connect() as conn:
        stories = monitoring.good_stories(conn, datetime(2025, 6, 18, 12, tzinfo=UTC))
    assert [s.story.url for s in stories] == ["https://k.example/1"]
    assert stories[0].factors["watchlist"] > 1
    assert WatchEntry  # the watchlist type is part of the public config API


def test_corrections_win_and_feed_training(sqlite_ws: Workspace) -> None:
    sqlite_ws.import_path(ARCHIVE)
    with transaction(sqlite_ws.engine) as conn:
        add_correction(conn, 1, "tone", "negative", "analis-1")
        add_correction(conn, 1, "tone", "positive", "analis-2")  # last one wins
    from gaung.ingest.reprocess import reprocess_all

    reprocess_all(sqlite_ws)  # re-running the models keeps the analyst's label
    with sqlite_ws.engine.connect() as conn:
        from sqlalchemy import select

        from gaung.store.schema import mentions

        tone, reason = conn.execute(
            select(mentions.c.tone, mentions.c.tone_reason).where(mentions.c.id == 1)
        ).one()
    assert tone == "positive" and "analyst correction" in reason[0]
    records = training_corrections(sqlite_ws.engine)
    assert len(records) == 1 and records[0].label == "positive" and records[0].who == "analis-2"


def test_entity_corrections_survive_reprocessing(sqlite_ws: Workspace) -> None:
    """An analyst removes one entity and retypes another; re-running the models keeps both fixes."""
    from types import SimpleNamespace

    from sqlalchemy import select

    from gaung.ingest.reprocess import reprocess_all
    from gaung.store.schema import mention_entities
    from gaung.web.api.common import apply_correction

    sqlite_ws.import_path(ARCHIVE)
    with sqlite_ws.engine.connect() as conn:
        rows = conn.execute(
            select(
                mention_entities.c.id,
                mention_entities.c.mention_id,
                mention_entities.c.text,
                mention_entities.c.start,
                mention_entities.c.type,
            ).order_by(mention_entities.c.mention_id, mention_entities.c.start)
        ).all()
    mention_id = next(r.mention_id for r in rows if sum(1 for x in rows if x.mention_id == r.mention_id) >= 2)
    first, second = [r for r in rows if r.mention_id == mention_id][:2]
    new_type = "PLACE" if second.type != "PLACE" else "ORGANIZATION"
    analyst = SimpleNamespace(id=1, name="analis-uji", role="analyst")
    with transaction(sqlite_ws.engine) as conn:
        apply_correction(conn, analyst, mention_id, "entity_remove", "", first.id)
        apply_correction(conn, analyst, mention_id, "entity_type", new_type, second.id)
    reprocess_all(sqlite_ws)
    with sqlite_ws.engine.connect() as conn:
        spans = {
            (r.start, r.text): r.type
            for r in conn.execute(
                select(mention_entities.c.start, mention_entities.c.text, mention_entities.c.type).where(
                    mention_entities.c.mention_id == mention_id
                )
            )
        }
    assert (first.start, first.text) not in spans
    assert spans[(second.start, second.text)] == new_type
