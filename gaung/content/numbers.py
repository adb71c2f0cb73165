"""Reading the numbers and dates platform exports write, in English and Indonesian.

Counts: "1234", "1.234" / "1,234" (thousands), "1.234.567", "1,2K", "3,4 rb", "1.2M", "1,5 jt", "2B".
Decimals (hours, seconds, percentages): "12.5", "12,5", "1.234,5", "1,234.5", "45,3 %".
Durations: "45", "0:45", "1:02:03", "45s", "2m 5s".
Dates: ISO, "06/03/2025 09:15" (month or day first, decided per column), "Jun 3, 2025",
"Sat, Jun 14, 2025", "3 Juni 2025 pukul 09.15", "20250630" (GA4), and TikTok's dates without a year
("June 3", "3 Jun", "06-03"), whose year comes from a reference date (see `infer_year`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

# Platform exports write times in the account's local time without saying so; a government office in
# Indonesia nearly always has its accounts set to WIB. Naive export times are read as WIB and stored as
# UTC. (Times with an explicit offset, e.g. X's legacy "+0000", keep their offset.)
EXPORT_TIMEZONE = ZoneInfo("Asia/Jakarta")

EMPTY = {"", "-", "--", "—", "–", "n/a", "na", "null", "none", "nan"}

# Suffix multipliers, English and Indonesian ("rb" = ribu, "jt" = juta, "M" in Indonesian = miliar, but
# platform UIs in Indonesian write "jt" for millions, so "M" is read as million as in English).
SUFFIXES = {
    "k": 1_000,
    "rb": 1_000,
    "ribu": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "jt": 1_000_000,
    "juta": 1_000_000,
    "b": 1_000_000_000,
    "bn": 1_000_000_000,
    "miliar": 1_000_000_000,
    "mlr": 1_000_000_000,
}
_NUMBER = re.compile(r"^([+-]?)([\d.,\s\u00a0']*\d(?:[.,]\d+)?)\s*([a-z]*)\.?$")

MONTHS = {
    "january": 1, "januari": 1, "jan": 1,
    "february": 2, "februari": 2, "pebruari": 2, "feb": 2, "peb": 2,
    "march": 3, "maret": 3, "mar": 3,
    "april": 4, "apr": 4,
    "may": 5, "mei": 5,
    "june": 6, "juni": 6, "jun": 6,
    "july": 7, "juli": 7, "jul": 7,
    "august": 8, "agustus": 8, "aug": 8, "agu": 8, "agt": 8, "agst": 8,
    "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oktober": 10, "oct": 10, "okt": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "december": 12, "desember": 12, "dec": 12, "des": 12,
}  # fmt: skip
WEEKDAYS = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
    "senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu", "ahad",
    "sen", "sel", "rab", "kam", "jum", "sab", "min",
)  # fmt: skip


def _blank(text: object) -> bool:
    return text is None or str(text).strip().lower() in EMPTY


def _plain_number(body: str, *, counts: bool) -> float:
    """Digits with separators → float. `counts` reads a lone "1.234"/"1,234" as thousands."""
    body = body.replace(" ", "").replace("\u00a0", "").replace("'", "")
    dots, commas = body.count("."), body.count(",")
    if dots and commas:  # the last separator is the decimal one: "1.234,5" / "1,234.5"
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        return float(body.replace(thousands, "").replace(decimal, "."))
    sep = "." if dots else "," if commas else ""
    if not sep:
        return float(body)
    if body.count(sep) > 1:  # "1.234.567": only thousands separators repeat
        return float(body.replace(sep, ""))
    whole, fraction = body.split(sep)
    if counts and len(fraction) == 3 and whole not in ("", "0"):
        return float(whole + fraction)
    return float(f"{whole}.{fraction}")


def parse_number(text: object, *, counts: bool = False) -> float | None:
    """A number as exports write it, or None for an empty cell; raises ValueError for non-numbers."""
    if _blank(text):
        return None
    if isinstance(text, int | float):
        return float(text)
    cleaned = str(text).strip().lower().replace("%", "").strip()
    match = _NUMBER.match(cleaned)
    if not match:
        raise ValueError(f"not a number: {str(text)[:40]!r}")
    sign, body, suffix = match.groups()
    if suffix and suffix not in SUFFIXES:
        raise ValueError(f"not a number: {str(text)[:40]!r} (unknown suffix {suffix!r})")
    # With a suffix the separator is always decimal: "1,2K" = 1200, "1.234K" = 1234 (rare, but exact).
    value = _plain_number(body, counts=counts and not suffix)
    if suffix:
        value *= SUFFIXES[suffix]
    return -value if sign == "-" else value


def parse_count(text: object) -> int | None:
    """A count ("1.234", "1,2K", "3,4 rb", "1,5 jt") as an int, or None for an empty cell."""
    value = parse_number(text, counts=True)
    return None if value is None else round(value)


def parse_percent(text: object) -> float | None:
    """A percentage as 0-100 ("45,3%", "45.3", "0.453" stays 0.453: exports write percent values)."""
    return parse_number(text, counts=False)


def parse_duration(text: object) -> float | None:
    """Seconds from "45", "0:45", "1:02:03", "45s", "2m 5s", "1j 2m" (jam/menit/detik)."""
    if _blank(text):
        return None
    cleaned = str(text).strip().lower()
    if ":" in cleaned:
        parts = cleaned.split(":")
        if not all(re.fullmatch(r"\d+(?:[.,]\d+)?", p) for p in parts) or len(parts) > 3:
            raise ValueError(f"not a duration: {cleaned[:40]!r}")
        seconds = 0.0
        for part in parts:
            seconds = seconds * 60 + float(part.replace(",", "."))
        return seconds
    units = re.findall(r"(\d+(?:[.,]\d+)?)\s*(h|j|jam|hr|m|min|mnt|menit|s|sec|dtk|detik)\b", cleaned)
    if units and re.fullmatch(r"(?:\s*\d+(?:[.,]\d+)?\s*[a-z]+\s*)+", cleaned):
        scale = {"h": 3600, "j": 3600, "jam": 3600, "hr": 3600, "m": 60, "min": 60, "mnt": 60, "menit": 60}
        return sum(float(n.replace(",", ".")) * scale.get(u, 1) for n, u in units)
    value = parse_number(cleaned)
    if value is None:
        return None
    return value


# -- dates --------------------------------------------------------------------------------------


def _to_utc(value: datetime, tz: ZoneInfo = EXPORT_TIMEZONE) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC).replace(tzinfo=None)


def _clock(text: str) -> tuple[int, int, int, str]:
    """Pull a time of day ("09:15", "9.15", "09:15:30", "9:15 PM") off the end; returns h, m, s, rest."""
    match = re.search(
        r"(?:\bpukul\s+|\bat\s+|[ t,]\s*)(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", text
    )
    if not match:
        return 0, 0, 0, text
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4] == "pm" and hour < 12:
        hour += 12
    elif match[4] == "am" and hour == 12:
        hour = 0
    return hour, minute, second, text[: match.start()].strip(" ,")


def _strip_weekday(text: str) -> str:
    head, _, rest = text.partition(",")
    if rest and head.strip() in WEEKDAYS:
        return rest.strip()
    first, _, rest = text.partition(" ")
    return rest.strip() if rest and first.strip(",") in WEEKDAYS else text


def infer_year(month: int, day: int, reference: date) -> int:
    """The year of a date written without one, taken as the latest such date not after `reference`.

    Exports describe the past: a TikTok export made on 2026-01-05 that says "Dec 30" means 2025-12-30.
    `reference` is the end of the export's date range when known, else the file's date; one day of
    slack covers time zones.
    """
    year = reference.year
    if month == 2 and day == 29:  # only leap years have it: the latest one not after the reference
        while not _leap(year) or date(year, 2, 29) > reference + timedelta(days=1):
            year -= 1
        return year
    if date(year, month, day) > reference + timedelta(days=1):
        year -= 1
    return year


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def day_first_for(values: Iterable[str], *, default: bool) -> bool:
    """Whether a column writes "dd/mm/yyyy" (True) or "mm/dd/yyyy" (False), judged on all its values.

    A first part above 12 proves day-first, a second part above 12 proves month-first; when no value
    decides it, `default` (day-first for Indonesian headers, month-first for English Meta exports).
    """
    for value in values:
        match = re.match(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}", str(value or ""))
        if match:
            first, second = int(match[1]), int(match[2])
            if first > 12 >= second:
                return True
            if second > 12 >= first:
                return False
    return default


def parse_date_parts(
    text: str, *, day_first: bool = False
) -> tuple[int | None, int, int, tuple[int, int, int]]:
    """(year or None, month, day, (h, m, s)) from the date forms exports use; raises ValueError."""
    cleaned = _strip_weekday(re.sub(r"\s+", " ", str(text).strip().lower()))
    hour, minute, second, cleaned = _clock(cleaned)
    clock = (hour, minute, second)
    if match := re.fullmatch(r"(\d{4})(\d{2})(\d{2})", cleaned):  # GA4: 20250630
        return int(match[1]), int(match[2]), int(match[3]), clock
    if match := re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", cleaned):
        return int(match[1]), int(match[2]), int(match[3]), clock
    if match := re.fullmatch(r"(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?", cleaned):
        a, b = int(match[1]), int(match[2])
        year = int(match[3]) if match[3] else None
        if year is not None and year < 100:
            year += 2000
        day, month = (a, b) if day_first else (b, a)
        return year, month, day, clock
    words = cleaned.replace(",", " ").replace(".", " ").split()
    if len(words) in (2, 3):
        if words[0] in MONTHS and words[1].isdigit():  # "jun 3 2025", "june 3"
            month, day, rest = MONTHS[words[0]], int(words[1]), words[2:]
        elif words[0].isdigit() and words[1] in MONTHS:  # "3 juni 2025", "3 jun"
            day, month, rest = int(words[0]), MONTHS[words[1]], words[2:]
        else:
            raise ValueError(f"not a date: {str(text)[:40]!r}")
        year = int(rest[0]) if rest and rest[0].isdigit() and len(rest[0]) == 4 else None
        if rest and year is None:
            raise ValueError(f"not a date: {str(text)[:40]!r}")
        return year, month, day, clock
    raise ValueError(f"not a date: {str(text)[:40]!r}")


def parse_datetime(
    text: object, *, day_first: bool = False, reference: date | None = None, tz: ZoneInfo = EXPORT_TIMEZONE
) -> datetime | None:
    """A naive-UTC datetime from an export cell (local times read in `tz`); None for an empty cell.

    Dates without a year need `reference` (see `infer_year`); without one they raise ValueError.
    """
    if _blank(text):
        return None
    raw = str(text).strip()
    iso = raw.replace(" +", "+").replace(" -", "-") if re.match(r"\d{4}-\d{2}-\d{2}[ t]\d", raw, re.I) else ""
    if iso:
        try:
            parsed = datetime.fromisoformat(iso.replace("Z", "+00:00"))
            return _to_utc(parsed, tz)
        except ValueError:
            pass
    year, month, day, (hour, minute, second) = parse_date_parts(raw, day_first=day_first)
    if year is None:
        if reference is None:
            raise ValueError(f"{raw[:40]!r} has no year and the export gives no date range to infer it")
        year = infer_year(month, day, reference)
    return _to_utc(datetime(year, month, day, hour, minute, second), tz)


def parse_day(text: object, *, day_first: bool = False, reference: date | None = None) -> date | None:
    """A calendar day as the export names it (no time-zone shift): for daily rows like follower counts."""
    if _blank(text):
        return None
    year, month, day, _ = parse_date_parts(str(text), day_first=day_first)
    if year is None:
        if reference is None:
            raise ValueError(f"{str(text)[:40]!r} has no year and the export gives no date to infer it")
        year = infer_year(month, day, reference)
    return date(year, month, day)
