"""Local inputs: archive files (CSV / JSONL, incl. .gz) and saved HTML pages (a file or a folder).

Archives come from other tools and scrapers with their own column names, in Indonesian or English, so
columns are matched through an alias table. Each bad row becomes an `ItemProblem` naming file and line;
the good rows go on.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from gaung.errors import ParseError
from gaung.extract.cleanup import clean_text
from gaung.extract.dates import parse_indonesian_date
from gaung.models import Article, ItemProblem, RawDocument

RECORD_CONTENT_TYPE = "application/x-gaung-record+json"  # raw blobs of archive rows, for reprocessing
ARCHIVE_EXTRACTOR_VERSION = "archive-1"
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
ARCHIVE_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json", ".tsv")

# Column aliases, lower-cased. First match wins; Indonesian exports and common scraper names included.
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "url": ("url", "link", "permalink", "tautan", "post link", "post_url", "canonical_url"),
    "title": ("title", "judul", "headline", "video title", "post title"),
    "text": (
        "text",
        "isi_berita",
        "isi",
        "content",
        "body",
        "konten",
        "description",
        "caption",
        "post text",
        "message",
        "full_text",
        "article",
    ),
    "date": (
        "published_at",
        "date",
        "tanggal_publikasi",
        "tanggal",
        "publish time",
        "publish_time",
        "created_at",
        "timestamp",
        "waktu",
        "post time",
        "datetime",
    ),
    "time": ("time", "jam"),
    "source": ("source", "sumber", "site", "outlet", "media", "publisher", "website"),
    "author": ("author", "penulis", "username", "account username", "user", "screen_name", "account name"),
    "platform": ("platform", "network", "channel"),
}
ENGAGEMENT_ALIASES: dict[str, tuple[str, ...]] = {
    "likes": ("likes", "like_count", "favorite_count", "reactions", "suka"),
    "comments": ("comments", "comment_count", "replies", "komentar"),
    "shares": ("shares", "share_count", "retweets", "retweet_count", "reposts", "dibagikan"),
    "views": ("views", "view_count", "impressions", "plays", "tayangan"),
    "saves": ("saves", "bookmarks", "disimpan"),
}
MAX_FIELD_BYTES = 20 * 1024 * 1024  # csv's default 128 KiB field limit is too small for long articles


@dataclass
class ArchiveRow:
    """One archive row turned into an Article, with the raw record kept for `gaung reprocess`."""

    line: int
    article: Article
    raw: RawDocument


def _open_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ParseError(str(path), f"cannot read the file: {exc.strerror or exc}") from None
    if path.suffix == ".gz" or data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise ParseError(str(path), f"broken gzip file: {exc}") from None
    if not data.strip():
        raise ParseError(str(path), "the file is empty")
    if b"\x00" in data[:4096]:
        raise ParseError(str(path), "this looks like a binary file, not CSV or JSON lines")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _archive_format(path: Path, head: str) -> str:
    name = path.name.lower().removesuffix(".gz")
    if name.endswith((".jsonl", ".ndjson", ".json")) or head.lstrip().startswith(("{", "[")):
        return "jsonl"
    if name.endswith(".tsv"):
        return "tsv"
    return "csv"


def column_map(columns: list[str]) -> dict[str, str]:
    lowered = {c.strip().lower(): c for c in columns if c is not None}
    mapping: dict[str, str] = {}
    for field, aliases in {**FIELD_ALIASES, **ENGAGEMENT_ALIASES}.items():
        for alias in aliases:
            if alias in lowered:
                mapping[field] = lowered[alias]
                break
    return mapping


def _to_int(value: Any) -> int | None:
    """Parse an engagement count: "1,234" and Indonesian "1.234" are thousands, "12.0" is twelve."""
    if value is None:
        return None
    cleaned = str(value).strip().replace(",", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", cleaned):
        cleaned = cleaned.replace(".", "")
    try:
        return int(float(cleaned))
    except ValueError:
        return None


def record_to_article(
    record: dict[str, Any], mapping: dict[str, str], where: str, default_source: str | None = None
) -> Article:
    """Map one archive record to an Article; raises ParseError naming `where` when it is unusable."""

    def get(field: str) -> str:
        column = mapping.get(field)
        value = record.get(column) if column else None
        return "" if value is None else str(value).strip()

    text = get("text")
    title = get("title") or None
    if not text and not title:
        raise ParseError(where, "row has neither text nor title")
    url = get("url") or None
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise ParseError(where, f"not an http(s) URL: {url[:80]!r}")
    date_text = get("date")
    if date_text and get("time") and ":" not in date_text:
        date_text = f"{date_text} {get('time')}"
    published_at = parse_indonesian_date(date_text) if date_text else None
    site = get("source") or default_source or (urlsplit(url).hostname if url else None)
    engagement = {}
    for field in ENGAGEMENT_ALIASES:
        number = _to_int(record.get(mapping[field])) if field in mapping else None
        if number is not None:
            engagement[field] = number
    platform = (get("platform") or "").lower() or "news"
    cleaned = clean_text(text, site=site) if text else ""
    return Article(
        url=url,
        title=title,
        text=cleaned or (title or ""),
        published_at=published_at,
        author=get("author") or None,
        site=site,
        language=None,
        platform=platform,
        engagement=engagement,
        extractor_version=ARCHIVE_EXTRACTOR_VERSION,
    )


def read_archive(
    path: str | Path, *, default_source: str | None = None
) -> Iterator[ArchiveRow | ItemProblem]:
    """Yield an ArchiveRow per usable record and an ItemProblem per bad one (file:line: reason)."""
    path = Path(path)
    text = _open_text(path)
    fmt = _archive_format(path, text[:200])
    fetched_at = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    records: Iterator[tuple[int, dict[str, Any] | ItemProblem]]
    if fmt == "jsonl":
        records = _jsonl_records(path, text)
    else:
        records = _csv_records(path, text, "\t" if fmt == "tsv" else ",")
    mapping: dict[str, str] | None = None
    for line, record in records:
        if isinstance(record, ItemProblem):
            yield record
            continue
        if mapping is None or fmt == "jsonl":
            mapping = column_map(list(record))
            if "text" not in mapping and "title" not in mapping:
                yield ItemProblem(f"{path}:{line}", f"no text or title column among {sorted(record)}")
                if fmt != "jsonl":
                    return
                continue
        where = f"{path}:{line}"
        try:
            article = record_to_article(record, mapping, where, default_source)
        except ParseError as exc:
            yield ItemProblem(exc.where, exc.reason)
            continue
        content = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str).encode()
        raw = RawDocument(
            url=article.url or f"file://{path.resolve()}#{line}",
            content=content,
            fetched_at=fetched_at,
            headers={"content-type": RECORD_CONTENT_TYPE},
            encoding="utf-8",
            content_type=RECORD_CONTENT_TYPE,
        )
        yield ArchiveRow(line, article, raw)


def _jsonl_records(path: Path, text: str) -> Iterator[tuple[int, dict[str, Any] | ItemProblem]]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            items = json.loads(stripped)
        except json.JSONDecodeError as exc:
            yield 1, ItemProblem(f"{path}:{exc.lineno}", f"invalid JSON: {exc.msg}")
            return
        for i, item in enumerate(items, 1):
            yield i, item if isinstance(item, dict) else ItemProblem(f"{path}:item {i}", "not a JSON object")
        return
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield number, ItemProblem(f"{path}:{number}", f"invalid JSON ({exc.msg} at column {exc.colno})")
            continue
        if not isinstance(item, dict):
            yield number, ItemProblem(f"{path}:{number}", "not a JSON object")
            continue
        yield number, item


def _csv_records(path: Path, text: str, delimiter: str) -> Iterator[tuple[int, dict[str, Any] | ItemProblem]]:
    csv.field_size_limit(min(MAX_FIELD_BYTES, sys.maxsize))
    # An odd number of quote characters means the file stops inside a quoted field: a truncated export.
    # The lenient csv reader would hand that last row over silently cut, so it is held back and reported.
    ends_inside_quote = text.count('"') % 2 == 1
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        yield 1, ItemProblem(f"{path}:1", f"cannot read the CSV header: {exc}")
        return
    pending: tuple[int, list[str]] | None = None
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield line, ItemProblem(f"{path}:{line}", f"malformed CSV: {exc}")
            return  # the csv module cannot resynchronise after a broken quote
        if not any(cell.strip() for cell in row):
            continue
        if pending is not None:
            yield _csv_row(path, header, *pending)
        pending = (line, row)
    if pending is not None:
        if ends_inside_quote:
            yield (
                pending[0],
                ItemProblem(f"{path}:{pending[0]}", "the file ends inside this row (truncated export?)"),
            )
        else:
            yield _csv_row(path, header, *pending)


def _csv_row(
    path: Path, header: list[str], line: int, row: list[str]
) -> tuple[int, dict[str, Any] | ItemProblem]:
    if len(row) != len(header):
        return line, ItemProblem(
            f"{path}:{line}", f"expected {len(header)} columns, found {len(row)} (truncated or misquoted row)"
        )
    return line, dict(zip(header, row, strict=True))


def iter_html_files(path: str | Path) -> Iterator[Path]:
    """A single HTML file, or every HTML file below a folder (sorted, so runs are repeatable)."""
    path = Path(path)
    if path.is_file():
        yield path
        return
    if not path.is_dir():
        raise ParseError(str(path), "no such file or folder")
    for child in sorted(path.rglob("*")):
        if child.is_file() and child.suffix.lower() in HTML_SUFFIXES:
            yield child


def read_html_file(path: Path, url: str | None = None) -> RawDocument:
    content = path.read_bytes()
    return RawDocument(
        url=url or path.resolve().as_uri(),
        content=content,
        fetched_at=datetime.fromtimestamp(path.stat().st_mtime, UTC),
        headers={"content-type": "text/html"},
        content_type="text/html",
    )
