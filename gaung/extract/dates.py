"""Indonesian (and English/ISO) publication dates and datelines, as news sites actually write them.

Sites print dates in a dozen shapes ("Diperbarui 18 Jun 2025, 14:05 WIB", "Kompas.com- 18/06/2025, 21:35 WIB",
", Jurnalis-Senin, 16 Juni 2025 |15:20 WIB"); rather than one grammar per site we find the date part, then
the time part, then the zone, each with a small named regex. Numeric dates are day-first, as in Indonesia.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

WIB = timezone(
    timedelta(hours=7), "WIB"
)  # Western Indonesia: Jakarta, Sumatra, Java, West/Central Kalimantan
WITA = timezone(timedelta(hours=8), "WITA")  # Central: Bali, Nusa Tenggara, Sulawesi, South/East Kalimantan
WIT = timezone(timedelta(hours=9), "WIT")  # Eastern: Maluku, Papua

# A news date before this is a parsing accident (a founding year, a law's number), not a publication date.
EARLIEST_YEAR = 1990
# Pages are fetched shortly after publication; anything later than this past `now` is a misparse or a typo.
MAX_FUTURE = timedelta(days=1)

MONTHS: dict[str, int] = {
    **dict.fromkeys(["januari", "january", "jan"], 1),
    **dict.fromkeys(["februari", "pebruari", "february", "feb", "peb"], 2),
    **dict.fromkeys(["maret", "march", "mar"], 3),
    **dict.fromkeys(["april", "apr"], 4),
    **dict.fromkeys(["mei", "may"], 5),
    **dict.fromkeys(["juni", "june", "jun"], 6),
    **dict.fromkeys(["juli", "july", "jul"], 7),
    **dict.fromkeys(["agustus", "august", "agu", "agt", "ags", "aug"], 8),
    **dict.fromkeys(["september", "sept", "sep"], 9),
    **dict.fromkeys(["oktober", "october", "okt", "oct"], 10),
    **dict.fromkeys(["november", "nopember", "nov", "nop"], 11),
    **dict.fromkeys(["desember", "december", "des", "dec"], 12),
}
ZONES: dict[str, timezone] = {"wib": WIB, "wita": WITA, "wit": WIT, "utc": UTC, "gmt": UTC, "z": UTC}

# Longest names first so "juni" wins over "jun" and "september" over "sep".
MONTH_NAMES_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))

# ISO 8601 as found in meta tags and JSON-LD: 2025-06-18, 2025-06-18T14:05:00+07:00, 2025-06-18 14:05:00Z.
ISO_DATE_RE = re.compile(
    r"(?<!\d)(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"(?:[T ](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d+)?)?"
    r"\s*(?P<offset>Z|[+-]\d{2}:?\d{2})?)?(?!\d)"
)
# Day-first numeric dates: "18/06/2025" (Kompas), "(10/01/2023)", "5/11/2015", "18-06-2025", "18.06.2025".
NUMERIC_DATE_RE = re.compile(
    r"(?<![\d/.-])(?P<day>\d{1,2})(?P<sep>[/.-])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})(?![\d/])"
)
# "18 Jun 2025", "16 Juni 2025", "5 Nopember, 2015", "06 Agt. 2025".
DAY_MONTH_YEAR_RE = re.compile(
    rf"(?<!\d)(?P<day>\d{{1,2}})\s*(?P<month>{MONTH_NAMES_PATTERN})\.?,?\s*(?P<year>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
# English order: "June 18, 2025", "Nov 5th 2015".
MONTH_DAY_YEAR_RE = re.compile(
    rf"\b(?P<month>{MONTH_NAMES_PATTERN})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})(?!\d)",
    re.IGNORECASE,
)
# Clock time after the date: "14:05", "20.04", "|15:20", "2:05 PM", "10:08:58". Not part of a longer number.
TIME_RE = re.compile(
    r"(?<![\d/.:,])(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)(?:[:.](?P<second>[0-5]\d))?"
    r"(?![\d/]|\.\d)(?:\s*(?P<ampm>[ap]\.?m\.?)(?![a-z]))?",
    re.IGNORECASE,
)
# Time zone word or numeric offset after the time: "WIB", "WITA", "WIT", "GMT+7", "+07:00".
ZONE_RE = re.compile(
    r"\b(?P<name>WITA|WIB|WIT|UTC|GMT)(?:\s*(?P<sign>[+-])\s*(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?)?\b"
    r"|(?<![\d:])(?P<osign>[+-])(?P<ohours>\d{2}):?(?P<ominutes>\d{2})(?!\d)",
    re.IGNORECASE,
)

# Datelines open a story: "JAKARTA, KOMPAS.com -", "Bandung (ANTARA) -", "Liputan6.com, Jakarta",
# "TEMPO.CO, Jakarta -", "REPUBLIKA.CO.ID, CIREBON--", "JAKARTA –", "Jakarta -".
_PLACE = r"[A-Z][A-Za-z'.]*(?:[ -][A-Z][A-Za-z'.]*){0,3}"
_OUTLET = (
    r"(?i:[A-Za-z0-9]+\.(?:com|co\.id|co|id|net|news)(?:\.id)?"
    r"|detikcom|detik\w*|CNBC Indonesia|CNN Indonesia)"
)
# Outlet first, then place: "Liputan6.com, Jakarta" (the place may be glued to the story's first word).
DATELINE_OUTLET_PLACE_RE = re.compile(
    rf"^\s*{_OUTLET}\s*,\s*(?P<place>[A-Z](?:[A-Z]+\b|[a-z]+)(?:\s[A-Z][a-z]+(?=\s*[-–—]))?)"
)
# Place first, then outlet: "JAKARTA, KOMPAS.com -", "Bandung, CNN Indonesia --".
DATELINE_PLACE_OUTLET_RE = re.compile(rf"^\s*(?P<place>{_PLACE})\s*,\s*{_OUTLET}\s*[-–—]", re.IGNORECASE)
# Place, then the agency in brackets: "Bandung (ANTARA) -", "Jakarta (ANTARA News) -".
DATELINE_AGENCY_RE = re.compile(rf"^\s*(?P<place>{_PLACE})\s*\((?:ANTARA|Antara|ANTARA News)[^)]{{0,20}}\)")
# A bare place and a dash: "JAKARTA –", "Jakarta - ". At most three words so a sentence is not taken.
DATELINE_BARE_RE = re.compile(r"^\s*(?P<place>[A-Z][A-Za-z'.]*(?: [A-Z][A-Za-z'.]*){0,2})\s*(?:--?|–|—)\s*\S")


def _two_digit_year(year: int) -> int:
    return year + 2000 if year < 100 else year


def _zone_after(s: str, start: int, default_tz: timezone) -> timezone:
    """The zone written after the date/time, or the default (WIB: Indonesian sites mean local time)."""
    match = ZONE_RE.search(s, start)
    if not match:
        return default_tz
    if match.group("name"):
        base = ZONES[match.group("name").lower()]
        if match.group("sign"):
            hours = int(match.group("hours"))
            minutes = int(match.group("minutes") or 0)
            delta = timedelta(hours=hours, minutes=minutes)
            return timezone(delta if match.group("sign") == "+" else -delta)
        return base
    hours, minutes = int(match.group("ohours")), int(match.group("ominutes"))
    if hours > 14 or minutes > 59:
        return default_tz
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(delta if match.group("osign") == "+" else -delta)


def _find_date(s: str) -> tuple[int, int, int, int] | None:
    """(year, month, day, end offset) of the first date in `s`, trying the least ambiguous shapes first."""
    for regex in (DAY_MONTH_YEAR_RE, MONTH_DAY_YEAR_RE, NUMERIC_DATE_RE):
        match = regex.search(s)
        if not match:
            continue
        month_text = match.group("month")
        month = MONTHS[month_text.lower()] if month_text.isalpha() else int(month_text)
        return _two_digit_year(int(match.group("year"))), month, int(match.group("day")), match.end()
    return None


def _plausible(value: datetime, now: datetime | None) -> datetime | None:
    reference = now or datetime.now(UTC)
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=UTC)
    if value.year < EARLIEST_YEAR or value > reference + MAX_FUTURE:
        return None
    return value


def _parse_iso(s: str, default_tz: timezone, now: datetime | None) -> datetime | None:
    match = ISO_DATE_RE.search(s)
    if not match:
        return None
    try:
        value = datetime(
            int(match.group("year")),
            int(match.group("month")),
            int(match.group("day")),
            int(match.group("hour") or 0),
            int(match.group("minute") or 0),
            int(match.group("second") or 0),
        )
    except ValueError:
        return None
    offset = match.group("offset")
    if offset:
        tz = _zone_after(offset, 0, default_tz) if offset.upper() != "Z" else UTC
    else:
        tz = _zone_after(s, match.end(), default_tz)
    return _plausible(value.replace(tzinfo=tz), now)


def parse_indonesian_date(
    s: str, *, default_tz: timezone = WIB, now: datetime | None = None
) -> datetime | None:
    """Parse a publisher's date string into an aware datetime, or None if there is no plausible date.

    Local times without a zone are taken as `default_tz` (WIB), because that is what Indonesian sites mean.
    Dates before 1990 or more than a day after `now` are rejected as misparses.
    """
    if not s or not isinstance(s, str):
        return None
    text = s.replace("\xa0", " ")[:500]  # a date string is short; bounding it keeps regexes cheap on junk
    if ISO_DATE_RE.search(text):
        return _parse_iso(text, default_tz, now)
    found = _find_date(text)
    if found is None:
        return None
    year, month, day, end = found
    hour = minute = second = 0
    time_match = TIME_RE.search(text, end) or TIME_RE.search(text[: max(0, end - 12)])
    zone_from = end
    if time_match:
        hour, minute = int(time_match.group("hour")), int(time_match.group("minute"))
        second = int(time_match.group("second") or 0)
        ampm = (time_match.group("ampm") or "").lower().replace(".", "")
        if ampm == "pm" and hour < 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        zone_from = max(end, time_match.end())
    try:
        value = datetime(year, month, day, hour, minute, second)
    except ValueError:
        return None
    return _plausible(value.replace(tzinfo=_zone_after(text, zone_from, default_tz)), now)


def _tidy_place(place: str) -> str:
    place = place.strip(" .,-")
    return place.title() if place.isupper() else place


def find_dateline(text: str) -> str | None:
    """The place name of the dateline that opens a story ("JAKARTA, KOMPAS.com -" -> "Jakarta"), or None."""
    head = text.lstrip()[:120].replace("\xa0", " ")
    match = DATELINE_OUTLET_PLACE_RE.match(head)
    if match:
        place = match.group("place")
        # "JakartaKita semua ..." (archive text, separator lost): the place ends before the glued word.
        glued = re.match(r"[A-Z][a-z]+(?=[A-Z][a-z])", place)
        return _tidy_place(glued.group(0) if glued else place)
    for regex in (DATELINE_PLACE_OUTLET_RE, DATELINE_AGENCY_RE, DATELINE_BARE_RE):
        match = regex.match(head)
        if match:
            return _tidy_place(match.group("place"))
    return None
