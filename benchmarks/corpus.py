"""A large synthetic archive recombined from the bundled real corpus, built fast and cached on disk.

Why synthetic: no licensed corpus of a million Indonesian articles ships with Gaung, but search cost
depends on realistic vocabulary, term frequencies and text lengths, so the articles are *recombined real
text*, never invented words:

1. every bundled demo archive (IndoSum dev + the scraped 2025 CSVs) is read with the product's own
   `read_archive` (so boilerplate is cleaned exactly as on import) and split into sentences;
2. each synthetic article takes a real headline and its real site, and a body of real sentences drawn
   with a seeded RNG until a log-normal word target (median ~300 words) is met, in paragraphs of 2-5
   sentences;
3. `published_at` is spread uniformly over one year, `tone` follows a fixed news-like mix, language `id`.

The rows go straight into `mentions` with `executemany` in one transaction on a database created by the
product's migrations (so the FTS5 table, triggers and indexes are the product's own). Two ways to fill the
FTS5 index are implemented and timed (`--build-strategy`): let the insert trigger index row by row, or
drop the trigger, bulk insert, run FTS5 'rebuild' and recreate the trigger. Syndication groups and MinHash
signatures are left empty: search never reads them.

The finished file is cached under benchmarks/.cache/, keyed by size, seed, generator version and a hash
of the schema sources, and is written to a temporary name first so an interrupted build is never reused.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
import shutil
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import gaung.store.fulltext
import gaung.store.schema
from gaung.demo import ARCHIVES, DEMO_DIR
from gaung.ingest import files
from gaung.store.db import open_engine

CACHE_DIR = Path(__file__).parent / ".cache"
# Bump when the generated rows change, so old cached archives are not reused.
GENERATOR_VERSION = 1
# Median words per article: Indonesian online news articles run ~250-400 words (IndoSum's median is ~300).
MEDIAN_WORDS = 300
WORDS_SIGMA = 0.45  # log-normal spread: most articles 150-600 words, a few long features
MIN_WORDS, MAX_WORDS = 60, 1500
# One year of coverage, ending where the scraped 2025 corpus ends.
ARCHIVE_END = datetime(2025, 6, 30, 23, 59, 59)
ARCHIVE_DAYS = 365
# Tone toward the government in monitored news: mostly neutral, more negative than positive.
TONE_MIX = (("neutral", 0.55), ("negative", 0.27), ("positive", 0.18))
# FTS5 flushes its in-memory pending postings to a new segment (and merges segments) every `hashsize`
# bytes; 1 MiB by default. 256 MiB while building halves the 'rebuild' time (measured: 14 s -> 7 s for
# 20k rows); it is set back to the default afterwards, so the shipped file behaves like a product one.
BUILD_FTS_HASHSIZE = 256 * 1024 * 1024
DEFAULT_FTS_HASHSIZE = 1024 * 1024
ROWS_PER_CHUNK = 10_000  # generated and handed to executemany at a time: bounds the builder's memory
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“])")
_SLUG_RE = re.compile(r"[^a-z0-9]+")
# SQLAlchemy's SQLite DateTime storage format: from:/to: filters compare against these strings.
_DB_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"

_INSERT_SQL = """INSERT INTO mentions (
    id, canonical_url, url, content_hash, title, text, published_at, site, language, platform,
    ingested_at, extractor_version, is_canonical, tone, analysis_version
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'id', 'news', ?, 'bench-synthetic-1', 1, ?, 'bench-synthetic-1')"""


@dataclass(frozen=True)
class Material:
    """Real text to recombine: headlines with their site, and body sentences with their word counts."""

    headlines: list[tuple[str, str]]
    sentences: list[str]
    sentence_words: list[int]


@dataclass(frozen=True)
class BuildResult:
    """Where the archive is and what building it cost (zero seconds when it came from the cache)."""

    path: Path
    size: int
    cached: bool
    seconds: float
    strategy: str
    bytes_on_disk: int


def load_material() -> Material:
    """Read the bundled demo archives through the product's importer and cut them into sentences."""
    headlines: list[tuple[str, str]] = []
    sentences: list[str] = []
    for name in ARCHIVES:
        for row in files.read_archive(DEMO_DIR / name):
            if not isinstance(row, files.ArchiveRow):
                continue
            article = row.article
            if article.title and article.site:
                headlines.append((article.title, article.site))
            for paragraph in article.text.split("\n"):
                for sentence in _SENTENCE_SPLIT_RE.split(paragraph.strip()):
                    if len(sentence.split()) >= 4:
                        sentences.append(sentence)
    return Material(headlines, sentences, [len(s.split()) for s in sentences])


