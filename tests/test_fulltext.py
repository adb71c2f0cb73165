"""Full-text search end to end, the same tests on SQLite (FTS5) and PostgreSQL (tsvector).

The corpus is 20 real Indonesian news items from the scraped-2025 set; plain-word expectations are
checked against a tiny Python oracle (lower-cased \\w+ tokens) so the tests say what *should* match,
not what the database happened to return.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest_pg import pg_engine  # noqa: F401  (fixture, looked up by name below)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gaung.store.search as search_module
from gaung.errors import QueryError
from gaung.store.fulltext import fulltext_ok, install_fulltext, rebuild_fulltext
from gaung.store.query import HIGHLIGHT_END, HIGHLIGHT_START, QueryCompiler, compile_query, parse_query
from gaung.store.schema import mention_entities, mentions, metadata, sources
from gaung.store.search import search

# the scraped 2025 corpus as the package ships it for the demo (byte-for-byte, gzipped)
CORPUS = Path(__file__).parents[1] / "gaung" / "data" / "demo" / "scrapping_news_2025-06-18.csv.gz"
# Row numbers in the CSV: prices, Iran-Israel, mining, Lewotobi eruption, accidents, health, a Kompas flood.
PICKED = (9, 29, 1, 17, 39, 15, 34, 36, 31, 12, 23, 21, 28, 8, 24, 5, 0, 14, 20, 182)
TONES = ("negative", "neutral", "positive", None)
BASE_DAY = datetime(2025, 6, 16, 3, 0)


def _load_rows() -> list[dict[str, object]]:
    with gzip.open(CORPUS, "rt", encoding="utf-8-sig", newline="") as handle:
        scraped = list(csv.DictReader(handle))
    rows = []
    for number, index in enumerate(PICKED):
        item = scraped[index]
        rows.append(
            {
                "id": number + 1,
                "canonical_url": item["url"],
                "url": item["url"],
                "content_hash": f"{number:064x}",
                "title": item["judul"],
                "text": item["isi_berita"],
                "site": item["sumber"],
                "published_at": BASE_DAY + timedelta(days=number % 5, hours=number),
                "ingested_at": datetime(2025, 6, 21),
                "language": "en" if number == 4 else "id",
                "platform": "instagram" if number in (2, 3) else "news",
                "is_canonical": True,
                "tone": TONES[number % 4],
                "source_id": 1 if number == 0 else None,
            }
        )
    return rows


ROWS = _load_rows()


def _tokens(row: dict[str, object], *, title_only: bool = False) -> list[str]:
    text = str(row["title"]) if title_only else f"{row['title']} {row['text']}"
    return re.findall(r"\w+", text.lower())


def _having_phrase(*words: str) -> set[int]:
    found = set()
    for row in ROWS:
        tokens = _tokens(row)
        if any(tokens[k : k + len(words)] == list(words) for k in range(len(tokens))):
            found.add(int(str(row["id"])))
    return found


def _having(word: str, *, title_only: bool = False) -> set[int]:
    return {int(str(r["id"])) for r in ROWS if word in _tokens(r, title_only=title_only)}


ALL = {int(str(r["id"])) for r in ROWS}


def _fill(engine: sa.Engine) -> None:
    metadata.create_all(engine)
    with engine.begin() as conn:
        install_fulltext(conn)
        install_fulltext(conn)  # idempotent
        conn.execute(
            sa.insert(sources),
            [{"id": 1, "name": "Grup Harian Nasional", "kind": "feed", "url": "x", "created_at": BASE_DAY}],
        )
        conn.execute(sa.insert(mentions), ROWS)
        conn.execute(
            sa.insert(mention_entities),
            [
                {
                    "mention_id": 3,
                    "text": "Helmi Hasan",
                    "type": "PER",
                    "normalized": "helmi hasan",
                    "watch_id": None,
                },
                {
                    "mention_id": 7,
                    "text": "Gubernur Helmi",
                    "type": "PER",
                    "normalized": None,
                    "watch_id": "helmi-hasan",
                },
                {
                    "mention_id": 7,
                    "text": "Bengkulu",
                    "type": "LOC",
                    "normalized": "bengkulu",
                    "watch_id": None,
                },
            ],
        )


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    """A database with the corpus loaded; PostgreSQL uses a private schema inside the session database."""
    if request.param == "sqlite":
        sqlite = sa.create_engine(f"sqlite:///{tmp_path_factory.mktemp('fts') / 'gaung.db'}")
        _fill(sqlite)
        yield sqlite
        sqlite.dispose()
        return
    server: sa.Engine = request.getfixturevalue("pg_engine")
    with server.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS fulltext_test CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA fulltext_test")
    postgres = sa.create_engine(server.url, connect_args={"options": "-csearch_path=fulltext_test"})
    _fill(postgres)
    yield postgres
    postgres.dispose()
    with server.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA fulltext_test CASCADE")


def ids(engine: sa.Engine, query: str) -> set[int]:
    condition = compile_query(parse_query(query), engine.dialect.name)
    with engine.connect() as conn:
        return set(conn.execute(sa.select(mentions.c.id).where(condition)).scalars())


def test_words_match_the_oracle(engine: sa.Engine) -> None:
    for word in ("harga", "iran", "tambang", "lewotobi", "kecelakaan", "kesehatan", "banjir"):
        assert ids(engine, word) == _having(word), word
        assert _having(word), f"corpus should contain {word}"
    assert ids(engine, "HARGA") == _having("harga")


def test_and_or_not(engine: sa.Engine) -> None:
    harga, iran, minyak = _having("harga"), _having("iran"), _having("minyak")
    assert ids(engine, "harga iran") == harga & iran
    assert ids(engine, "harga AND iran") == harga & iran
    assert ids(engine, "harga DAN iran") == harga & iran
    assert ids(engine, "harga OR iran") == harga | iran
    assert ids(engine, "harga -iran") == harga - iran
    assert ids(engine, "harga NOT iran NOT minyak") == harga - iran - minyak
    assert ids(engine, "NOT harga") == ALL - harga  # only negations: supported, as NOT IN
    assert ids(engine, "-harga -iran") == ALL - harga - iran


def test_parentheses(engine: sa.Engine) -> None:
    harga, iran, emas, tambang = (_having(w) for w in ("harga", "iran", "emas", "tambang"))
    assert ids(engine, "harga (iran OR emas)") == harga & (iran | emas)
    assert ids(engine, "(harga OR tambang) -(iran OR emas)") == (harga | tambang) - iran - emas
    assert ids(engine, "harga iran OR tambang") == (harga & iran) | tambang


def test_phrase_needs_adjacent_words(engine: sa.Engine) -> None:
    assert ids(engine, '"erupsi lewotobi"') == _having_phrase("erupsi", "lewotobi") == {8}
    # the hoax round-up has both words, but not next to each other
    assert 9 in _having("erupsi") & _having("lewotobi")
    assert ids(engine, '"harga minyak"') == _having_phrase("harga", "minyak")
    assert ids(engine, '"Iran-Israel"') >= {2}


def test_prefix(engine: sa.Engine) -> None:
    expected = {int(str(r["id"])) for r in ROWS if any(t.startswith("kesehat") for t in _tokens(r))}
    assert ids(engine, "kesehat*") == expected
    assert ids(engine, "ke*") >= ids(engine, "kesehatan")


def test_title_only(engine: sa.Engine) -> None:
    assert ids(engine, "title:harga") == _having("harga", title_only=True)
    assert ids(engine, "title:harga") < _having("harga")
    assert ids(engine, 'title:"harga minyak"') == {1}
    assert ids(engine, "title:ha*") >= _having("harga", title_only=True)


def test_source_matches_site_or_source_name(engine: sa.Engine) -> None:
    by_site = {int(str(r["id"])) for r in ROWS if "detik" in str(r["site"])}
    assert ids(engine, "source:DETIK") == by_site
    assert ids(engine, "source:kompas.com") == {20}
    assert ids(engine, 'source:"harian nasional"') == {1}  # via sources.name
    assert ids(engine, "-source:detik") == ALL - by_site


def test_tone_accepts_indonesian_and_english(engine: sa.Engine) -> None:
    negative = {int(str(r["id"])) for r in ROWS if r["tone"] == "negative"}
    assert ids(engine, "tone:negatif") == negative == ids(engine, "tone:negative")
    # NOT tone keeps mentions with no tone yet (filters are NULL-safe)
    assert ids(engine, "NOT tone:negatif") == ALL - negative


def test_entity_by_normalized_text_or_watch_id(engine: sa.Engine) -> None:
    assert ids(engine, 'entity:"Helmi Hasan"') == {3}
    assert ids(engine, "entity:helmi-hasan") == {7}
    assert 7 in _having("tambang")
    assert ids(engine, "entity:Bengkulu tambang") == {7}
    assert ids(engine, "entity:bengkulu -tambang") == set()


def test_dates_are_inclusive_whole_days(engine: sa.Engine) -> None:
    def on(day: int) -> set[int]:
        return {int(str(r["id"])) for r in ROWS if r["published_at"].day == day}  # type: ignore[attr-defined]

    assert ids(engine, "from:2025-06-18 to:2025-06-18") == on(18)
    assert ids(engine, "from:18/06/2025 to:19/06/2025") == on(18) | on(19)
    assert ids(engine, "to:2025-06-16") == on(16)
    assert ids(engine, "from:2025-06-20") == on(20)


def test_lang_and_platform(engine: sa.Engine) -> None:
    assert ids(engine, "lang:en") == {5}
    assert ids(engine, "platform:instagram") == {3, 4}
    assert ids(engine, "platform:Instagram OR lang:en") == {3, 4, 5}


def test_text_and_fields_mixed_under_or_and_not(engine: sa.Engine) -> None:
    harga = _having("harga")
    detik = {int(str(r["id"])) for r in ROWS if "detik" in str(r["site"])}
    assert ids(engine, "harga OR source:detik") == harga | detik
    assert ids(engine, "NOT (harga OR source:detik)") == ALL - harga - detik
    assert ids(engine, "harga -source:detik") == harga - detik
    assert ids(engine, "(harga source:liputan6) OR (tambang -source:tempo)") == (
        harga & {int(str(r["id"])) for r in ROWS if r["site"] == "liputan6.com"}
    ) | (_having("tambang") - {int(str(r["id"])) for r in ROWS if r["site"] == "tempo.co"})


NASTY = [
    "NEAR(harga iran)",
    "harga^2",
    "a:b:c",
    '10:30 "x" + y',
    "c++ -",
    "o'brien",
    "back\\slash",
    "harga*iran*",
    "{title}",
    "title:^",
    "* ** ***",
    "AND(",
    "“harga”",
    "ü ñ é",
    "²",
    "_ __",
    "-- -",
    "harga\x00iran",
    '"\x02marked\x03"',
]


@pytest.mark.parametrize("query", NASTY)
def test_syntax_characters_never_reach_the_database_as_syntax(engine: sa.Engine, query: str) -> None:
    try:
        with engine.connect() as conn:
            search(conn, query)
    except QueryError:
        pass


def test_search_page_ranks_and_highlights(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        page = search(conn, "harga minyak")
    assert page.total == len(_having("harga") & _having("minyak")) and page.total_exact
    assert page.hits[0].id == 1  # "Mengapa Harga Minyak Dunia Naik" has both words in its title
    for hit in page.hits:
        assert HIGHLIGHT_START in hit.snippet and HIGHLIGHT_END in hit.snippet
        assert any(marked and piece.lower() in ("harga", "minyak") for piece, marked in hit.snippet_parts())
        assert "<" not in hit.snippet
    assert page.query == "harga AND minyak"


def test_search_newest_paging_and_filter_only(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        first = search(conn, "harga", order="newest", limit=2)
        second = search(conn, "harga", order="newest", limit=2, offset=2)
        filtered = search(conn, "source:detik")
        negated = search(conn, "NOT harga", limit=3)
    dates = [h.published_at for h in first.hits + second.hits]
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}
    assert filtered.total == 5 and all(h.snippet and HIGHLIGHT_START not in h.snippet for h in filtered.hits)
    assert negated.total == len(ALL - _having("harga")) and len(negated.hits) == 3


def test_count_is_capped(engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_module, "COUNT_CAP", 3)
    with engine.connect() as conn:
        page = search(conn, "NOT zzzz")
    assert (page.total, page.total_exact, page.total_label) == (3, False, "3+")


def test_bad_paging_arguments(engine: sa.Engine) -> None:
    with engine.connect() as conn, pytest.raises(ValueError):
        search(conn, "harga", limit=0)


def test_index_follows_updates_and_deletes(engine: sa.Engine) -> None:
    with engine.connect() as conn, conn.begin() as transaction:
        assert fulltext_ok(conn)
        conn.execute(sa.update(mentions).where(mentions.c.id == 1).values(title="Zebra"))
        conn.execute(sa.delete(mentions).where(mentions.c.id == 2))
        condition = compile_query(parse_query("zebra OR perang"), engine.dialect.name)
        found = set(conn.execute(sa.select(mentions.c.id).where(condition)).scalars())
        assert found == (_having("perang") - {2}) | {1}
        rebuild_fulltext(conn)
        assert fulltext_ok(conn)
        transaction.rollback()


def test_rebuild_on_install_over_existing_rows(tmp_path: Path) -> None:
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(sa.insert(mentions), ROWS[:3])
        assert not fulltext_ok(conn)
        install_fulltext(conn)
        assert fulltext_ok(conn)
        assert search(conn, "title:minyak").total == 1
    engine.dispose()


@pytest.fixture(scope="module")
def tiny_sqlite() -> Iterator[sa.Connection]:
    engine = sa.create_engine("sqlite://")
    metadata.create_all(engine)
    with engine.connect() as conn:
        install_fulltext(conn)
        conn.execute(sa.insert(mentions), ROWS[:2])
        yield conn
    engine.dispose()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_fuzzed_queries_never_raise_database_errors(tiny_sqlite: sa.Connection, query: str) -> None:
    try:
        node = parse_query(query)
    except QueryError:
        return
    tiny_sqlite.execute(sa.select(mentions.c.id).where(compile_query(node, "sqlite"))).all()


def _search_ids(engine: sa.Engine, query: str, **kwargs: object) -> set[int]:
    with engine.connect() as conn:
        page = search(conn, query, limit=200, **kwargs)  # type: ignore[arg-type]
    return {hit.id for hit in page.hits}


def test_search_resolves_source_to_sites_and_source_ids(engine: sa.Engine) -> None:
    by_site = {int(str(r["id"])) for r in ROWS if "detik" in str(r["site"])}
    for query in ("source:DETIK", "source:kompas.com", 'source:"harian nasional"', "-source:detik"):
        assert _search_ids(engine, query) == ids(engine, query), query  # same rows as the substring form
    assert _search_ids(engine, "source:detik") == by_site
    assert _search_ids(engine, 'source:"harian nasional"') == {1}  # via sources.name -> source_id
    assert _search_ids(engine, "source:nowhere") == set()
    assert _search_ids(engine, "-source:nowhere") == ALL
    assert _search_ids(engine, "harga source:detik") == _having("harga") & by_site
    with engine.connect() as conn:
        condition = QueryCompiler(engine.dialect.name, UTC, conn).condition(parse_query("source:detik"))
        sql = str(condition.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    assert "IN (" in sql and "LIKE" not in sql.upper()


def test_search_with_filters_matches_the_condition(engine: sa.Engine) -> None:
    for query in (
        "harga tone:negatif",
        "harga -tone:negatif",
        "harga from:2025-06-17",
        "iran OR source:detik",
    ):
        for order in ("relevance", "newest"):
            assert _search_ids(engine, query, order=order) == ids(engine, query), (query, order)


def test_long_prefix_is_expanded_to_the_same_matches(engine: sa.Engine) -> None:
    for query in ("kesehat*", "title:harg*", "tamban* -iran"):
        assert _search_ids(engine, query) == ids(engine, query), query


def test_relevance_is_bounded_to_the_newest_matches(
    engine: sa.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    word = max(("yang", "dan", "di"), key=lambda w: len(_having(w)))
    matching = _having(word)
    assert len(matching) > 8
    monkeypatch.setattr(search_module, "COUNT_CAP", 4)
    newest_four = set(sorted(matching)[-4:])
    for extra in ("", " tone:negatif OR tone:neutral OR tone:positive"):
        with engine.connect() as conn:
            page = search(conn, word + extra, limit=10)
            by_date = search(conn, word, limit=10, order="newest")
        assert (page.total, page.total_exact) == (4, False)
        if not extra:
            assert {hit.id for hit in page.hits} == newest_four  # ranked among the newest 4 only
        assert {hit.id for hit in by_date.hits} == newest_four
        dates = [hit.published_at for hit in by_date.hits]
        assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
