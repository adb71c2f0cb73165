"""Exports of a filtered mention list: CSV and XLSX, each carrying the filters that produced it.

Where the filters go (decided so that a file read months later still says what it contains):
- XLSX: the data on sheet "Pemberitaan", and a second sheet "Filter" with one row per filter, the
  export time (UTC and WIB) and the row count (and a note when the list was cut at EXPORT_MAX_ROWS).
- CSV: the same facts as leading lines that start with "# ", then the header row and the data.
  Spreadsheet programs show them as first rows; scripts skip lines starting with "# " before the
  header (`csv.reader` over `itertools.dropwhile(lambda l: l.startswith("# "), f)`).
Cells that start with = + - @ are made inert (a leading apostrophe in CSV, string type in XLSX):
news titles are hostile input and must never run as spreadsheet formulas.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from gaung.store.reports import EXPORT_MAX_ROWS, MentionFilters, MentionRow
from gaung.web.templating import local_time

COLUMNS = (
    "id",
    "published_at_wib",
    "site",
    "title",
    "url",
    "tone",
    "tone_reason",
    "language",
    "issue_id",
    "other_copies",
    "outlets",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def describe_filters(
    filters: MentionFilters, count: int, now: datetime | None = None
) -> list[tuple[str, str]]:
    """(name, value) lines describing an export: what was asked for, when, and how much came back."""
    now = now or datetime.now(UTC)
    lines = [
        ("exported_at_utc", now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")),
        ("exported_at_wib", local_time(now, "%Y-%m-%d %H:%M:%S")),
        ("query", filters.q or "(none)"),
    ]
    lines += [(f"filter_{name}", value) for name, value in filters.params() if name != "q"]
    lines.append(("rows", str(count)))
    lines.append(("canonical_copies_only", "yes (syndicated copies are counted in other_copies)"))
    if count >= EXPORT_MAX_ROWS:
        lines.append(("truncated", f"yes: only the newest {EXPORT_MAX_ROWS} rows; narrow the filters"))
    return lines


def _values(row: MentionRow) -> list[Any]:
    return [
        row.id,
        local_time(row.published_at, "%Y-%m-%d %H:%M") if row.published_at else "",
        row.site or "",
        row.title or "",
        row.url or "",
        row.tone or "",
        "; ".join(row.tone_reason),
        row.language or "",
        row.issue_id if row.issue_id is not None else "",
        row.copies,
        row.outlets,
    ]


def _inert(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: Iterable[MentionRow], filters: MentionFilters, now: datetime | None = None) -> bytes:
    """UTF-8 CSV (with BOM, so Excel reads Indonesian text right) preceded by `# ` filter lines."""
    materialised = list(rows)
    out = io.StringIO()
    for name, value in describe_filters(filters, len(materialised), now):
        out.write(f"# {name}: {' '.join(value.split())}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in materialised:
        writer.writerow([_inert(v) for v in _values(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: Iterable[MentionRow], filters: MentionFilters, now: datetime | None = None) -> bytes:
    """An XLSX workbook: sheet "Pemberitaan" with the rows, sheet "Filter" with what produced them."""
    materialised = list(rows)
    book = Workbook(write_only=True)
    data = book.create_sheet("Pemberitaan")
    data.append(list(COLUMNS))
    for row in materialised:
        cells = []
        for value in _values(row):
            cell = WriteOnlyCell(data, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the title starts with
            cells.append(cell)
        data.append(cells)
    about = book.create_sheet("Filter")
    about.append(["name", "value"])
    for name, value in describe_filters(filters, len(materialised), now):
        cell = WriteOnlyCell(about, value=value)
        cell.data_type = "s"
        about.append([name, cell])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