def schema_fingerprint() -> str:
    """A short hash of everything that shapes the database file: migrations, tables and FTS5 DDL."""
    digest = hashlib.sha256()
    sources = [Path(gaung.store.schema.__file__), Path(gaung.store.fulltext.__file__)]
    sources += sorted((Path(gaung.store.schema.__file__).parent / "migrations" / "versions").glob("*.py"))
    for source in sources:
        digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def cache_path(size: int, seed: int) -> Path:
    """The cache file for an archive of `size` rows from `seed` under the current schema."""
    return CACHE_DIR / f"archive-n{size}-seed{seed}-g{GENERATOR_VERSION}-s{schema_fingerprint()}.sqlite"


def generate_rows(material: Material, size: int, seed: int) -> Iterator[list[tuple[object, ...]]]:
    """Yield chunks of `mentions` rows; the same (material, size, seed) always gives the same rows."""
    rng = random.Random(seed)
    start = ARCHIVE_END - timedelta(days=ARCHIVE_DAYS)
    span_seconds = ARCHIVE_DAYS * 86_400
    tones = [tone for tone, _ in TONE_MIX]
    tone_weights = [weight for _, weight in TONE_MIX]
    ingested = ARCHIVE_END.strftime(_DB_TIME_FORMAT)
    sentence_count = len(material.sentences)
    chunk: list[tuple[object, ...]] = []
    for mention_id in range(1, size + 1):
        target = min(MAX_WORDS, max(MIN_WORDS, int(rng.lognormvariate(math.log(MEDIAN_WORDS), WORDS_SIGMA))))
        paragraphs: list[str] = []
        words = 0
        while words < target:
            picks = [rng.randrange(sentence_count) for _ in range(rng.randint(2, 5))]
            paragraphs.append(" ".join(material.sentences[i] for i in picks))
            words += sum(material.sentence_words[i] for i in picks)
        text = "\n".join(paragraphs)
        title, site = material.headlines[rng.randrange(len(material.headlines))]
        published = start + timedelta(seconds=rng.randrange(span_seconds))
        slug = _SLUG_RE.sub("-", title.lower()).strip("-")[:80]
        url = f"https://{site}/read/{published:%Y/%m/%d}/{mention_id}/{slug}"
        chunk.append(
            (
                mention_id,
                url,
                url,
                hashlib.sha256(text.encode()).hexdigest(),
                title,
                text,
                published.strftime(_DB_TIME_FORMAT),
                site,
                ingested,
                rng.choices(tones, tone_weights)[0],
            )
        )
        if len(chunk) == ROWS_PER_CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _create_schema(path: Path) -> None:
    """An empty database made by the product's own migrations (tables, indexes, FTS5, triggers)."""
    engine = open_engine(f"sqlite:///{path}")
    engine.dispose()


def _bulk_pragmas(db: sqlite3.Connection) -> None:
    # A throwaway file being built: no journal and no fsync (a crash leaves only a .tmp that is discarded),
    # and a large page cache so index B-trees are not re-read from disk during the bulk insert.
    db.execute("PRAGMA journal_mode=OFF")
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-524288")  # 512 MiB
    db.execute("PRAGMA temp_store=MEMORY")


