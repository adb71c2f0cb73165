"""The analysts' query language: every construct, every error with its position, and fuzzing."""

from __future__ import annotations

from datetime import UTC

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaung.errors import QueryError
from gaung.store.query import (
    MAX_DEPTH,
    And,
    Filter,
    Not,
    Or,
    Phrase,
    QueryCompiler,
    Word,
    format_query,
    parse_query,
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("banjir", Word("banjir")),
        ("banjir jakarta", And((Word("banjir"), Word("jakarta")))),
        ("banjir AND jakarta", And((Word("banjir"), Word("jakarta")))),
        ("banjir OR longsor", Or((Word("banjir"), Word("longsor")))),
        ("NOT banjir", Not(Word("banjir"))),
        ("-banjir", Not(Word("banjir"))),
        ("--banjir", Word("banjir")),
        ('"banjir  bandang"', Phrase("banjir bandang")),
        ("“banjir bandang”", Phrase("banjir bandang")),
        ("ban*", Word("ban", prefix=True)),
        ("Iran-Israel", Word("Iran-Israel")),
        ("a b OR c", Or((And((Word("a"), Word("b"))), Word("c")))),
        ("a (b OR c)", And((Word("a"), Or((Word("b"), Word("c")))))),
        ("(a b) c", And((Word("a"), Word("b"), Word("c")))),
        ("a OR (b OR c)", Or((Word("a"), Word("b"), Word("c")))),
        ("a NOT b", And((Word("a"), Not(Word("b"))))),
        ("NOT (a OR b)", Not(Or((Word("a"), Word("b"))))),
        ("-(a b)", Not(And((Word("a"), Word("b"))))),
        ("banjir DAN longsor", And((Word("banjir"), Word("longsor")))),
        ("banjir ATAU longsor", Or((Word("banjir"), Word("longsor")))),
        ("BUKAN banjir", Not(Word("banjir"))),
        ("banjir dan longsor", And((Word("banjir"), Word("dan"), Word("longsor")))),
        ("source:Kompas", Filter("source", "kompas")),
        ('source:"Kompas  TV"', Filter("source", "kompas tv")),
        ("tone:negatif", Filter("tone", "negative")),
        ("tone:Positive", Filter("tone", "positive")),
        ("tone:netral", Filter("tone", "neutral")),
        ('entity:"Helmi  Hasan"', Filter("entity", "Helmi Hasan")),
        ("entity:helmi-hasan", Filter("entity", "helmi-hasan")),
        ("lang:ID", Filter("lang", "id")),
        ("platform:instagram", Filter("platform", "instagram")),
        ("from:2025-06-18", Filter("from", "2025-06-18")),
        ("to:20/06/2025", Filter("to", "2025-06-20")),
        ("to:1/6/2025", Filter("to", "2025-06-01")),
        ("title:harga", Word("harga", title_only=True)),
        ("title:har*", Word("har", prefix=True, title_only=True)),
        ('title:"harga emas"', Phrase("harga emas", title_only=True)),
        ("TONE:negative", Filter("tone", "negative")),
        ("-source:kompas", Not(Filter("source", "kompas"))),
        ("10:30", Word("10:30")),
        ("banjir - jakarta", And((Word("banjir"), Word("jakarta")))),  # a lone "-" is punctuation
        ("NEAR ^x", And((Word("NEAR"), Word("^x")))),
    ],
)
def test_constructs(query: str, expected: object) -> None:
    assert parse_query(query) == expected


