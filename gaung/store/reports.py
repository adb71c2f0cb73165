"""What the Monitoring Center shows: filtered mention lists and the aggregates behind its pages.

Every page and API call goes through here, so a Python caller gets the same numbers:
- `MentionFilters` — the search box (query language) plus facet choices, parsed from plain parameters;
- `mention_page` — newest-first keyset pages over canonical copies (fast however deep you page);
- `facet_counts` — counts per tone / site / language / issue / entity over the newest matches;
- `overview`, `volume_by_day`, `top_*` — the dashboard aggregates in a time window.

Only canonical copies are listed and counted: a story syndicated to ten outlets is one row with
"+9 media", not ten rows (and not a spike). Aggregates read a time window through
`ix_mentions_published_cover` (published_at, id and the filter columns), never the whole archive
and never the wide rows, which keeps them fast on 1,000,000 mentions (docs/benchmarks.md, Pages).
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from time import monotonic
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.errors import GaungError
from gaung.store.fulltext import FTS_TABLE
from gaung.store.query import COUNT_CAP, TONES, QueryCompiler, parse_query
from gaung.store.schema import (
    corrections,
    issues,
    mention_entities,
    mention_quotes,
    mentions,
    syndication_groups,
)

# The office's calendar: "18 June" means 18 June in Jakarta, for date filters and daily buckets.
OFFICE_TZ: tzinfo = ZoneInfo("Asia/Jakarta")
OFFICE_UTC_OFFSET_HOURS = 7  # WIB has no daylight saving, so a fixed offset buckets days in SQL
# Facet counts read the newest matches only: exact counts over a million rows cost seconds, and the
# analyst deciding which facet to click cares about the recent picture.
FACET_SAMPLE = 20_000
FACET_LIMIT = 10
EXPORT_MAX_ROWS = 50_000  # an export is for a spreadsheet; beyond this, narrow the filters
OVERVIEW_DAYS = 30
TONE_LABELS = ("positive", "neutral", "negative")
LANGUAGE_CODES = ("id", "en", "other")


class FilterError(GaungError):
    """A facet parameter is malformed (bad date, unknown tone, non-numeric issue, bad cursor)."""

    def __init__(self, name: str, value: str, reason: str):
        super().__init__(f"{name}={value!r}: {reason}")
        self.name = name
        self.value = value
        self.reason = reason


@dataclass(frozen=True)
class MentionFilters:
    """The search box plus facet choices; values within one facet are ORed, facets are ANDed."""

    q: str = ""
    tones: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    issue: int | None = None
    languages: tuple[str, ...] = ()
    date_from: date | None = None
    date_to: date | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any] | Any) -> MentionFilters:
        """Parse request parameters (a dict of lists, or anything with `getlist`); raises FilterError."""

        def many(name: str) -> tuple[str, ...]:
            raw = params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])
            values = [raw] if isinstance(raw, str) else list(raw or [])
            return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))

        def one(name: str) -> str:
            values = many(name)
            return values[-1] if values else ""

        tones = []
        for tone in many("tone"):
            if tone.lower() not in TONES:
                raise FilterError("tone", tone, "use positive, neutral or negative")
            tones.append(TONES[tone.lower()])
        issue = one("issue")
        if issue and not issue.isdigit():
            raise FilterError("issue", issue, "an issue is chosen by its number")
        q = one("q")
        if q and len(q) > 1000:
            raise FilterError("q", q[:40] + "…", "the query is longer than 1000 characters")
        return cls(
            q=q,
            tones=tuple(dict.fromkeys(tones)),
            sites=many("site"),
            entities=many("entity"),
            issue=int(issue) if issue else None,
            languages=tuple(v.lower() for v in many("lang")),
            date_from=_parse_date("from", one("from")),
            date_to=_parse_date("to", one("to")),
        )

    def params(self) -> list[tuple[str, str]]:
        """The filters as query-string pairs (for links, the next page and exports)."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        pairs += [("tone", v) for v in self.tones]
        pairs += [("site", v) for v in self.sites]
        pairs += [("entity", v) for v in self.entities]
        if self.issue is not None:
            pairs.append(("issue", str(self.issue)))
        pairs += [("lang", v) for v in self.languages]
        if self.date_from:
            pairs.append(("from", self.date_from.isoformat()))
        if self.date_to:
            pairs.append(("to", self.date_to.isoformat()))
        return pairs

    def toggled(self, name: str, value: str) -> list[tuple[str, str]]:
        """The parameters with one facet value switched on or off (facet links)."""
        pairs = self.params()
        if (name, value) in pairs:
            return [p for p in pairs if p != (name, value)]
        if name in ("issue", "from", "to"):
            pairs = [p for p in pairs if p[0] != name]
        return [*pairs, (name, value)]

    def is_empty(self) -> bool:
        return not self.params()

    def conditions(self, dialect: str) -> list[sa.ColumnElement[bool]]:
        """SQL conditions over `mentions`; raises QueryError for a malformed query."""
        where: list[sa.ColumnElement[bool]] = [mentions.c.is_canonical.is_(True)]
        if self.q.strip():
            where.append(QueryCompiler(dialect, OFFICE_TZ).condition(parse_query(self.q)))
        return where + self._facet_conditions()

    def _facet_conditions(self) -> list[sa.ColumnElement[bool]]:
        """The conditions of the facet choices (everything but the search box)."""
        where: list[sa.ColumnElement[bool]] = []
        if self.tones:
            where.append(sa.func.coalesce(mentions.c.tone, "").in_(self.tones))
        if self.sites:
            # coalesce (same rows: the chosen sites are non-empty) keeps SQLite off the (site, tone,
            # published_at) index, which would read every row of a big outlet to sort it; newest-first
            # through ix_mentions_published_cover stops after a page and never reads the wide rows
            where.append(sa.func.coalesce(mentions.c.site, "").in_(self.sites))
        if self.entities:
            lowered = [" ".join(v.lower().split()) for v in self.entities]
            where.append(
                sa.exists().where(
                    mention_entities.c.mention_id == mentions.c.id,
                    sa.or_(
                        mention_entities.c.watch_id.in_(self.entities),
                        mention_entities.c.normalized.in_(lowered),
                    ),
                )
            )
        if self.issue is not None:
            where.append(mentions.c.issue_id == self.issue)
        if self.languages:
            where.append(sa.func.lower(sa.func.coalesce(mentions.c.language, "")).in_(self.languages))
        if self.date_from:
            where.append(mentions.c.published_at >= _day_start(self.date_from))
        if self.date_to:
            where.append(mentions.c.published_at < _day_start(self.date_to + timedelta(days=1)))
        return where


