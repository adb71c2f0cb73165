"""Archive imports on real scraped rows: cleanup, dates, idempotency, syndication, bad rows."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from sqlalchemy import func, select

from gaung.extract.cleanup import find_insert_lines
from gaung.ingest.files import read_archive
from gaung.models import ItemProblem
from gaung.store.schema import mentions, raw_blobs, syndication_groups
from gaung.workspace import Workspace

ARCHIVE = Path(__file__).parent / "fixtures" / "archive"


def count(ws: Workspace, table=mentions) -> int:
    with ws.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_import_real_rows_cleans_and_dates_them(ws: Workspace) -> None:
    summary = ws.import_path(ARCHIVE / "scraped_2025_sample.csv")
    assert summary.failed == 0, summary.problems
    assert summary.new + summary.syndicated == 40
    with ws.engine.connect() as conn:
        rows = conn.execute(select(mentions.c.text, mentions.c.published_at, mentions.c.site)).all()
    assert len(rows) == 40
    for text, _, _ in rows:
        assert find_insert_lines(text) == [], "leftover 'Baca juga'/ADVERTISEMENT lines"
    dated = [r for r in rows if r.published_at is not None]
    assert len(dated) >= 38  # the publishers' own date strings, parsed
    assert all(r.published_at.year == 2025 and r.published_at.month == 6 for r in dated)
    assert {r.site for r in rows} >= {"liputan6.com", "detik.com", "kompas.com"}


def test_reimport_and_recrawl_store_nothing_twice(ws: Workspace) -> None:
    first = ws.import_path(ARCHIVE / "scraped_2025_sample.csv")
    again = ws.import_path(ARCHIVE / "scraped_2025_sample.csv")
    assert again.duplicates == 40 and again.new == 0
    recrawl = ws.import_path(ARCHIVE / "scraped_2025_recrawl.csv")
    assert recrawl.duplicates == recrawl.fetched == 10  # same URLs crawled the next day
    assert count(ws) == first.new + first.syndicated == 40


def test_press_release_copies_are_one_story(ws: Workspace, tmp_path: Path) -> None:
    body = (
        "Pemerintah Provinsi DKI Jakarta meresmikan 12 taman kota baru yang dilengkapi fasilitas ramah anak "
        "dan jalur pejalan kaki. Gubernur menyebut taman tersebut dibangun dari dana APBD dan kolaborasi dengan "
        "swasta. Warga dapat memakai taman secara gratis setiap hari mulai pukul 06.00 hingga 22.00 WIB. "
        "Dinas Pertamanan menambahkan bahwa pemeliharaan melibatkan warga sekitar melalui program adopsi taman."
    )
    rows = [
        {
            "url": "https://a-news.example/read/1",
            "title": "Pemprov DKI Resmikan 12 Taman Kota",
            "source": "a-news",
            "text": f"JAKARTA, A-NEWS - {body}",
            "date": "2025-06-18T09:00:00+07:00",
        },
        {
            "url": "https://b-news.example/berita/99",
            "title": "12 Taman Kota Baru Diresmikan",
            "source": "b-news",
            "text": f"Jakarta (B-NEWS) - {body}",
            "date": "2025-06-18T11:00:00+07:00",
        },
        {
            "url": "https://c-news.example/x",
            "title": "Harga Cabai Naik",
            "source": "c-news",
            "text": "Harga cabai rawit di pasar induk naik dua kali lipat menjelang musim hujan, kata pedagang. "
            * 3,
            "date": "2025-06-18T12:00:00+07:00",
        },
    ]
    path = tmp_path / "press.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    summary = ws.import_path(path)
    assert (summary.new, summary.syndicated) == (2, 1)
    with ws.engine.connect() as conn:
        groups = conn.execute(select(syndication_groups)).mappings().all()
        canonical = conn.execute(select(func.count()).where(mentions.c.is_canonical.is_(True))).scalar_one()
    assert canonical == 2  # counted once in volumes
    big = max(groups, key=lambda g: g["size"])
    assert (big["size"], big["outlets"]) == (2, 2)


def test_bad_rows_are_reported_and_good_rows_kept(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        '{"url": "https://x.example/1", "title": "Satu", "text": "Teks berita pertama yang cukup panjang."}\n'
        '{"url": "https://x.example/2", "title": "Dua", "text": "kalimat terpotong\n'
        "[1, 2, 3]\n"
        '{"url": "javascript:alert(1)", "title": "Jahat", "text": "x"}\n'
        '{"title": "", "text": ""}\n'
        '{"url": "https://x.example/3", "title": "Tiga", "text": "Teks berita ketiga.", "date": "31/12/1899"}\n',
        encoding="utf-8",
    )
    summary = ws.import_path(path)
    assert summary.new == 2
    wheres = " | ".join(str(p) for p in summary.problems)
    assert "mixed.jsonl:2" in wheres and "invalid JSON" in wheres
    assert "mixed.jsonl:3" in wheres and "not a JSON object" in wheres
    assert "not an http(s) URL" in wheres
    assert "neither text nor title" in wheres
    with ws.engine.connect() as conn:
        dates = dict(conn.execute(select(mentions.c.url, mentions.c.published_at)).all())
    assert dates["https://x.example/3"] is None  # a date before 1990 is refused, the article kept


def test_unreadable_files_get_clear_messages(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    broken_gz = tmp_path / "cut.jsonl.gz"
    broken_gz.write_bytes(gzip.compress(b'{"title": "a", "text": "b"}\n' * 50)[:40])
    for path, message in ((empty, "empty"), (binary, "binary"), (broken_gz, "gzip")):
        try:
            list(read_archive(path))
        except Exception as exc:  # the ParseError names the file and the problem
            assert str(path) in str(exc) and message in str(exc)
        else:
            raise AssertionError(f"{path} should be refused")


def test_truncated_csv_keeps_complete_rows(tmp_path: Path) -> None:
    text = (ARCHIVE / "scraped_2025_sample.csv").read_text(encoding="utf-8-sig")
    cut = tmp_path / "cut.csv"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    items = list(read_archive(cut))
    good = [i for i in items if not isinstance(i, ItemProblem)]
    problems = [i for i in items if isinstance(i, ItemProblem)]
    assert 10 <= len(good) < 40
    assert problems and "cut.csv:" in problems[-1].where


def test_windows_1252_export_is_decoded(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "url,title,text\nhttps://y.example/1,Café Rakyat,“Harga turun” kata pedagang\n".encode("cp1252")
    )
    summary = ws.import_path(path)
    assert summary.new == 1
    with ws.engine.connect() as conn:
        title, text = conn.execute(select(mentions.c.title, mentions.c.text)).one()
    assert title == "Café Rakyat" and text.startswith("“Harga turun”")


def test_raw_rows_are_kept_once(ws: Workspace) -> None:
    ws.import_path(ARCHIVE / "scraped_2025_sample.csv")
    ws.import_path(ARCHIVE / "scraped_2025_sample.csv")
    assert count(ws, raw_blobs) == 40