def fill(path: Path, material: Material, size: int, seed: int, strategy: str) -> None:
    """Insert `size` generated rows into the fresh database at `path`, indexing with `strategy`."""
    if strategy not in ("trigger", "rebuild"):
        raise ValueError(f"unknown build strategy {strategy!r}: use 'trigger' or 'rebuild'")
    db = sqlite3.connect(path, isolation_level=None)
    try:
        _bulk_pragmas(db)
        db.execute("BEGIN")
        db.execute(f"INSERT INTO mentions_fts(mentions_fts, rank) VALUES ('hashsize', {BUILD_FTS_HASHSIZE})")
        if strategy == "rebuild":
            db.execute("DROP TRIGGER mentions_fts_ai")
        for chunk in generate_rows(material, size, seed):
            db.executemany(_INSERT_SQL, chunk)
        if strategy == "rebuild":
            db.execute("INSERT INTO mentions_fts(mentions_fts) VALUES ('rebuild')")
        db.execute(
            f"INSERT INTO mentions_fts(mentions_fts, rank) VALUES ('hashsize', {DEFAULT_FTS_HASHSIZE})"
        )
        db.execute("COMMIT")
        db.execute("PRAGMA journal_mode=WAL")  # leave the file as the product expects to find it
    finally:
        db.close()
    if strategy == "rebuild":
        _create_schema(path)  # migrations are at head; install_fulltext recreates the dropped trigger


def build_archive(
    size: int,
    seed: int,
    *,
    strategy: str = "rebuild",
    material: Material | None = None,
    use_cache: bool = True,
) -> BuildResult:
    """Return the cached archive for (size, seed), building it first when missing."""
    target = cache_path(size, seed)
    if use_cache and target.exists():
        return BuildResult(target, size, True, 0.0, "cached", target.stat().st_size)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    if use_cache and (older := _older_cache(size, seed)) is not None:
        return upgrade_cached(older, target)
    building = target.with_suffix(f".{strategy}.tmp")
    for leftover in CACHE_DIR.glob(f"{building.name}*"):
        leftover.unlink()
    began = time.perf_counter()
    material = material or load_material()
    _create_schema(building)
    fill(building, material, size, seed, strategy)
    seconds = time.perf_counter() - began
    for sidecar in ("-wal", "-shm"):
        Path(f"{building}{sidecar}").unlink(missing_ok=True)
    if not use_cache:
        return BuildResult(building, size, False, seconds, strategy, building.stat().st_size)
    building.replace(target)
    return BuildResult(target, size, False, seconds, strategy, target.stat().st_size)


def _older_cache(size: int, seed: int) -> Path | None:
    """The newest cached archive of the same rows under an older schema, if any."""
    found = sorted(
        CACHE_DIR.glob(f"archive-n{size}-seed{seed}-g{GENERATOR_VERSION}-s*.sqlite"),
        key=lambda path: path.stat().st_mtime,
    )
    return found[-1] if found else None


def upgrade_cached(older: Path, target: Path, *, copy: bool = True) -> BuildResult:
    """Bring an archive cached under an older schema to the current one with the product's migrations.

    The rows depend only on (size, seed, generator version), so a schema change (a new index, say) need
    not regenerate a million articles: a copy of the old file is migrated exactly as a customer's
    database would be on upgrade (`gaung.store.db.migrate`), then renamed into place. `copy=False`
    migrates `older` in place (it must already be a private copy). The old file is left alone.
    """
    began = time.perf_counter()
    building = target.with_suffix(".migrate.tmp")
    if copy:
        shutil.copyfile(older, building)
    else:
        older.replace(building)
    engine = open_engine(f"sqlite:///{building}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    seconds = time.perf_counter() - began
    for sidecar in ("-wal", "-shm"):
        Path(f"{building}{sidecar}").unlink(missing_ok=True)
    building.replace(target)
    return BuildResult(target, _rows(target), False, seconds, "migrated", target.stat().st_size)


def _rows(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("SELECT max(id) FROM mentions").fetchone()[0] or 0)
    finally:
        db.close()
