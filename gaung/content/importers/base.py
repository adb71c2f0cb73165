"""Reading export files safely into tables, and matching their headers through alias tables.

A file is a CSV (comma, semicolon or tab; UTF-8 with or without BOM, UTF-16, or Windows-1252; Excel's
quoting and `sep=` line understood) or a zip of CSVs. Size limits are checked before anything is read in
full: a file's size on disk, a zip's member count, declared sizes and compression ratios, and the bytes
actually inflated (a zip can lie about its sizes).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path, PurePosixPath

from gaung.content.numbers import EXPORT_TIMEZONE
from gaung.errors import ParseError

MB = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    """How much an import may read. Real exports are far below these (YouTube: ~500 rows; a year of a
    busy Facebook page: a few MB), so hitting one means a wrong or hostile file."""

    max_file_bytes: int = 100 * MB  # a CSV on disk, or a zip on disk
    max_uncompressed_bytes: int = 200 * MB  # all members of a zip together, as inflated
    max_ratio: float = 100.0  # per zip member; text CSVs compress 5-20x, bombs 1000x and more
    max_members: int = 200
    max_field_bytes: int = 1 * MB  # one cell: a long caption is a few KB


class ImportError_(ParseError):  # the builtin ImportError means something else
    """Base for content-import errors: they name the file and say what to do."""


class FileTooLargeError(ImportError_):
    """The file, or what a zip would inflate to, is over the import limits."""


class UnknownFormatError(ImportError_):
    """No importer recognises the file's columns."""


class MissingColumnsError(ImportError_):
    """A recognised export lacks columns its importer needs."""


@dataclass
class Table:
    """One CSV's rows: the header, then (line number, cells) per data row."""

    name: str  # the file name, or "archive.zip!Content.csv"
    header: list[str]
    rows: list[tuple[int, list[str]]]
    comments: list[str] = field(default_factory=list)  # leading "#" lines (GA4's date range)
    file_time: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None))  # UTC

    def where(self, line: int) -> str:
        return f"{self.name}:{line}"

    @property
    def member(self) -> str:
        """The file's own name inside a zip (e.g. "Content.csv"), lower-cased."""
        return PurePosixPath(self.name.rsplit("!", 1)[-1]).name.lower()


