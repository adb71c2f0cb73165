"""The analysts' query language: parse it and compile it to SQL (running it: `gaung.store.search`).

    query   := or_expr
    or_expr := and_expr (("OR" | "ATAU") and_expr)*
    and_expr:= unary ((("AND" | "DAN"))? unary)*          adjacent terms mean AND
    unary   := ("NOT" | "BUKAN" | "-") unary | primary
    primary := "(" or_expr ")" | word | word* | "phrase" | field:value | field:"value"

Operators are recognised only in upper case, so the everyday Indonesian words "dan"/"atau" stay
searchable. See docs/query-language.md for the analysts' version of this grammar.

Text terms become one full-text match per AND group (FTS5 MATCH on SQLite, `@@ to_tsquery` on
PostgreSQL); field filters become ordinary SQL conditions. Every term is quoted when rendered, so
nothing a user types can turn into full-text syntax (FTS5 `NEAR`, `^`, `:`, `-`, quotes...).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

import sqlalchemy as sa

from gaung.errors import QueryError
from gaung.store.fulltext import SEARCH_VECTOR, fts_match, tsquery
from gaung.store.schema import mention_entities, mentions, sources

__all__ = [
    "HIGHLIGHT_END",
    "HIGHLIGHT_START",
    "And",
    "Filter",
    "Node",
    "Not",
    "Or",
    "Phrase",
    "QueryCompiler",
    "Word",
    "compile_query",
    "format_query",
    "parse_query",
]

MAX_QUERY_LENGTH = 1000
# Parentheses plus NOTs; far beyond what an analyst writes, and well inside Python's recursion limit.
MAX_DEPTH = 20
# Counting every hit of a broad query over millions of mentions costs more than the page itself;
# past this many, the UI shows "10,000+" (an analyst narrows the query rather than reads them all).
COUNT_CAP = 10_000
MAX_PAGE_SIZE = 200
SNIPPET_WORDS = 24

# Snippet markers: control characters never occur in extracted article text, so the web layer can
# escape the snippet as plain text first and turn the markers into <mark> afterwards.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"

OPERATORS = {"AND": "AND", "DAN": "AND", "OR": "OR", "ATAU": "OR", "NOT": "NOT", "BUKAN": "NOT"}
TONES = {
    "positive": "positive",
    "positif": "positive",
    "neutral": "neutral",
    "netral": "neutral",
    "negative": "negative",
    "negatif": "negative",
}
FIELDS = ("source", "tone", "entity", "lang", "platform", "from", "to", "title")
_QUOTES = '"“”'  # typographic quotes arrive when analysts paste from a word processor
_FIELD_RE = re.compile(r"([A-Za-z]+):(.*)", re.DOTALL)
_ISO_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DMY_DATE_RE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


# --- AST -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """A single word; `prefix` for `word*`, `title_only` for `title:word`."""

    text: str
    prefix: bool = False
    title_only: bool = False


@dataclass(frozen=True)
class Phrase:
    """Words that must appear next to each other, in order (`"banjir bandang"`)."""

    text: str
    title_only: bool = False


@dataclass(frozen=True)
class Filter:
    """A field filter with its value already normalised (tone in English, dates in ISO form)."""

    field: str
    value: str


@dataclass(frozen=True)
class Not:
    """Mentions not matching `item`."""

    item: Node


@dataclass(frozen=True)
class And:
    """Mentions matching every item (never nested directly in another And)."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Mentions matching at least one item (never nested directly in another Or)."""

    items: tuple[Node, ...]


Node = Word | Phrase | Filter | Not | And | Or


# --- parsing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: Literal["word", "phrase", "field", "op", "minus", "lparen", "rparen", "eof"]
    pos: int
    text: str = ""  # word or phrase text, canonical operator, or field name
    raw: str = ""  # as typed, for messages
    value: str = ""  # field value
    value_pos: int = 0
    quoted: bool = False  # field value was a quoted phrase


def _blank(ch: str) -> bool:
    # Control characters and lone surrogates would break FTS5 (NUL ends its string) or the driver's
    # encoding; they carry no meaning in a query, so they count as spaces.
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cs")