def _parse_date(name: str, value: str) -> date | None:
    if not value:
        return None
    try:
        if "/" in value:
            day, month, year = (int(part) for part in value.split("/"))
            return date(year, month, day)
        return date.fromisoformat(value)
    except ValueError:
        raise FilterError(name, value, "use YYYY-MM-DD or DD/MM/YYYY, e.g. 2025-06-18") from None


def _day_start(day: date) -> datetime:
    """The stored (naive UTC) time at which `day` begins in the office's time zone."""
    return datetime.combine(day, time(), tzinfo=OFFICE_TZ).astimezone(UTC).replace(tzinfo=None)


# --- mention lists --------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentionRow:
    """One line of a mention list: the canonical copy plus its syndication reach."""

    id: int
    title: str | None
    site: str | None
    url: str | None
    published_at: datetime | None
    language: str | None
    tone: str | None
    tone_reason: list[str]
    issue_id: int | None
    copies: int  # other stored copies of the story
    outlets: int  # outlets carrying it, this one included


@dataclass
class MentionPage:
    """One keyset page; `next_cursor` is None on the last page."""

    rows: list[MentionRow]
    total: int
    total_exact: bool
    next_cursor: str | None
    limit: int


def encode_cursor(row: MentionRow) -> str:
    """An opaque cursor after `row` in newest-first order: its (published_at, id)."""
    stamp = row.published_at.isoformat() if row.published_at else ""
    return base64.urlsafe_b64encode(f"{stamp}|{row.id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime | None, int]:
    """Inverse of encode_cursor; raises FilterError for anything that is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, ident = raw.partition("|")
        return (datetime.fromisoformat(stamp) if stamp else None), int(ident)
    except (ValueError, UnicodeDecodeError):
        raise FilterError(
            "cursor", cursor[:40], "not a page cursor; start again from the first page"
        ) from None


def _list_columns() -> list[Any]:
    return [
        mentions.c.id,
        mentions.c.title,
        mentions.c.site,
        mentions.c.url,
        mentions.c.published_at,
        mentions.c.language,
        mentions.c.tone,
        mentions.c.tone_reason,
        mentions.c.issue_id,
        syndication_groups.c.size,
        syndication_groups.c.outlets,
    ]


def _row(r: Any) -> MentionRow:
    reason = r.tone_reason if isinstance(r.tone_reason, list) else []
    return MentionRow(
        id=r.id,
        title=r.title,
        site=r.site,
        url=r.url,
        published_at=r.published_at,
        language=r.language,
        tone=r.tone,
        tone_reason=[str(x) for x in reason],
        issue_id=r.issue_id,
        copies=max(int(r.size or 1) - 1, 0),
        outlets=int(r.outlets or 1),
    )


def _newest(where: Sequence[sa.ColumnElement[bool]]) -> sa.Select[Any]:
    return (
        sa.select(*_list_columns())
        .select_from(
            mentions.join(
                syndication_groups, syndication_groups.c.id == mentions.c.syndication_group_id, isouter=True
            )
        )
        .where(*where)
        .order_by(mentions.c.published_at.desc().nulls_last(), mentions.c.id.desc())
    )


def _data_version(conn: Connection) -> tuple[Any, ...]:
    """What the cached lists and aggregates depend on: the database, the newest mention id (new stories,
    and the canonical copy a new syndicated copy may change), the newest correction id (a corrected tone or
    issue) and the merged issues (a merge moves mentions between issues). A few index lookups."""
    newest_id = conn.execute(sa.select(sa.func.max(mentions.c.id))).scalar_one()
    correction_id = conn.execute(sa.select(sa.func.max(corrections.c.id))).scalar_one()
    merged = conn.execute(
        sa.select(sa.func.count(), sa.func.sum(issues.c.id), sa.func.sum(issues.c.merged_into)).where(
            issues.c.merged_into.is_not(None)
        )
    ).one()
    return (str(conn.engine.url), newest_id, correction_id, tuple(merged))


# --- text queries: one read of the matches ---------------------------------------------------------
# A search word on SQLite used to cost three passes through `mentions.id IN (rowids matching)`: the capped
# count, the page (newest first, so every match's wide row was read to sort them) and the facet sample.
# When the word matches at most MATCH_SET_MAX articles (an FTS5-only count, a few milliseconds), one
# statement reads the narrow columns of every match instead, and count, page and facets come from that
# list: the same numbers and rows as the three statements. Broader words keep the three statements,
# which stop early on them (the count at COUNT_CAP, the page after a few index entries).
MATCH_SET_MAX = 40_000
# The match set of the last few searches is kept per process while the data it was read from is
# unchanged (`_data_version`) and for at most MATCH_CACHE_SECONDS, so the next page of a list and the
# facet links clicked on it do not read the matches again. At most MATCH_CACHE_SIZE sets of at most
# MATCH_SET_MAX small tuples each.
MATCH_CACHE_SECONDS = 60.0
MATCH_CACHE_SIZE = 8
_match_cache: dict[tuple[Any, ...], tuple[float, list[_Match]]] = {}


# (id, published_at as stored, tone, site, language, issue_id): plain tuples, and the stored time text
# (which is what SQL orders and compares), because building objects for tens of thousands of matches
# would cost more than reading them.
_Match = tuple[int, Any, str | None, str | None, str | None, int | None]


def _match_set(conn: Connection, filters: MentionFilters) -> list[_Match] | None:
    """Every match of `filters`, newest first, when its search words match few enough articles.

    None when there is no search word, the database is not SQLite, the query has no part every match
    must contain (only filters, or text under OR) or the words match more than MATCH_SET_MAX articles.
    """
    if conn.dialect.name != "sqlite" or not filters.q.strip():
        return None
    compiler = QueryCompiler("sqlite", OFFICE_TZ)
    text, others = compiler.split(parse_query(filters.q))
    if text is None:
        return None
    fts_query = compiler.render(text)
    matching = (
        sa.select(FTS_TABLE.c.rowid)
        .where(sa.literal_column("mentions_fts").op("MATCH")(sa.bindparam(None, fts_query, sa.String)))
        .limit(MATCH_SET_MAX + 1)
        .subquery()
    )
    key = (fts_query, filters, *_data_version(conn))
    clock = monotonic()
    hit = _match_cache.get(key)
    if hit is not None and clock - hit[0] <= MATCH_CACHE_SECONDS:
        return hit[1]
    if int(conn.execute(sa.select(sa.func.count()).select_from(matching)).scalar_one()) > MATCH_SET_MAX:
        return None
    where = [mentions.c.is_canonical.is_(True), compiler.match(text), *others, *filters._facet_conditions()]
    statement = sa.select(
        mentions.c.id,
        sa.type_coerce(mentions.c.published_at, sa.String),
        mentions.c.tone,
        mentions.c.site,
        mentions.c.language,
        mentions.c.issue_id,
    ).where(*where)
    # SQLite sorts the matches (in C) by what the list pages order by
    ordered = statement.order_by(mentions.c.published_at.desc().nulls_last(), mentions.c.id.desc())
    found: list[_Match] = [tuple(r) for r in conn.execute(ordered).all()]
    if len(_match_cache) >= MATCH_CACHE_SIZE:
        _match_cache.pop(min(_match_cache, key=lambda k: _match_cache[k][0]))
    _match_cache[key] = (clock, found)
    return found


def _after_cursor(conn: Connection, found: list[_Match], cursor: str) -> list[_Match]:
    """The matches after `cursor` (the SQL keyset condition of `mention_page`, on stored time text)."""
    stamp, ident = decode_cursor(cursor)
    if stamp is None:
        return [m for m in found if m[1] is None and m[0] < ident]
    stored = mentions.c.published_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    text = stored(stamp) if stored else stamp
    return [m for m in found if m[1] is None or m[1] < text or (m[1] == text and m[0] < ident)]


def mention_page(
    conn: Connection,
    filters: MentionFilters,
    *,
    limit: int = 25,
    cursor: str | None = None,
    matches: list[_Match] | None = None,
) -> MentionPage:
    """Newest-first page of canonical mentions matching `filters`, after `cursor`.

    Keyset paging on (published_at, id) walks the published_at index, so page 400 costs what page 1
    costs; the total is counted up to COUNT_CAP ("10,000+") like the search. `matches` is the
    `_match_set` of `filters` when the caller has already read it (the list page shares it with the facets).
    """
    found = matches if matches is not None else _match_set(conn, filters)
    if found is not None:
        after = _after_cursor(conn, found, cursor) if cursor else found
        wanted = [m[0] for m in after[: limit + 1]]
        rows = [_row(r) for r in conn.execute(_newest([mentions.c.id.in_(wanted)]))] if wanted else []
        counted = len(found)
    else:
        where = filters.conditions(conn.dialect.name)
        capped = sa.select(mentions.c.id).where(*where).limit(COUNT_CAP + 1).subquery()
        counted = int(conn.execute(sa.select(sa.func.count()).select_from(capped)).scalar_one())
        page_where = list(where)
        if cursor:
            stamp, ident = decode_cursor(cursor)
            published = mentions.c.published_at
            if stamp is None:
                page_where.append(sa.and_(published.is_(None), mentions.c.id < ident))
            else:
                page_where.append(
                    sa.or_(
                        published < stamp,
                        sa.and_(published == stamp, mentions.c.id < ident),
                        published.is_(None),
                    )
                )
        rows = [_row(r) for r in conn.execute(_newest(page_where).limit(limit + 1))]
    more = len(rows) > limit
    rows = rows[:limit]
    return MentionPage(
        rows=rows,
        total=min(counted, COUNT_CAP),
        total_exact=counted <= COUNT_CAP,
        next_cursor=encode_cursor(rows[-1]) if more and rows else None,
        limit=limit,
    )


def mention_list(
    conn: Connection,
    filters: MentionFilters,
    watch_names: Mapping[str, str] | None = None,
    *,
    limit: int = 25,
    cursor: str | None = None,
) -> tuple[MentionPage, dict[str, list[tuple[str, str, int]]]]:
    """`mention_page` and `facet_counts` of one list page, reading a search word's matches once."""
    found = _match_set(conn, filters)
    page = mention_page(conn, filters, limit=limit, cursor=cursor, matches=found)
    return page, facet_counts(conn, filters, watch_names, matches=found)


def iter_mentions(
    conn: Connection, filters: MentionFilters, *, max_rows: int = EXPORT_MAX_ROWS
) -> Iterator[MentionRow]:
    """Every matching canonical mention, newest first, up to `max_rows` (for exports)."""
    for r in conn.execute(_newest(filters.conditions(conn.dialect.name)).limit(max_rows)):
        yield _row(r)


def _entity_parts(in_sample: sa.ColumnElement[bool]) -> list[Any]:
    """The watched-entity and named-entity facet statements over the mentions `in_sample` selects."""
    no_label = sa.cast(sa.null(), sa.Text)
    mentions_n = sa.func.count(sa.distinct(mention_entities.c.mention_id)).label("n")
    watched = (
        sa.select(
            sa.literal("watch").label("facet"),
            sa.cast(mention_entities.c.watch_id, sa.Text).label("value"),
            no_label.label("label"),
            mentions_n,
        )
        .where(in_sample, mention_entities.c.watch_id.is_not(None))
        .group_by(mention_entities.c.watch_id)
        .order_by(mentions_n.desc(), mention_entities.c.watch_id)
        .limit(FACET_LIMIT)
    )
    named = (
        sa.select(
            sa.literal("named").label("facet"),
            sa.cast(mention_entities.c.normalized, sa.Text).label("value"),
            sa.cast(sa.func.min(mention_entities.c.text), sa.Text).label("label"),
            mentions_n,
        )
        .where(
            in_sample,
            mention_entities.c.watch_id.is_(None),
            mention_entities.c.type.in_(("PERSON", "ORGANIZATION")),
        )
        .group_by(mention_entities.c.normalized)
        .order_by(mentions_n.desc(), mention_entities.c.normalized)
        .limit(FACET_LIMIT)
    )
    return [watched, named]


def _top_values(values: Sequence[Any]) -> list[tuple[str, str | None, int]]:
    """GROUP BY value ORDER BY count DESC, value LIMIT FACET_LIMIT, over non-null values, in Python."""
    counts = Counter(values)
    counts.pop(None, None)
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:FACET_LIMIT]
    return [(str(value), None, n) for value, n in ranked]


