"""Indonesian date parsing: table tests from real publisher strings, corpus coverage, and properties."""

from __future__ import annotations

import csv
import gzip
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaung.extract.dates import WIB, WIT, WITA, find_dateline, parse_indonesian_date

NOW = datetime(2025, 7, 1, tzinfo=UTC)
# the scraped 2025 corpus as the package ships it for the demo (byte-for-byte, gzipped)
CORPUS = Path(__file__).resolve().parents[1] / "gaung" / "data" / "demo"
# Measured on the scraped-2025 corpus: 3,636 of 3,637 distinct strings parse (the one miss is "").
MIN_CORPUS_COVERAGE = 0.99


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Diperbarui 18 Jun 2025, 14:05 WIB", datetime(2025, 6, 18, 14, 5, tzinfo=WIB)),
        ("Kompas.com - 10/06/2025, 21:23 WIB", datetime(2025, 6, 10, 21, 23, tzinfo=WIB)),
        ("Kompas.com- 18/06/2025, 21:35 WIB", datetime(2025, 6, 18, 21, 35, tzinfo=WIB)),
        ("Selasa (10/01/2023)", datetime(2023, 1, 10, tzinfo=WIB)),
        (",\xa0Jurnalis-Senin, 16 Juni 2025 |15:20 WIB", datetime(2025, 6, 16, 15, 20, tzinfo=WIB)),
        ("18 Juni 2025 | 20.04 WIB", datetime(2025, 6, 18, 20, 4, tzinfo=WIB)),
        ("Rabu   18 Jun 2025  22:02 WIB", datetime(2025, 6, 18, 22, 2, tzinfo=WIB)),
        ("06 Jun 2025 21:02", datetime(2025, 6, 6, 21, 2, tzinfo=WIB)),
        ("Rabu, 18 Jun 2025 07:30 WIB", datetime(2025, 6, 18, 7, 30, tzinfo=WIB)),
        ("Jum'at, 17 Februari 2017 - 13:30 wib", datetime(2017, 2, 17, 13, 30, tzinfo=WIB)),
        ("Kamis, 05 Nov 2015 10:08 WITA", datetime(2015, 11, 5, 10, 8, tzinfo=WITA)),
        ("5 Agt 2024 09.15 WIT", datetime(2024, 8, 5, 9, 15, tzinfo=WIT)),
        ("1 Agu 2024", datetime(2024, 8, 1, tzinfo=WIB)),
        ("2 Ags 2024", datetime(2024, 8, 2, tzinfo=WIB)),
        ("3 Okt 2024", datetime(2024, 10, 3, tzinfo=WIB)),
        ("4 Des 2024", datetime(2024, 12, 4, tzinfo=WIB)),
        ("12 Mei 2024", datetime(2024, 5, 12, tzinfo=WIB)),
        ("2025-06-18T14:05:00+07:00", datetime(2025, 6, 18, 14, 5, tzinfo=WIB)),
        ("2025-06-18T07:05:00Z", datetime(2025, 6, 18, 7, 5, tzinfo=UTC)),
        ("2017-02-17 13:30:08", datetime(2017, 2, 17, 13, 30, 8, tzinfo=WIB)),
        ("June 18, 2025 2:05 PM", datetime(2025, 6, 18, 14, 5, tzinfo=WIB)),
        ("Wednesday, 4 November 2015 07:28 WIB", datetime(2015, 11, 4, 7, 28, tzinfo=WIB)),
    ],
)
def test_real_strings(text: str, expected: datetime) -> None:
    parsed = parse_indonesian_date(text, now=NOW)
    assert parsed == expected
    assert parsed is not None and parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    "text", ["", "Baca juga", "1 Januari 1945", "18 Juni 2099", "31/02/2025", "UU No. 12/2011"]
)
def test_nonsense_is_rejected(text: str) -> None:
    assert parse_indonesian_date(text, now=NOW) is None