def _searchable(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _read_quoted(query: str, start: int) -> tuple[str, int]:
    end = next((k for k in range(start + 1, len(query)) if query[k] in _QUOTES), -1)
    if end < 0:
        raise QueryError("unterminated quote: add the closing quote", query, start)
    text = " ".join("".join(" " if _blank(ch) else ch for ch in query[start + 1 : end]).split())
    if not _searchable(text):
        raise QueryError("empty phrase: put at least one word between the quotes", query, start)
    return text, end + 1


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    while i < n:
        ch = query[i]
        if _blank(ch):
            i += 1
        elif ch in "()":
            tokens.append(_Token("lparen" if ch == "(" else "rparen", i, raw=ch))
            i += 1
        elif ch in _QUOTES:
            text, end = _read_quoted(query, i)
            tokens.append(_Token("phrase", i, text, raw=query[i:end]))
            i = end
        elif ch == "-" and i + 1 < n and not _blank(query[i + 1]) and query[i + 1] != ")":
            tokens.append(_Token("minus", i, "NOT", raw="-"))
            i += 1
        else:
            j = i
            while j < n and not _blank(query[j]) and query[j] not in '()"“”':
                j += 1
            word = query[i:j]
            field = _FIELD_RE.fullmatch(word)
            if word in OPERATORS:
                tokens.append(_Token("op", i, OPERATORS[word], raw=word))
            elif field:
                name, value = field.group(1).lower(), field.group(2)
                if name not in FIELDS:
                    known = ", ".join(f"{f}:" for f in FIELDS)
                    message = (
                        f"unknown field '{field.group(1)}:' (known fields: {known}; "
                        "quote the text to search for it)"
                    )
                    raise QueryError(message, query, i)
                value_pos, quoted = j - len(value), False
                if not value and j < n and query[j] in _QUOTES:
                    value, j = _read_quoted(query, j)
                    quoted = True
                if not value:
                    raise QueryError(f"the field {name}: needs a value", query, i)
                tokens.append(_Token("field", i, name, word, value, value_pos, quoted))
            elif _searchable(word):
                tokens.append(_Token("word", i, word, raw=word))
            # a word of punctuation only (a stray "-", "*" or "^") matches nothing; it is skipped
            i = j
    tokens.append(_Token("eof", n))
    return tokens


def _join(cls: type[And] | type[Or], items: list[Node]) -> Node:
    flat: list[Node] = []
    for item in items:
        flat.extend(item.items if isinstance(item, cls) else (item,))
    return flat[0] if len(flat) == 1 else cls(tuple(flat))


class _Parser:
    # Hand-written recursive descent: the grammar is small and errors must point at the exact character.

    def __init__(self, query: str) -> None:
        self.query = query
        self.tokens = _tokenize(query)
        self.index = 0
        self.depth = 0

    def error(self, message: str, position: int) -> QueryError:
        return QueryError(message, self.query, position)

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node:
        if self.peek().kind == "eof":
            raise self.error("the query has no searchable words", 0)
        node = self.parse_or()
        token = self.peek()
        if token.kind == "rparen":
            raise self.error("unbalanced parentheses: this ')' has no matching '('", token.pos)
        return node

    def expect_operand(self, operator: _Token) -> None:
        token = self.peek()
        if token.kind in ("eof", "rparen"):
            raise self.error(f"nothing after {operator.raw}: add a term or remove the operator", operator.pos)
        if token.kind == "op" and token.text != "NOT":
            raise self.error(f"{token.raw} cannot follow {operator.raw}", token.pos)

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while self.peek().kind == "op" and self.peek().text == "OR":
            self.expect_operand(self.take())
            items.append(self.parse_and())
        return _join(Or, items)

    def parse_and(self) -> Node:
        items = [self.parse_unary()]
        while True:
            token = self.peek()
            if token.kind == "op" and token.text == "AND":
                self.expect_operand(self.take())
            elif token.kind == "eof" or token.kind == "rparen" or (token.kind == "op" and token.text == "OR"):
                break
            items.append(self.parse_unary())
        return _join(And, items)

    def enter(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"the query nests too deeply (more than {MAX_DEPTH} levels)", token.pos)

    def parse_unary(self) -> Node:
        token = self.peek()
        if token.kind == "minus" or (token.kind == "op" and token.text == "NOT"):
            self.take()
            self.expect_operand(token)
            self.enter(token)
            item = self.parse_unary()
            self.depth -= 1
            return item.item if isinstance(item, Not) else Not(item)
        return self.parse_primary()

    def parse_primary(self) -> Node:
        token = self.take()
        if token.kind == "word":
            stem = token.text.rstrip("*")
            return Word(stem, prefix=stem != token.text)
        if token.kind == "phrase":
            return Phrase(token.text)
        if token.kind == "field":
            return self.field(token)
        if token.kind == "lparen":
            self.enter(token)
            if self.peek().kind == "rparen":
                raise self.error("empty parentheses", token.pos)
            node = self.parse_or()
            if self.peek().kind != "rparen":
                raise self.error("unbalanced parentheses: this '(' is never closed", token.pos)
            self.take()
            self.depth -= 1
            return node
        if token.kind == "op":
            raise self.error(f"{token.raw} needs a term before it", token.pos)
        raise self.error(
            "unbalanced parentheses: this ')' has no matching '('", token.pos
        )  # unreachable: expect_operand() guards

    def field(self, token: _Token) -> Node:
        name, value, at = token.text, token.value, token.value_pos
        if name == "title":
            if token.quoted:
                return Phrase(value, title_only=True)
            stem = value.rstrip("*")
            if not _searchable(stem):
                raise self.error("title: needs a word or a quoted phrase", at)
            return Word(stem, prefix=stem != value, title_only=True)
        if name == "tone":
            if value.lower() not in TONES:
                raise self.error(
                    f"unknown tone '{value}': use positive/positif, neutral/netral or negative/negatif", at
                )
            return Filter("tone", TONES[value.lower()])
        if name in ("from", "to"):
            return Filter(name, self.date(value, at).isoformat())
        if name == "entity":
            return Filter(name, " ".join(value.split()))
        return Filter(name, " ".join(value.split()).lower())

    def date(self, value: str, at: int) -> date:
        try:
            if _ISO_DATE_RE.fullmatch(value):
                return date.fromisoformat(value)
            if dmy := _DMY_DATE_RE.fullmatch(value):
                return date(int(dmy.group(3)), int(dmy.group(2)), int(dmy.group(1)))
        except ValueError:
            pass
        raise self.error(f"bad date '{value}': use YYYY-MM-DD or DD/MM/YYYY, e.g. 2025-06-18", at)


def parse_query(query: str) -> Node:
    """Parse an analyst's query into an AST; raise QueryError pointing at the offending character."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(
            f"the query is too long ({len(query)} characters; the limit is {MAX_QUERY_LENGTH})",
            query,
            MAX_QUERY_LENGTH,
        )
    if not query.strip():
        raise QueryError("empty query: type a word to search for", query, 0)
    return _Parser(query).parse()


def _format_value(value: str) -> str:
    return f'"{value}"' if any(_blank(ch) or ch in "()" for ch in value) else value


def format_query(node: Node) -> str:
    """The canonical text of a query: explicit operators, English names; it parses back to `node`."""
    if isinstance(node, Word):
        return ("title:" if node.title_only else "") + node.text + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return ("title:" if node.title_only else "") + f'"{node.text}"'
    if isinstance(node, Filter):
        return f"{node.field}:{_format_value(node.value)}"
    if isinstance(node, Not):
        inner = format_query(node.item)
        return f"NOT ({inner})" if isinstance(node.item, And | Or) else f"NOT {inner}"
    if isinstance(node, And):
        return " AND ".join(
            f"({format_query(item)})" if isinstance(item, Or) else format_query(item) for item in node.items
        )
    return " OR ".join(format_query(item) for item in node.items)


# --- compilation -----------------------------------------------------------------------------------


class QueryCompiler:
    """Turns an AST into SQL for one dialect, collapsing text subtrees into as few matches as possible."""

    def __init__(self, dialect: str, timezone: tzinfo, conn: sa.Connection | None = None) -> None:
        """With `conn`, `source:` values are resolved to site names and source ids up front (indexable);
        without it they compile to a substring match over every row (same result, slower)."""
        if dialect not in ("sqlite", "postgresql"):
            raise ValueError(f"full-text search is not available on {dialect}")
        self.postgres = dialect == "postgresql"
        self.timezone = timezone
        self.conn = conn
        self._sites: list[str] | None = None

    def is_text(self, node: Node) -> bool:
        """Whether `node` can be one full-text query (FTS5 has only a binary NOT, tsquery has `!`)."""
        if isinstance(node, Word | Phrase):
            return True
        if isinstance(node, Not):
            return self.postgres and self.is_text(node.item)
        if isinstance(node, Or):
            return all(self.is_text(item) for item in node.items)
        if isinstance(node, And):
            if self.postgres:
                return all(self.is_text(item) for item in node.items)
            return any(self.is_text(item) for item in node.items) and all(
                self.is_text(item) or (isinstance(item, Not) and self.is_text(item.item))
                for item in node.items
            )
        return False

    def render(self, node: Node) -> str:
        """The full-text query string for a text subtree (FTS5 syntax or to_tsquery syntax)."""
        if isinstance(node, Word | Phrase):
            prefix = isinstance(node, Word) and node.prefix
            if self.postgres:
                lexeme = "'" + node.text.replace("\\", "\\\\").replace("'", "''") + "'"
                flags = ("*" if prefix else "") + ("A" if node.title_only else "")
                return f"{lexeme}:{flags}" if flags else lexeme
            quoted = '"' + node.text.replace('"', '""') + '"'
            return ("title : " if node.title_only else "") + quoted + (" *" if prefix else "")
        if isinstance(node, Not):
            return f"!({self.render(node.item)})"
        if isinstance(node, Or):
            return (" | " if self.postgres else " OR ").join(f"({self.render(i)})" for i in node.items)
        assert isinstance(node, And)
        if self.postgres:
            return " & ".join(f"({self.render(item)})" for item in node.items)
        positive = [item for item in node.items if not isinstance(item, Not)]
        rendered = " AND ".join(f"({self.render(item)})" for item in positive)
        for item in node.items:
            if isinstance(item, Not):
                rendered = f"({rendered}) NOT ({self.render(item.item)})"
        return rendered

    def match(self, node: Node) -> sa.ColumnElement[bool]:
        if self.postgres:
            return SEARCH_VECTOR.op("@@")(tsquery(self.render(node)))
        return fts_match(self.render(node))

    def split(self, node: Node) -> tuple[Node | None, list[sa.ColumnElement[bool]]]:
        """(the text part every hit must match, the other conditions) — the text part drives ranking."""
        if self.is_text(node):
            return node, []
        if not isinstance(node, And):
            return None, [self.condition(node)]
        texts = [item for item in node.items if self.is_text(item)]
        negated = [
            i for i in node.items if isinstance(i, Not) and not self.is_text(i) and self.is_text(i.item)
        ]
        others = [item for item in node.items if item not in texts and item not in negated]
        conditions = [self.condition(item) for item in others]
        if not texts:
            # only negated text: no positive match to subtract from, so exclude rows (NOT IN)
            return None, [
                sa.not_(self.match(item.item)) for item in negated if isinstance(item, Not)
            ] + conditions
        return _join(And, [*texts, *negated]), conditions

    def condition(self, node: Node) -> sa.ColumnElement[bool]:
        if isinstance(node, Filter):
            return self.filter(node)
        if isinstance(node, Not) and not self.is_text(node):
            return sa.not_(self.condition(node.item))
        if isinstance(node, Or) and not self.is_text(node):
            texts = [item for item in node.items if self.is_text(item)]
            conditions = [self.condition(item) for item in node.items if not self.is_text(item)]
            if texts:
                conditions.insert(0, self.match(_join(Or, texts)))
            return sa.or_(*conditions)
        text, conditions = self.split(node)
        if text is not None:
            conditions.insert(0, self.match(text))
        return sa.and_(*conditions)

    def filter(self, node: Filter) -> sa.ColumnElement[bool]:
        # Every filter is NULL-free (coalesce / IS NOT NULL), so NOT filter keeps rows lacking the field.
        value = node.value
        if node.field == "source":
            if self.conn is not None:
                return self.resolved_source(value)
            site = sa.func.lower(sa.func.coalesce(mentions.c.site, "")).contains(value, autoescape=True)
            named = sa.exists().where(
                sources.c.id == mentions.c.source_id,
                sa.func.lower(sources.c.name).contains(value, autoescape=True),
            )
            return sa.or_(site, named)
        if node.field == "tone":
            # `tone IS NOT NULL AND tone = v` rather than coalesce(tone, '') = v: same rows, NULL-free
            # under NOT, and an index on tone can serve it
            return sa.and_(mentions.c.tone.is_not(None), mentions.c.tone == value)
        if node.field == "lang":
            return sa.func.lower(sa.func.coalesce(mentions.c.language, "")) == value
        if node.field == "platform":
            return sa.func.lower(mentions.c.platform) == value
        if node.field == "entity":
            return sa.exists().where(
                mention_entities.c.mention_id == mentions.c.id,
                sa.or_(mention_entities.c.normalized == value.lower(), mention_entities.c.watch_id == value),
            )
        day = date.fromisoformat(value)
        if node.field == "to":
            day += timedelta(days=1)  # inclusive: everything before the start of the next day
        start = datetime.combine(day, time(), tzinfo=self.timezone).astimezone(UTC).replace(tzinfo=None)
        published = mentions.c.published_at
        bound = published >= start if node.field == "from" else published < start
        return sa.and_(published.is_not(None), bound)

    def site_names(self) -> list[str]:
        """Every distinct `mentions.site`, read once per compiler with a loose index scan (one index
        seek per site: a few dozen, however many mentions there are)."""
        if self._sites is None:
            assert self.conn is not None
            self._sites = [
                site for site in self.conn.execute(sa.text(_DISTINCT_SITES)).scalars() if site is not None
            ]
        return self._sites

    def resolved_source(self, value: str) -> sa.ColumnElement[bool]:
        """`source:value` as `site IN (matching sites) OR source_id IN (matching sources)`.

        The same rows as the substring form (a site or source name containing `value`, ignoring case),
        but resolved against the few distinct sites and sources first, so the filter is index lookups.
        """
        assert self.conn is not None
        sites = [site for site in self.site_names() if value in site.lower()]
        source_ids = list(
            self.conn.execute(
                sa.select(sources.c.id).where(sa.func.lower(sources.c.name).contains(value, autoescape=True))
            ).scalars()
        )
        parts: list[sa.ColumnElement[bool]] = []
        if sites:
            parts.append(sa.and_(mentions.c.site.is_not(None), mentions.c.site.in_(sites)))
        if source_ids:
            parts.append(sa.and_(mentions.c.source_id.is_not(None), mentions.c.source_id.in_(source_ids)))
        return sa.or_(*parts) if parts else sa.false()


# A loose index scan for the distinct sites: each step seeks the next larger site in an index on site.
_DISTINCT_SITES = """
WITH RECURSIVE found(site) AS (
    SELECT min(site) FROM mentions
    UNION ALL
    SELECT (SELECT min(m.site) FROM mentions AS m WHERE m.site > found.site) FROM found
    WHERE found.site IS NOT NULL
)
SELECT site FROM found WHERE site IS NOT NULL
"""


def compile_query(node: Node, dialect: str, *, timezone: tzinfo = UTC) -> sa.ColumnElement[bool]:
    """A WHERE condition over `mentions` for `node`, for dialect "sqlite" or "postgresql".

    `timezone` decides which calendar day `from:`/`to:` mean (stored times are naive UTC); an office
    in Jakarta passes `ZoneInfo("Asia/Jakarta")`.
    """
    return QueryCompiler(dialect, timezone).condition(node)
