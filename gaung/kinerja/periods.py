"""SKP periods: a month (`2025-06`), a quarter (`2025-Q2`) or a year (`2025`), as half-open ranges.

A period is a range of office days (WIB, `gaung.store.reports.OFFICE_TZ`): a post published at 23:30
WIB on 30 June belongs to June even though it is 16:30 UTC. The store keeps naive UTC, so queries use
`start_utc`/`end_utc`, which are the office-midnight boundaries converted to UTC. Ranges are half-open
[start, end): the months of a quarter tile it exactly, so month sums add up to the quarter's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from gaung.kinerja.errors import KinerjaError

__all__ = ["Period", "PeriodKind", "month_of", "parse_period"]

PeriodKind = Literal["month", "quarter", "year"]
_PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:(?P<month>\d{1,2})|[Qq](?P<quarter>\d)))?$")
FIRST_YEAR, LAST_YEAR = 2000, 2100  # outside this, a typo is likelier than a real SKP period
MONTHS_IN = {"month": 1, "quarter": 3, "year": 12}


def _office_tz() -> tzinfo:  # imported late: gaung.store.reports pulls in the query layer
    from gaung.store.reports import OFFICE_TZ

    return OFFICE_TZ


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class Period:
    """One SKP period: `key` as written (`2025-06`, `2025-Q2`, `2025`) and its office-day range."""

    start: date  # first office day (inclusive)
    end: date  # first office day after the period (exclusive)
    kind: PeriodKind
    key: str

    @property
    def start_utc(self) -> datetime:
        """The period's first office midnight as naive UTC (what the store compares with)."""
        return _utc(self.start)

    @property
    def end_utc(self) -> datetime:
        """The office midnight after the period as naive UTC (exclusive)."""
        return _utc(self.end)

    @property
    def last_day(self) -> date:
        """The period's last office day (inclusive), for display."""
        return self.end - timedelta(days=1)

    @property
    def months(self) -> int:
        """How many months the period spans (1, 3 or 12): office defaults are per month."""
        return MONTHS_IN[self.kind]

    def contains(self, moment: datetime | None) -> bool:
        """True when a stored (naive UTC) time falls inside the period."""
        return moment is not None and self.start_utc <= _naive_utc(moment) < self.end_utc

    def month_periods(self) -> list[Period]:
        """The months that tile this period, in order."""
        return [month_of(_add_months(self.start, i)) for i in range(self.months)]

    def previous(self) -> Period:
        """The period of the same kind just before this one (June → May, Q1 → last year's Q4)."""
        return _of_kind(self.kind, _add_months(self.start, -self.months))

    def next(self) -> Period:
        """The period of the same kind just after this one."""
        return _of_kind(self.kind, self.end)

    def __str__(self) -> str:
        return self.key


def _naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=_office_tz()).astimezone(UTC).replace(tzinfo=None)


def _of_kind(kind: PeriodKind, day: date) -> Period:
    if kind == "month":
        return month_of(day)
    if kind == "quarter":
        quarter = (day.month - 1) // 3 + 1
        start = date(day.year, 3 * quarter - 2, 1)
        return Period(start, _add_months(start, 3), "quarter", f"{day.year}-Q{quarter}")
    return Period(date(day.year, 1, 1), date(day.year + 1, 1, 1), "year", str(day.year))


def month_of(moment: date | datetime) -> Period:
    """The month containing a day, or a stored (naive UTC) time read in office time."""
    if isinstance(moment, datetime):
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        moment = aware.astimezone(_office_tz()).date()
    start = date(moment.year, moment.month, 1)
    return Period(start, _add_months(start, 1), "month", f"{start.year}-{start.month:02d}")


def parse_period(text: str | Period) -> Period:
    """`YYYY-MM`, `YYYY-Qn` or `YYYY` as a Period; a KinerjaError says what is wrong with anything else."""
    if isinstance(text, Period):
        return text
    raw = (text or "").strip()
    match = _PATTERN.match(raw)
    if match is None:
        raise KinerjaError(
            f"period {text!r} is not YYYY-MM (a month), YYYY-Qn (a quarter) or YYYY (a year), "
            "e.g. 2025-06, 2025-Q2, 2025"
        )
    year = int(match["year"])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise KinerjaError(f"period {text!r}: year {year} is outside {FIRST_YEAR}–{LAST_YEAR}")
    if match["month"] is not None:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise KinerjaError(f"period {text!r}: month {month} does not exist (use 01–12)")
        return month_of(date(year, month, 1))
    if match["quarter"] is not None:
        quarter = int(match["quarter"])
        if not 1 <= quarter <= 4:
            raise KinerjaError(f"period {text!r}: quarter Q{quarter} does not exist (use Q1–Q4)")
        return _of_kind("quarter", date(year, 3 * quarter - 2, 1))
    return _of_kind("year", date(year, 1, 1))