def test_more_than_a_day_ahead_is_rejected() -> None:
    assert parse_indonesian_date("1 Jul 2025 20:00 WIB", now=NOW) is not None
    assert parse_indonesian_date("2 Jul 2025 10:00 WIB", now=NOW) is None


def test_default_zone_applies_to_local_times() -> None:
    parsed = parse_indonesian_date("18 Jun 2025 14:05", default_tz=WITA, now=NOW)
    assert parsed is not None and parsed.utcoffset() == timedelta(hours=8)


def test_corpus_coverage() -> None:
    strings: set[str] = set()
    for name in (
        "scrapping_news_2025-06-18.csv",
        "scrapping_news_2025-06-19.csv",
        "scrapping_news_2025-06-20.csv",
    ):
        with gzip.open(CORPUS / f"{name}.gz", "rt", encoding="utf-8-sig", newline="") as handle:
            strings.update(row["tanggal_publikasi"] for row in csv.DictReader(handle))
    with gzip.open(CORPUS / "berita_detik.csv.gz", "rt", encoding="utf-8-sig", newline="") as handle:
        strings.update(f"{row['date']} {row['time']}" for row in csv.DictReader(handle))
    parsed = [s for s in strings if parse_indonesian_date(s, now=NOW) is not None]
    assert len(parsed) / len(strings) >= MIN_CORPUS_COVERAGE


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("JAKARTA, KOMPAS.com -Pakar Hukum Pidana", "Jakarta"),
        ("Bandung (ANTARA) - Pemerintah Provinsi", "Bandung"),
        ("Liputan6.com, JakartaKita semua mengalami", "Jakarta"),
        ("Liputan6.com, Jakarta Pusat - Presiden", "Jakarta Pusat"),
        ("TEMPO.CO,Jakarta-Ginjaladalah organ", "Jakarta"),
        ("REPUBLIKA.CO.ID,\xa0CIREBON--Kepolisian memastikan", "Cirebon"),
        ("JAKARTA– Kehilangan ponsel", "Jakarta"),
        ("Jakarta - Galaxy S6 Edge", "Jakarta"),
        ("Presiden Joko Widodo mengatakan bahwa", None),
        ("", None),
    ],
)
def test_find_dateline(text: str, place: str | None) -> None:
    assert find_dateline(text) == place


DAY_NAMES = ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"]
FULL_MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
               "Oktober", "November", "Desember"]  # fmt: skip
SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
FORMATS = [
    lambda d: f"Diperbarui {d.day:02d} {SHORT_MONTHS[d.month - 1]} {d.year}, {d:%H:%M} WIB",
    lambda d: f"Kompas.com - {d:%d/%m/%Y}, {d:%H:%M} WIB",
    lambda d: (
        f", Jurnalis-{DAY_NAMES[d.isoweekday() % 7]}, {d.day} {FULL_MONTHS[d.month - 1]} {d.year}"
        f" |{d:%H:%M} WIB"
    ),
    lambda d: f"{d.day} {FULL_MONTHS[d.month - 1]} {d.year} | {d:%H.%M} WIB",
    lambda d: (
        f"{DAY_NAMES[d.isoweekday() % 7]}   {d.day} {SHORT_MONTHS[d.month - 1]} {d.year}  {d:%H:%M} WIB"
    ),
    lambda d: d.isoformat(),
]


@given(
    moment=st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2025, 6, 30)).map(
        lambda d: d.replace(second=0, microsecond=0, tzinfo=WIB)
    ),
    style=st.integers(min_value=0, max_value=len(FORMATS) - 1),
)
def test_round_trip(moment: datetime, style: int) -> None:
    assert parse_indonesian_date(FORMATS[style](moment), now=NOW) == moment


@given(st.text(max_size=300))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    result = parse_indonesian_date(text, now=NOW)
    assert result is None or result.tzinfo is not None
    find_dateline(text)


def test_naive_now_is_taken_as_utc() -> None:
    assert parse_indonesian_date("18 Jun 2025", now=datetime(2025, 6, 18)) is not None
    assert isinstance(WIB, timezone)
