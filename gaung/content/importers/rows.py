"""Helpers importers share: channel references, metric cells, and the skip-a-bad-row loop."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import datetime

from gaung.content.importers.registry import ImportContext, MatchedTable
from gaung.content.model import ChannelRef, ParsedExport
from gaung.content.numbers import parse_count, parse_duration, parse_number

Parser = Callable[[str], float | int | None]
COUNT: Parser = parse_count
DECIMAL: Parser = parse_number
SECONDS: Parser = parse_duration
EMPTY_ID = {"", "-", "total", "totals", "jumlah", "grand total", "total keseluruhan"}


def channel_ref(
    platform: str,
    context: ImportContext,
    *,
    account_id: str | None = None,
    handle: str | None = None,
    name: str | None = None,
) -> ChannelRef:
    """The channel a row belongs to: keyed by account id, else handle, else the given or default name.

    `--channel NAME` names the channel; it keys it only when the export carries no account id or handle.
    """
    account_id = account_id or None
    handle = handle.lstrip("@") if handle else None
    display = context.channel or name or (f"@{handle}" if handle else None) or platform
    key = account_id or handle or display
    return ChannelRef(platform=platform, key=key, name=display, handle=handle, account_id=account_id)


def read_metrics(
    matched: MatchedTable, cells: list[str], spec: dict[str, tuple[str, Parser]]
) -> dict[str, float | int]:
    """metric → value for the spec's columns present in the table; ValueError names the bad column."""
    metrics: dict[str, float | int] = {}
    for metric, (name, parse) in spec.items():
        if name not in matched.columns or metric in metrics:
            continue
        text = matched.get(cells, name)
        try:
            value = parse(text)
        except ValueError as exc:
            header = matched.table.header[matched.columns[name]].strip()
            raise ValueError(f"column {header!r}: {exc}") from None
        if value is not None:
            metrics[metric] = value
    return metrics


def each_row(matched: MatchedTable, parsed: ParsedExport) -> Iterator[tuple[str, list[str]]]:
    """(where, cells) per data row, counting rows read; a ValueError inside the caller's loop body
    cannot be caught here, so callers use `skip_on_error`."""
    for line, cells in matched.table.rows:
        parsed.rows_read += 1
        yield matched.table.where(line), cells


def is_total_row(identifier: str) -> bool:
    return identifier.strip().lower() in EMPTY_ID


def handle_from_link(link: str, pattern: str) -> str | None:
    match = re.search(pattern, link or "")
    return match[1] if match else None


def latest(values: list[datetime]) -> datetime | None:
    return max(values) if values else None