def facet_counts(
    conn: Connection,
    filters: MentionFilters,
    watch_names: Mapping[str, str] | None = None,
    *,
    matches: list[_Match] | None = None,
) -> dict[str, list[tuple[str, str, int]]]:
    """(value, label, count) per facet over the newest FACET_SAMPLE matches of `filters`.

    `matches` is the `_match_set` of `filters` when the caller has already read it.
    """
    found: dict[str, list[tuple[str, str | None, int]]] = {
        "tone": [],
        "site": [],
        "lang": [],
        "issue": [],
        "watch": [],
        "named": [],
    }
    parts: list[Any]
    if matches is None:
        matches = _match_set(conn, filters)
    if matches is not None:
        # the newest matches are already in hand: count their columns here, ask SQL for the entities only
        sample = matches[:FACET_SAMPLE]
        columns = list(zip(*sample, strict=True)) if sample else [()] * 6
        found["tone"] = _top_values(columns[2])
        found["site"] = _top_values(columns[3])
        found["lang"] = _top_values(columns[4])
        found["issue"] = _top_values(columns[5])
        ids = sa.select(sa.column("value", sa.Integer)).select_from(
            sa.func.json_each(sa.bindparam(None, json.dumps(columns[0]), sa.String))
        )
        parts = _entity_parts(mention_entities.c.mention_id.in_(ids)) if sample else []
    else:
        # One statement: the sample is a CTE that SQLite materialises once (it is read six times), and
        # it carries the facet columns itself, so each count reads them from the sample (on SQLite
        # index-only, through ix_mentions_published_cover) instead of looking every id up again in the
        # wide `mentions` rows, whose article text sits in front of these columns. Each facet keeps its
        # own ORDER BY count, value / LIMIT, so the lists are those of six separate queries.
        cte = (
            sa.select(
                mentions.c.id, mentions.c.tone, mentions.c.site, mentions.c.language, mentions.c.issue_id
            )
            .where(*filters.conditions(conn.dialect.name))
            .order_by(mentions.c.published_at.desc().nulls_last(), mentions.c.id.desc())
            .limit(FACET_SAMPLE)
            .cte("facet_sample")
        )
        no_label = sa.cast(sa.null(), sa.Text)

        def grouped(name: str, column: Any) -> Any:
            count = sa.func.count().label("n")
            return (
                sa.select(
                    sa.literal(name).label("facet"),
                    sa.cast(column, sa.Text).label("value"),
                    no_label.label("label"),
                    count,
                )
                .where(column.is_not(None))
                .group_by(column)
                .order_by(count.desc(), column)
                .limit(FACET_LIMIT)
            )

        parts = [
            grouped("tone", cte.c.tone),
            grouped("site", cte.c.site),
            grouped("lang", cte.c.language),
            grouped("issue", cte.c.issue_id),
            *_entity_parts(mention_entities.c.mention_id.in_(sa.select(cte.c.id))),
        ]
    if parts:
        # each part keeps its order and limit inside its own subquery; UNION ALL keeps the parts in order
        union = sa.union_all(*(sa.select(part.subquery()) for part in parts))
        for facet, value, label, n in conn.execute(union):
            found[str(facet)].append(("" if value is None else str(value), label, int(n)))

    facets: dict[str, list[tuple[str, str, int]]] = {
        name: [(v, v, n) for v, _, n in found[name]] for name in ("tone", "site", "lang")
    }
    labels = _issue_labels(conn, [int(v) for v, _, _ in found["issue"]])
    facets["issue"] = [(v, labels.get(int(v), f"#{v}"), n) for v, _, n in found["issue"]]
    names = watch_names or {}
    entities = [(w, names.get(w, w), n) for w, _, n in found["watch"]]
    entities += [(v, str(label), n) for v, label, n in found["named"] if v]
    facets["entity"] = entities
    return facets


