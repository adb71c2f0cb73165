"""Numbers, durations and dates as platform exports write them (gaung.content.numbers)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaung.content.numbers import (
    day_first_for,
    infer_year,
    parse_count,
    parse_datetime,
    parse_day,
    parse_duration,
    parse_number,
    parse_percent,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234", 1234),
        ("1.234", 1234),
        ("1,234", 1234),
        ("1.234.567", 1234567),
        ("1,234,567", 1234567),
        ("1 234", 1234),
        ("1,2K", 1200),
        ("1.2k", 1200),
        ("3,4 rb", 3400),
        ("12rb", 12000),
        ("1.2M", 1200000),
        ("1,5 jt", 1500000),
        ("2 juta", 2000000),
        ("-3", -3),
        ('="42"'[2:-1], 42),
        ("", None),
        ("-", None),
        ("—", None),
    ],
)
def test_counts(text: str, expected: int | None) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12.5", 12.5), ("12,5", 12.5), ("1.234,5", 1234.5), ("1,234.5", 1234.5), ("0,5", 0.5)],
)
def test_decimals(text: str, expected: float) -> None:
    assert parse_number(text) == expected


def test_percent_and_bad_numbers() -> None:
    assert parse_percent("45,3%") == 45.3
    assert parse_percent("45.3 %") == 45.3
    with pytest.raises(ValueError, match="not a number"):
        parse_count("banyak")
    with pytest.raises(ValueError, match="unknown suffix"):
        parse_count("12 xyz")


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("45", 45),
        ("0:45", 45),
        ("1:02:03", 3723),
        ("0:01:23", 83),
        ("45s", 45),
        ("2m 5s", 125),
        ("1j 2m", 3720),
    ],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "kwargs", "expected_utc"),
    [
        ("06/03/2025 09:15", {}, datetime(2025, 6, 3, 2, 15)),  # Meta, English UI: month first, WIB
        ("03/06/2025 09:15", {"day_first": True}, datetime(2025, 6, 3, 2, 15)),
        ("Jun 3, 2025", {}, datetime(2025, 6, 2, 17, 0)),  # YouTube: midnight WIB
        ("Sat, Jun 14, 2025", {}, datetime(2025, 6, 13, 17, 0)),  # X
        ("Sab, 14 Jun 2025", {}, datetime(2025, 6, 13, 17, 0)),
        ("3 Juni 2025 pukul 09.15", {}, datetime(2025, 6, 3, 2, 15)),
        ("3 Agustus 2025", {}, datetime(2025, 8, 2, 17, 0)),
        ("2019-01-29 13:32 +0000", {}, datetime(2019, 1, 29, 13, 32)),  # X legacy: explicit offset kept
        ("2025-06-03T09:15:00", {}, datetime(2025, 6, 3, 2, 15)),
        ("June 3", {"reference": date(2025, 7, 1)}, datetime(2025, 6, 2, 17, 0)),  # TikTok: no year
        ("Dec 30", {"reference": date(2026, 1, 5)}, datetime(2025, 12, 29, 17, 0)),  # across new year
        ("5 Jan", {"reference": date(2026, 1, 5)}, datetime(2026, 1, 4, 17, 0)),
    ],
)
def test_datetimes(text: str, kwargs: dict, expected_utc: datetime) -> None:
    assert parse_datetime(text, **kwargs) == expected_utc


def test_dates_without_a_year_need_a_reference() -> None:
    with pytest.raises(ValueError, match="no year"):
        parse_datetime("June 3")
    assert parse_day("20250630") == date(2025, 6, 30)
    assert parse_day("29 Feb", reference=date(2025, 3, 1)) == date(2024, 2, 29)


def test_day_first_is_decided_by_the_whole_column() -> None:
    assert day_first_for(["01/02/2025 10:00", "25/02/2025 10:00"], default=False) is True
    assert day_first_for(["01/02/2025 10:00", "02/25/2025 10:00"], default=True) is False
    assert day_first_for(["01/02/2025 10:00"], default=True) is True


@given(st.integers(min_value=0, max_value=10**12))
def test_counts_round_trip_in_both_locales(n: int) -> None:
    english = f"{n:,}"
    assert parse_count(english) == n
    assert parse_count(english.replace(",", ".")) == n


@given(st.dates(min_value=date(2001, 1, 1), max_value=date(2099, 12, 31)), st.integers(0, 360))
def test_inferred_year_is_never_after_the_reference(reference: date, back: int) -> None:
    from datetime import timedelta

    day = reference - timedelta(days=back)
    assert infer_year(day.month, day.day, reference) == day.year