@pytest.mark.parametrize(
    ("query", "position", "message"),
    [
        ("", 0, "empty query"),
        ("   ", 0, "empty query"),
        ("- ^ *", 0, "no searchable words"),
        ("(banjir", 0, "'(' is never closed"),
        ("a (b (c)", 2, "'(' is never closed"),
        ("banjir)", 6, "')' has no matching '('"),
        ('kata "banjir', 5, "unterminated quote"),
        ('""', 0, "empty phrase"),
        ("banjir AND", 7, "nothing after AND"),
        ("banjir OR", 7, "nothing after OR"),
        ("banjir NOT", 7, "nothing after NOT"),
        ("(banjir AND)", 8, "nothing after AND"),
        ("AND banjir", 0, "AND needs a term before it"),
        ("a (OR b)", 3, "OR needs a term before it"),
        ("a OR OR b", 5, "OR cannot follow OR"),
        ("a AND OR b", 6, "OR cannot follow AND"),
        ("()", 0, "empty parentheses"),
        ("banjir foo:bar", 7, "unknown field 'foo:'"),
        ("https://kompas.com", 0, "unknown field"),
        ("source:", 0, "source: needs a value"),
        ("from:2025-13-01", 5, "bad date"),
        ("to:31/02/2025", 3, "bad date"),
        ("from:kemarin", 5, "bad date"),
        ("a tone:marah", 7, "unknown tone 'marah'"),
        ("title:*", 6, "title: needs a word"),
        ("x" * 1001, 1000, "too long"),
        ("(" * (MAX_DEPTH + 1) + "a" + ")" * (MAX_DEPTH + 1), MAX_DEPTH, "nests too deeply"),
        ("NOT " * (MAX_DEPTH + 1) + "a", 4 * MAX_DEPTH, "nests too deeply"),
    ],
)
def test_errors_point_at_the_problem(query: str, position: int, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_query(query)
    assert caught.value.position == position
    assert message in caught.value.message
    assert caught.value.query == query


def test_unknown_field_hints_the_known_ones() -> None:
    with pytest.raises(QueryError, match=r"known fields: source:, tone:"):
        parse_query("foo:bar")


def test_canonical_form_uses_explicit_english_operators() -> None:
    node = parse_query("banjir DAN (longsor ATAU gempa) BUKAN tone:negatif -entity:'x'")
    assert format_query(node) == "banjir AND (longsor OR gempa) AND NOT tone:negative AND NOT entity:'x'"


def test_rendering_quotes_every_term() -> None:
    """Characters that are syntax to FTS5 or to_tsquery stay inside quoted terms."""
    node = parse_query("""NEAR c++ a^b x:y*""".replace("x:y", "10:y"))
    sqlite = QueryCompiler("sqlite", UTC).render(node)
    assert sqlite == '("NEAR") AND ("c++") AND ("a^b") AND ("10:y" *)'
    postgres = QueryCompiler("postgresql", UTC).render(parse_query("o'brien back\\slash ban*"))
    assert postgres == "('o''brien') & ('back\\\\slash') & ('ban':*)"


def test_negation_renders_per_dialect() -> None:
    node = parse_query("banjir -jakarta")
    assert QueryCompiler("sqlite", UTC).render(node) == '(("banjir")) NOT ("jakarta")'
    assert QueryCompiler("postgresql", UTC).render(node) == "('banjir') & (!('jakarta'))"


def test_unsupported_dialect_is_refused() -> None:
    with pytest.raises(ValueError, match="mysql"):
        QueryCompiler("mysql", UTC)


_PIECES = st.sampled_from(
    [
        *("banjir", "Jakarta", " ", " ", "(", ")", '"', "-", "*", ":", "AND ", " OR ", "NOT ", "DAN ", "^"),
        *("'", "tone:", "negatif", "source:", "title:", "from:", "2025-06-18", "entity:", "foo:", "“"),
        *("\\", "NEAR", "\x00"),
    ]
)
_QUERIES = st.one_of(st.text(max_size=80), st.lists(_PIECES, max_size=14).map("".join))


@settings(max_examples=300, deadline=None)
@given(_QUERIES)
def test_any_text_parses_or_raises_query_error(query: str) -> None:
    try:
        node = parse_query(query)
    except QueryError as error:
        assert 0 <= error.position <= len(query)
        return
    # round trip: the canonical text means the same query
    assert parse_query(format_query(node)) == node
    for dialect in ("sqlite", "postgresql"):
        QueryCompiler(dialect, UTC).condition(node)