def _issue_labels(conn: Connection, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = conn.execute(sa.select(issues.c.id, issues.c.label).where(issues.c.id.in_(ids)))
    return {int(r.id): r.label for r in rows}


# --- dashboard aggregates -------------------------------------------------------------------------


def anchor_time(conn: Connection, now: datetime | None = None) -> datetime:
    """min(now, newest mention): an imported archive shows its own last weeks, not an empty today."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    newest = conn.execute(sa.select(sa.func.max(mentions.c.published_at))).scalar_one()
    if isinstance(newest, str):  # SQLite returns the raw text for an aggregate
        newest = datetime.fromisoformat(newest)
    return min(now, newest) if newest else now


def _window(until: datetime, days: int) -> list[sa.ColumnElement[bool]]:
    if until.tzinfo:
        until = until.astimezone(UTC).replace(tzinfo=None)
    return [
        mentions.c.is_canonical.is_(True),
        mentions.c.published_at >= until - timedelta(days=days),
        mentions.c.published_at <= until,
    ]


def _local_day(dialect: str) -> Any:
    if dialect == "postgresql":
        shifted = mentions.c.published_at + sa.text(f"interval '{OFFICE_UTC_OFFSET_HOURS} hours'")
        return sa.func.to_char(shifted, "YYYY-MM-DD")
    return sa.func.strftime("%Y-%m-%d", mentions.c.published_at, f"+{OFFICE_UTC_OFFSET_HOURS} hours")


@dataclass
class DayVolume:
    """Stories published on one office-calendar day, by tone."""

    day: str
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    unknown: int = 0

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative + self.unknown


def volume_by_day(
    conn: Connection, until: datetime, *, days: int = OVERVIEW_DAYS, issue_id: int | None = None
) -> list[DayVolume]:
    """Stories per day and tone over `days` days up to `until`, every day present (zeros included)."""
    where = _window(until, days)
    if issue_id is not None:
        where.append(mentions.c.issue_id == issue_id)
    rows: Sequence[Any]
    if conn.dialect.name == "sqlite":
        # strftime() on every row of the window costs more than the scan itself; group by the stored
        # text's hour ("YYYY-MM-DD HH") instead and shift the few hundred buckets to office days here
        # (the offset is whole hours, so each hour falls in exactly one office day).
        hour = sa.func.substr(mentions.c.published_at, 1, 13).label("hour")
        by_day: dict[tuple[str, Any], int] = {}
        for hour_text, tone, count in conn.execute(
            sa.select(hour, mentions.c.tone, sa.func.count()).where(*where).group_by(hour, mentions.c.tone)
        ):
            text = str(hour_text)
            start = datetime.fromisoformat(text[:10]) + timedelta(hours=int(text[11:13]))
            key = ((start + timedelta(hours=OFFICE_UTC_OFFSET_HOURS)).date().isoformat(), tone)
            by_day[key] = by_day.get(key, 0) + int(count)
        rows = [(day_text, tone, count) for (day_text, tone), count in by_day.items()]
    else:
        day = _local_day(conn.dialect.name).label("day")
        rows = conn.execute(
            sa.select(day, mentions.c.tone, sa.func.count()).where(*where).group_by(day, mentions.c.tone)
        ).all()
    local_until = until.replace(tzinfo=UTC).astimezone(OFFICE_TZ).date() if not until.tzinfo else until.date()
    series = {
        (local_until - timedelta(days=k)).isoformat(): DayVolume(
            (local_until - timedelta(days=k)).isoformat()
        )
        for k in range(days, -1, -1)
    }
    for day_text, tone, count in rows:
        bucket = series.setdefault(str(day_text), DayVolume(str(day_text)))
        name = tone if tone in TONE_LABELS else "unknown"
        setattr(bucket, name, getattr(bucket, name) + int(count))
    return [series[k] for k in sorted(series)]


@dataclass
class Ranked:
    """One line of a top-N list."""

    key: str
    label: str
    count: int
    negative: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def top_outlets(
    conn: Connection, until: datetime, *, days: int = OVERVIEW_DAYS, limit: int = 10
) -> list[Ranked]:
    count = sa.func.count().label("n")
    negative = sa.func.sum(sa.case((mentions.c.tone == "negative", 1), else_=0))
    rows = conn.execute(
        sa.select(mentions.c.site, count, negative)
        .where(*_window(until, days), mentions.c.site.is_not(None))
        .group_by(mentions.c.site)
        .order_by(count.desc(), mentions.c.site)
        .limit(limit)
    ).all()
    return [Ranked(str(r[0]), str(r[0]), int(r[1]), int(r[2] or 0)) for r in rows]


def top_issues(
    conn: Connection, until: datetime, *, days: int = OVERVIEW_DAYS, limit: int = 10
) -> list[Ranked]:
    count = sa.func.count().label("n")
    negative = sa.func.sum(sa.case((mentions.c.tone == "negative", 1), else_=0))
    rows = conn.execute(
        sa.select(mentions.c.issue_id, count, negative)
        .where(*_window(until, days), mentions.c.issue_id.is_not(None))
        .group_by(mentions.c.issue_id)
        .order_by(count.desc(), mentions.c.issue_id)
        .limit(limit)
    ).all()
    labels = _issue_labels(conn, [int(r[0]) for r in rows])
    return [Ranked(str(r[0]), labels.get(int(r[0]), f"#{r[0]}"), int(r[1]), int(r[2] or 0)) for r in rows]


def top_speakers(
    conn: Connection,
    until: datetime,
    *,
    days: int = OVERVIEW_DAYS,
    limit: int = 10,
    issue_id: int | None = None,
) -> list[Ranked]:
    """Who is quoted most (a quote counts once per story), with their watchlist id when resolved."""
    where = _window(until, days)
    if issue_id is not None:
        where.append(mentions.c.issue_id == issue_id)
    count = sa.func.count(sa.distinct(mention_quotes.c.mention_id)).label("n")
    rows = conn.execute(
        sa.select(mention_quotes.c.speaker, sa.func.max(mention_quotes.c.speaker_watch_id), count)
        .join(mentions, mentions.c.id == mention_quotes.c.mention_id)
        .where(*where, mention_quotes.c.speaker.is_not(None))
        .group_by(mention_quotes.c.speaker)
        .order_by(count.desc(), mention_quotes.c.speaker)
        .limit(limit)
    ).all()
    return [Ranked(str(r[1] or r[0]), str(r[0]), int(r[2])) for r in rows]


def tone_mix(conn: Connection, *, issue_id: int) -> dict[str, int]:
    """Stories per tone in one issue."""
    rows = conn.execute(
        sa.select(mentions.c.tone, sa.func.count())
        .where(mentions.c.issue_id == issue_id, mentions.c.is_canonical.is_(True))
        .group_by(mentions.c.tone)
    ).all()
    mix = dict.fromkeys(TONE_LABELS, 0)
    for tone, count in rows:
        mix[tone if tone in TONE_LABELS else "neutral"] += int(count)
    return mix


@dataclass
class Overview:
    """Everything on the Ringkasan page except alerts and good stories (those live in monitoring)."""

    until: datetime
    days: int
    volume: list[DayVolume]
    issues: list[Ranked]
    outlets: list[Ranked]
    speakers: list[Ranked]

    @property
    def totals(self) -> dict[str, int]:
        return {tone: sum(getattr(day, tone) for day in self.volume) for tone in (*TONE_LABELS, "unknown")}


def overview(conn: Connection, *, now: datetime | None = None, days: int = OVERVIEW_DAYS) -> Overview:
    """The dashboard numbers for the `days` days before min(now, newest mention)."""
    until = anchor_time(conn, now)
    return Overview(
        until=until,
        days=days,
        volume=volume_by_day(conn, until, days=days),
        issues=top_issues(conn, until, days=days),
        outlets=top_outlets(conn, until, days=days),
        speakers=top_speakers(conn, until, days=days),
    )


# The Ringkasan page reads ~80,000 window rows three times per view (~250 ms on 1,000,000 mentions) for
# numbers that change only when mentions arrive or an analyst corrects one. Each process keeps the last
# few results keyed by what changes them: the database, the window (so a new day moves it), the newest
# mention id (new stories), the newest correction id (a corrected tone shows at once) and the merged
# issues (a merge moves counts between issues). Issue labels are read fresh on every view (a rename shows
# at once); anything else that rewrites stored mentions in place (reprocessing) shows within the TTL.
OVERVIEW_CACHE_SECONDS = 60.0
_OVERVIEW_CACHE_SIZE = 8
_overview_cache: dict[tuple[Any, ...], tuple[float, Overview]] = {}


def cached_overview(conn: Connection, *, now: datetime | None = None, days: int = OVERVIEW_DAYS) -> Overview:
    """`overview`, reused while nothing it depends on has changed (at most OVERVIEW_CACHE_SECONDS)."""
    until = anchor_time(conn, now)
    key = (days, until, *_data_version(conn))
    clock = monotonic()
    hit = _overview_cache.get(key)
    if hit is None or clock - hit[0] > OVERVIEW_CACHE_SECONDS:
        view = Overview(
            until=until,
            days=days,
            volume=volume_by_day(conn, until, days=days),
            issues=top_issues(conn, until, days=days),
            outlets=top_outlets(conn, until, days=days),
            speakers=top_speakers(conn, until, days=days),
        )
        if len(_overview_cache) >= _OVERVIEW_CACHE_SIZE:
            _overview_cache.clear()
        _overview_cache[key] = (clock, view)
        return view
    view = hit[1]
    labels = _issue_labels(conn, [int(item.key) for item in view.issues])
    relabelled = [replace(item, label=labels.get(int(item.key), f"#{item.key}")) for item in view.issues]
    return replace(view, issues=relabelled)


# --- issues ---------------------------------------------------------------------------------------


@dataclass
class IssueSummary:
    """One issue in the list: size, reach, recency and how its stories lean."""

    id: int
    label: str
    size: int
    outlets: int
    first_seen_at: datetime | None
    last_seen_at: datetime | None
    renamed: bool
    merged_into: int | None
    key_phrases: list[str]
    tones: dict[str, int]


def _issue_summary(row: Any, tones: dict[str, int]) -> IssueSummary:
    return IssueSummary(
        id=int(row.id),
        label=row.label,
        size=int(row.size or 0),
        outlets=int(row.outlets or 0),
        first_seen_at=row.first_seen_at,
        last_seen_at=row.last_seen_at,
        renamed=bool(row.renamed),
        merged_into=row.merged_into,
        key_phrases=[str(p) for p in (row.key_phrases or [])],
        tones=tones,
    )


def list_issues(conn: Connection, *, limit: int = 50, offset: int = 0) -> tuple[list[IssueSummary], int]:
    """Live issues (not merged away), most recently active first, with their tone mix; and the total."""
    live = issues.c.merged_into.is_(None)
    total = int(conn.execute(sa.select(sa.func.count()).select_from(issues).where(live)).scalar_one())
    rows = conn.execute(
        sa.select(issues)
        .where(live)
        .order_by(issues.c.last_seen_at.desc().nulls_last(), issues.c.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    mixes: dict[int, dict[str, int]] = {int(r.id): dict.fromkeys(TONE_LABELS, 0) for r in rows}
    if mixes:
        for issue_id, tone, count in conn.execute(
            sa.select(mentions.c.issue_id, mentions.c.tone, sa.func.count())
            .where(mentions.c.issue_id.in_(list(mixes)), mentions.c.is_canonical.is_(True))
            .group_by(mentions.c.issue_id, mentions.c.tone)
        ):
            mixes[int(issue_id)][tone if tone in TONE_LABELS else "neutral"] += int(count)
    return [_issue_summary(r, mixes[int(r.id)]) for r in rows], total


def get_issue(conn: Connection, issue_id: int) -> IssueSummary | None:
    row = conn.execute(sa.select(issues).where(issues.c.id == issue_id)).first()
    return _issue_summary(row, tone_mix(conn, issue_id=issue_id)) if row else None


def issue_outlets(conn: Connection, issue_id: int, *, limit: int = 15) -> list[Ranked]:
    count = sa.func.count().label("n")
    rows = conn.execute(
        sa.select(mentions.c.site, count)
        .where(mentions.c.issue_id == issue_id, mentions.c.site.is_not(None))
        .group_by(mentions.c.site)
        .order_by(count.desc(), mentions.c.site)
        .limit(limit)
    ).all()
    return [Ranked(str(r[0]), str(r[0]), int(r[1])) for r in rows]


def key_articles(conn: Connection, issue_id: int, *, limit: int = 10) -> list[MentionRow]:
    """The issue's widest-reaching stories first (most outlets), then the newest."""
    query = (
        sa.select(*_list_columns())
        .select_from(
            mentions.join(
                syndication_groups, syndication_groups.c.id == mentions.c.syndication_group_id, isouter=True
            )
        )
        .where(mentions.c.issue_id == issue_id, mentions.c.is_canonical.is_(True))
        .order_by(
            sa.func.coalesce(syndication_groups.c.outlets, 1).desc(),
            mentions.c.published_at.desc().nulls_last(),
            mentions.c.id.desc(),
        )
        .limit(limit)
    )
    return [_row(r) for r in conn.execute(query)]


def rename_issue(conn: Connection, issue_id: int, label: str) -> str:
    """Set an analyst's label (kept by the clusterer from now on); returns the old label."""
    label = " ".join(label.split())
    if not label or len(label) > 200:
        raise GaungError("an issue label needs 1 to 200 characters")
    row = conn.execute(sa.select(issues.c.label).where(issues.c.id == issue_id)).first()
    if row is None:
        raise GaungError(f"no issue with id {issue_id}")
    conn.execute(sa.update(issues).where(issues.c.id == issue_id).values(label=label, renamed=True))
    return str(row.label)


def merge_issues(conn: Connection, source_id: int, target_id: int) -> int:
    """Move every mention of `source_id` into `target_id` and mark the source merged; returns moved count.

    The target's size, reach and first/last seen are recomputed from its stored mentions.
    """
    if source_id == target_id:
        raise GaungError("an issue cannot be merged into itself")
    found = {
        int(r.id): r for r in conn.execute(sa.select(issues).where(issues.c.id.in_((source_id, target_id))))
    }
    for wanted in (source_id, target_id):
        if wanted not in found:
            raise GaungError(f"no issue with id {wanted}")
    if found[target_id].merged_into is not None:
        raise GaungError(f"issue {target_id} was itself merged into issue {found[target_id].merged_into}")
    moved = conn.execute(
        sa.update(mentions).where(mentions.c.issue_id == source_id).values(issue_id=target_id)
    ).rowcount
    stats = conn.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(sa.distinct(mentions.c.site)),
            sa.func.min(mentions.c.published_at),
            sa.func.max(mentions.c.published_at),
        ).where(mentions.c.issue_id == target_id)
    ).one()
    conn.execute(
        sa.update(issues)
        .where(issues.c.id == target_id)
        .values(size=int(stats[0]), outlets=int(stats[1]), first_seen_at=stats[2], last_seen_at=stats[3])
    )
    conn.execute(
        sa.update(issues).where(issues.c.id == source_id).values(merged_into=target_id, size=0, outlets=0)
    )
    # issues merged earlier into the source now point at the final target directly
    conn.execute(sa.update(issues).where(issues.c.merged_into == source_id).values(merged_into=target_id))
    return int(moved or 0)