def normalise_header(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\ufeff", "").strip().strip('"').strip()).lower()


def map_columns(header: list[str], aliases: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """field → column index, for the fields whose alias (lower-case) appears in `header`."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        positions.setdefault(normalise_header(name), index)
    mapping = {}
    for name, names in aliases.items():
        for alias in names:
            if alias in positions:
                mapping[name] = positions[alias]
                break
    return mapping


# -- reading ----------------------------------------------------------------------------------------


def _decode(data: bytes, where: str) -> str:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnknownFormatError(where, "this is a binary file, not a CSV export or a zip of CSVs")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text" and some Meta exports
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _delimiter(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in (",", ";", "\t")}
    return max(counts, key=lambda sep: counts[sep]) if any(counts.values()) else ","


def _excel_cell(cell: str) -> str:
    # Excel writes ="00123" to keep leading zeros and long ids from becoming numbers
    if cell.startswith('="') and cell.endswith('"'):
        return cell[2:-1]
    return cell


def parse_table(text: str, name: str, file_time: datetime, limits: ImportLimits) -> Table:
    """Split leading comments off, find the separator, and read rows with their line numbers."""
    lines = text.splitlines(keepends=True)
    comments: list[str] = []
    start = 0
    delimiter = None
    while start < len(lines):
        stripped = lines[start].strip()
        if stripped.startswith("#"):
            comments.append(stripped.lstrip("#").strip())
        elif stripped.lower().startswith("sep=") and len(stripped) <= 6:
            delimiter = stripped[4:5] or ","
        elif stripped:
            break
        start += 1
    if start >= len(lines):
        raise UnknownFormatError(name, "the file has no header row (it is empty or only comments)")
    delimiter = delimiter or _delimiter(lines[start])
    csv.field_size_limit(limits.max_field_bytes)
    reader = csv.reader(io.StringIO("".join(lines[start:])), delimiter=delimiter)
    try:
        header = [_excel_cell(cell) for cell in next(reader)]
        rows: list[tuple[int, list[str]]] = []
        previous = reader.line_num
        for cells in reader:
            row_line = start + previous + 1  # 1-based physical line where the row starts
            previous = reader.line_num
            if not any(cell.strip() for cell in cells):
                if comments and rows:
                    break  # GA4 puts further report sections after a blank line
                continue
            rows.append((row_line, [_excel_cell(cell) for cell in cells]))
    except csv.Error as exc:
        raise ImportError_(f"{name}:{start + reader.line_num}", f"broken CSV: {exc}") from None
    return Table(name=name, header=header, rows=rows, comments=comments, file_time=file_time)


def read_tables(
    path: Path, limits: ImportLimits, *, file_time: datetime | None = None
) -> tuple[list[Table], list[tuple[str, str]]]:
    """The CSV tables in a file or zip, plus the members that were skipped and why.

    `file_time` (naive UTC) stands in for the file's and zip members' times: when the export was made,
    for files whose modification time was lost in copying.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportError_(str(path), f"cannot read the file: {exc.strerror or exc}") from None
    if size > limits.max_file_bytes:
        raise FileTooLargeError(
            str(path),
            f"the file is {size / MB:.1f} MB, over the {limits.max_file_bytes / MB:.0f} MB import limit; "
            "platform exports are much smaller — export a shorter date range, or check it is the right file",
        )
    given_time = file_time
    file_time = given_time or datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
    if zipfile.is_zipfile(path):
        return _read_zip(path, limits, file_time, fixed_time=given_time is not None)
    if size == 0:
        raise UnknownFormatError(str(path), "the file is empty")
    data = path.read_bytes()
    return [parse_table(_decode(data, str(path)), path.name, file_time, limits)], []


def _zip_member_time(info: zipfile.ZipInfo, fallback: datetime) -> datetime:
    try:  # zip times are the local time of the machine that made the zip: the exporter's, WIB
        local = datetime(*info.date_time, tzinfo=EXPORT_TIMEZONE)
    except ValueError:
        return fallback
    return local.astimezone(UTC).replace(tzinfo=None) if local.year > 1980 else fallback


def _read_zip(
    path: Path, limits: ImportLimits, file_time: datetime, *, fixed_time: bool = False
) -> tuple[list[Table], list[tuple[str, str]]]:
    skipped: list[tuple[str, str]] = []
    tables: list[Table] = []
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ImportError_(str(path), f"broken zip file: {exc}") from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        if len(infos) > limits.max_members:
            raise FileTooLargeError(
                str(path), f"the zip holds {len(infos)} files, over the limit of {limits.max_members}"
            )
        declared = sum(info.file_size for info in infos)
        if declared > limits.max_uncompressed_bytes:
            raise FileTooLargeError(
                str(path),
                f"the zip would inflate to {declared / MB:.1f} MB, over the "
                f"{limits.max_uncompressed_bytes / MB:.0f} MB limit (refused without unpacking it)",
            )
        for info in infos:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio and info.file_size > MB:
                raise FileTooLargeError(
                    f"{path}!{info.filename}",
                    f"compressed {ratio:.0f}:1, over the {limits.max_ratio:.0f}:1 limit: this looks like a "
                    "zip bomb, not a platform export (refused without unpacking it)",
                )
        inflated = 0
        for info in infos:
            name = f"{path.name}!{info.filename}"
            base = PurePosixPath(info.filename).name
            if info.filename.startswith("__MACOSX/") or base.startswith("."):
                continue
            if not base.lower().endswith((".csv", ".tsv", ".txt")):
                skipped.append((name, "not a CSV file"))
                continue
            data = b"".join(_bounded_read(archive, info, limits.max_uncompressed_bytes - inflated, path))
            inflated += len(data)
            if not data.strip():
                skipped.append((name, "empty file"))
                continue
            member_time = file_time if fixed_time else _zip_member_time(info, file_time)
            tables.append(parse_table(_decode(data, name), name, member_time, limits))
    if not tables:
        raise UnknownFormatError(str(path), "the zip holds no CSV files")
    return tables, skipped


def _bounded_read(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, path: Path
) -> Iterator[bytes]:
    """Inflate a member chunk by chunk, stopping at the budget whatever its header claims."""
    read = 0
    with archive.open(info) as stream:
        while chunk := stream.read(64 * 1024):
            read += len(chunk)
            if read > budget:
                raise FileTooLargeError(
                    f"{path}!{info.filename}",
                    "inflates to more than the zip's declared size allows (refused): not a platform export",
                )
            yield chunk


# -- shared helpers for importers -------------------------------------------------------------------


def end_of_day(day: date) -> datetime:
    """The last second of a local (WIB) day, as naive UTC: the capture time of a range ending that day."""
    local = datetime.combine(day, time(23, 59, 59), tzinfo=EXPORT_TIMEZONE)
    return local.astimezone(UTC).replace(tzinfo=None)


def file_day(table: Table) -> date:
    """The file's date in WIB: the reference for dates written without a year."""
    return table.file_time.replace(tzinfo=UTC).astimezone(EXPORT_TIMEZONE).date()


POST_TYPES = {
    # Meta Business Suite (English and Indonesian UI), then generic words
    "photo": "photo", "photos": "photo", "foto": "photo", "ig image": "photo", "image": "photo",
    "gambar": "photo", "album": "carousel",
    "video": "video", "videos": "video", "ig video": "video", "live": "video", "siaran langsung": "video",
    "reel": "reel", "reels": "reel", "ig reel": "reel", "ig reels": "reel",
    "carousel": "carousel", "ig carousel": "carousel", "carousel_album": "carousel", "korsel": "carousel",
    "link": "link", "links": "link", "tautan": "link",
    "status": "text", "text": "text", "teks": "text",
    "story": "story", "stories": "story", "ig story": "story", "cerita": "story",
}  # fmt: skip


def post_format(text: str | None) -> str | None:
    """A Post type cell ("IG reel", "Foto", "Links") as one of the model's formats, or None."""
    if not text:
        return None
    return POST_TYPES.get(normalise_header(text))
