"""The importer registry and format detection.

An `Importer` declares the tables it reads (`TableSpec`: an alias table, the columns that identify the
table and the columns it needs) and a `parse` function from those tables to a `ParsedExport`. Built-in
importers register themselves the same way a plug-in would: `register(Importer(...))`.

Detection looks only at content: each table's header is matched against every spec; a spec claims a
table when all its `signature` columns are present and none of its `forbidden` ones. The claim with the
most matched columns wins. A claimed table missing `required` columns is an error that lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gaung.content.importers.base import MissingColumnsError, Table, UnknownFormatError, map_columns
from gaung.content.model import ParsedExport


@dataclass(frozen=True)
class TableSpec:
    role: str  # e.g. "posts", "overview", "followers"
    aliases: Mapping[str, tuple[str, ...]]
    signature: tuple[str, ...]  # fields whose presence identifies this table
    required: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()  # fields whose presence rules this table out
    comment_signature: tuple[str, ...] = ()  # substrings one of the leading "#" lines must contain


@dataclass
class MatchedTable:
    table: Table
    columns: dict[str, int]  # field → column index

    def get(self, cells: list[str], name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(cells):
            return ""
        return cells[index].strip()

    def raw(self, cells: list[str]) -> dict[str, Any]:
        return {header: cells[i] if i < len(cells) else "" for i, header in enumerate(self.table.header)}


@dataclass(frozen=True)
class ImportContext:
    channel: str | None  # the --channel name, if given


ParseFunction = Callable[[dict[str, list[MatchedTable]], ImportContext], ParsedExport]


@dataclass(frozen=True)
class Importer:
    name: str  # "meta_facebook", ...
    label: str  # "Meta Business Suite — Facebook posts"
    tables: tuple[TableSpec, ...]
    parse: ParseFunction
    primary_roles: tuple[str, ...] = field(default=("posts",))  # at least one must be present

    def spec(self, role: str) -> TableSpec:
        return next(spec for spec in self.tables if spec.role == role)


IMPORTERS: dict[str, Importer] = {}


def register(importer: Importer) -> Importer:
    """Add an importer (built-in or plug-in); a later one with the same name replaces the earlier."""
    IMPORTERS[importer.name] = importer
    return importer


def known_formats() -> str:
    return "; ".join(f"{imp.label} ({imp.name})" for imp in IMPORTERS.values())


def _claims(table: Table) -> list[tuple[int, Importer, TableSpec, dict[str, int]]]:
    claims = []
    for importer in IMPORTERS.values():
        for spec in importer.tables:
            columns = map_columns(table.header, spec.aliases)
            if not all(name in columns for name in spec.signature):
                continue
            if any(name in columns for name in spec.forbidden):
                continue
            if spec.comment_signature and not any(
                marker in line.lower() for line in table.comments for marker in spec.comment_signature
            ):
                continue
            claims.append((len(columns) + len(spec.signature), importer, spec, columns))
    return sorted(claims, key=lambda claim: -claim[0])


def detect(tables: list[Table]) -> dict[str, dict[str, list[MatchedTable]]]:
    """importer name → role → matched tables, for every table; raises for unknown or incomplete ones."""
    found: dict[str, dict[str, list[MatchedTable]]] = {}
    for table in tables:
        claims = _claims(table)
        if not claims:
            found_columns = ", ".join(h.strip() for h in table.header if h.strip()) or "(none)"
            raise UnknownFormatError(
                table.name,
                f"not a platform export Gaung knows. Columns found: {found_columns}. "
                f"Known formats: {known_formats()}. If this is one of them in another UI language, its "
                "header names need adding to the alias table (docs/content-import.md).",
            )
        _, importer, spec, columns = claims[0]
        missing = [name for name in spec.required if name not in columns]
        if missing:
            wanted = ", ".join(f"{name} (e.g. {spec.aliases[name][0]!r})" for name in missing)
            raise MissingColumnsError(
                table.name,
                f"looks like a {importer.label} export ({spec.role}) but lacks required columns: {wanted}. "
                "Export again with these columns selected.",
            )
        found.setdefault(importer.name, {}).setdefault(spec.role, []).append(MatchedTable(table, columns))
    return found
