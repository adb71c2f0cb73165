"""Search latency on a large archive: `gaung.store.search.search` against bare SQL in the same run.

Each query type runs `repeat` times (after one warm-up, so the OS page cache holds the pages it needs, as
it would on a server that has been up for a while), round-robin across types so a noisy neighbour on the
machine slows every type alike. Two baselines are timed on the same connection in the same rounds:

- `id lookup`: `SELECT ... FROM mentions WHERE id = ?` for random ids, the floor of any query;
- per type, the bare statement a hand-written app would run for the same page: an FTS5 MATCH of the
  same terms ordered by FTS5's own `rank` (bm25), or for filter-only queries a plain WHERE ... ORDER BY
  published_at. It skips what our layer adds: parsing, the capped count, title weighting and snippets.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from gaung.store.db import make_engine
from gaung.store.search import search

TARGET_P95_MS = 100.0
PAGE_SIZE = 20


@dataclass(frozen=True)
class QueryCase:
    """One query type of the mix: what an analyst types, and the bare SQL it is compared with."""

    name: str
    query: str
    bare_sql: str
    bare_params: tuple[Any, ...] = ()
    offset: int = 0


_FTS_PAGE = "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ? ORDER BY rank LIMIT ? OFFSET ?"
_FTS_FILTERED_PAGE = (
    "SELECT m.id FROM mentions_fts JOIN mentions m ON m.id = mentions_fts.rowid "
    "WHERE mentions_fts MATCH ? AND {where} ORDER BY rank LIMIT ? OFFSET ?"
)


def _fts(name: str, query: str, match: str, offset: int = 0) -> QueryCase:
    return QueryCase(name, query, _FTS_PAGE, (match, PAGE_SIZE, offset), offset)


def _fts_where(name: str, query: str, match: str, where: str, *params: Any) -> QueryCase:
    return QueryCase(name, query, _FTS_FILTERED_PAGE.format(where=where), (match, *params, PAGE_SIZE, 0))


# Word choices come from document frequencies in the generated archive (share of articles containing
# the word): pemerintah ~34 %, pajak ~15 %, korupsi ~8 %, banjir ~2 %, tsunami ~0.6 %, jengkol ~0.1 %.
QUERY_MIX: tuple[QueryCase, ...] = (
    _fts("common word", "pemerintah", "pemerintah"),
    _fts("medium word", "banjir", "banjir"),
    _fts("rare word", "jengkol", "jengkol"),
    _fts("phrase", '"presiden prabowo"', '"presiden prabowo"'),
    _fts("prefix", "korup*", "korup*"),
    _fts("AND", "banjir AND bupati", "banjir AND bupati"),
    _fts("OR", "gempa OR tsunami", "gempa OR tsunami"),
    _fts("NOT", "korupsi NOT kpk", "korupsi NOT kpk"),
    _fts("title field", "title:banjir", "title : banjir"),
    _fts_where("source filter", "banjir source:detik", "banjir", "lower(m.site) LIKE ?", "%detik%"),
    _fts_where("tone filter", "subsidi tone:negatif", "subsidi", "m.tone = ?", "negative"),
    _fts_where(
        "date range",
        "inflasi from:2025-01-01 to:2025-01-31",
        "inflasi",
        "m.published_at >= ? AND m.published_at < ?",
        "2025-01-01 00:00:00.000000",
        "2025-02-01 00:00:00.000000",
    ),
    QueryCase(
        "filter only",
        "tone:negatif source:kompas",
        "SELECT id FROM mentions WHERE tone = ? AND lower(site) LIKE ? "
        "ORDER BY published_at DESC LIMIT ? OFFSET 0",
        ("negative", "%kompas%", PAGE_SIZE),
    ),
    QueryCase(
        "dates only",
        "from:2025-03-01 to:2025-03-07",
        "SELECT id FROM mentions WHERE published_at >= ? AND published_at < ? "
        "ORDER BY published_at DESC LIMIT ? OFFSET 0",
        ("2025-03-01 00:00:00.000000", "2025-03-08 00:00:00.000000", PAGE_SIZE),
    ),
    _fts("deep page", "pajak", "pajak", offset=2000),
)


def _percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile: with few samples it reports an observed value, never an interpolation."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(share * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _timed(action: Callable[[], object]) -> float:
    began = time.perf_counter()
    action()
    return (time.perf_counter() - began) * 1000


def _summary(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(samples), 3),
        "p95_ms": round(_percentile(samples, 0.95), 3),
        "max_ms": round(max(samples), 3),
    }


def run(db_path: Path, *, repeat: int, seed: int = 1) -> dict[str, Any]:
    """Time the query mix on the archive at `db_path`; returns per-type and overall p50/p95 and ratios."""
    engine = make_engine(f"sqlite:///{db_path}")
    rng = random.Random(seed)
    ours: dict[str, list[float]] = {case.name: [] for case in QUERY_MIX}
    bare: dict[str, list[float]] = {case.name: [] for case in QUERY_MIX}
    lookups: list[float] = []
    hits: dict[str, str] = {}
    with engine.connect() as conn:
        size = int(conn.exec_driver_sql("SELECT max(id) FROM mentions").scalar_one() or 0)

        def ours_once(conn: Connection, case: QueryCase) -> None:
            page = search(conn, case.query, limit=PAGE_SIZE, offset=case.offset)
            hits[case.name] = page.total_label

        def lookup_once() -> None:
            conn.exec_driver_sql(
                "SELECT id, title, site, published_at, url FROM mentions WHERE id = ?",
                (rng.randint(1, max(1, size)),),
            ).all()

        for round_index in range(repeat + 1):  # round 0 warms the page cache and is not counted
            for case in QUERY_MIX:
                ours_ms = _timed(lambda case=case: ours_once(conn, case))  # type: ignore[misc]
                bare_ms = _timed(
                    lambda case=case: conn.exec_driver_sql(case.bare_sql, case.bare_params).all()  # type: ignore[misc]
                )
                lookup_ms = _timed(lookup_once)
                if round_index:
                    ours[case.name].append(ours_ms)
                    bare[case.name].append(bare_ms)
                    lookups.append(lookup_ms)
    engine.dispose()

    lookup_p50 = statistics.median(lookups)
    per_type: dict[str, Any] = {}
    for case in QUERY_MIX:
        mine, theirs = _summary(ours[case.name]), _summary(bare[case.name])
        per_type[case.name] = {
            "query": case.query,
            "offset": case.offset,
            "hits": hits.get(case.name),
            "gaung": mine,
            "bare": theirs,
            "ratio_p50_vs_bare": round(mine["p50_ms"] / max(theirs["p50_ms"], 1e-6), 2),
            "pass": mine["p95_ms"] < TARGET_P95_MS,
        }
    everything = [ms for samples in ours.values() for ms in samples]
    overall = _summary(everything)
    return {
        "archive_rows": size,
        "repeat": repeat,
        "target_p95_ms": TARGET_P95_MS,
        "id_lookup": _summary(lookups),
        "per_type": per_type,
        "overall": overall,
        "overall_ratio_p50_vs_id_lookup": round(overall["p50_ms"] / max(lookup_p50, 1e-6), 1),
        "types_passing": sum(1 for item in per_type.values() if item["pass"]),
        "pass": overall["p95_ms"] < TARGET_P95_MS,
    }
