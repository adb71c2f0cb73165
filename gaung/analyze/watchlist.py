"""The watchlist matcher: find the office's people, agencies, programs and places in text.

News writes one official many ways: "Wali Kota Helmi", "Walikota Helmi Hasan", "H. Helmi Hasan, S.E.",
"Pak Wali", "Helmi-nya"; one agency as "Dinas Komunikasi dan Informatika" or "Diskominfo"; one city
government as "Pemerintah Kota Bengkulu" or "Pemkot Bengkulu". ``compile_watchlist`` turns the entries
of ``gaung.toml`` into every such surface form once, at start-up, and ``WatchlistMatcher.find`` scans
text with one pass over its words through a word trie (Aho-Corasick-like: the cost grows with the text,
not with the number of entries).

Configuration mistakes are caught at compile time and raised as ``ConfigError`` naming the entry: an
empty name, an alias that is only a title ("Pak", "Wali Kota"), an unknown type, a duplicate id, or an
alias that two entries both claim. Aliases are plain text, never regular expressions, so a user cannot
write a pattern that is slow or invalid.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from gaung.config import WatchEntry
from gaung.errors import ConfigError

WATCH_TYPES = ("PERSON", "ORGANIZATION", "PLACE", "PROGRAM")

# Courtesy words and academic/religious titles that may precede a name.
HONORIFICS = frozenset(
    [
        "pak",
        "bu",
        "bapak",
        "ibu",
        "sdr",
        "saudara",
        "saudari",
        "bang",
        "mas",
        "mbak",
        "kak",
        "tuan",
        "nyonya",
        "dr",
        "drs",
        "dra",
        "ir",
        "h",
        "hj",
        "haji",
        "hajah",
        "hajjah",
        "prof",
        "kh",
        "ust",
        "ustadz",
        "ustaz",
        "habib",
        "gus",
    ]
)
# Offices, as word sequences; "wali kota" is also written "walikota".
OFFICES = tuple(
    tuple(office.split())
    for office in (
        "wakil wali kota",
        "wakil walikota",
        "wali kota",
        "walikota",
        "wawali",
        "wakil bupati",
        "wabup",
        "bupati",
        "wakil gubernur",
        "wagub",
        "gubernur",
        "wakil presiden",
        "wapres",
        "presiden",
        "menteri",
        "sekretaris daerah",
        "sekda",
        "kepala dinas",
        "kadis",
        "ketua dprd",
        "ketua",
        "wakil ketua",
        "kepala",
        "camat",
        "lurah",
        "kapolda",
        "kapolres",
        "kapolresta",
        "penjabat",
        "pj",
        "plt",
    )
)
# Degrees written after a name ("Helmi Hasan, S.E., M.H."): compared without dots.
DEGREES = frozenset(
    [
        "st",
        "se",
        "sh",
        "mh",
        "mm",
        "msi",
        "ssos",
        "spd",
        "mpd",
        "skom",
        "mkom",
        "sip",
        "ipu",
        "phd",
        "mba",
        "ma",
        "msc",
        "bsc",
        "sked",
        "mkes",
        "skm",
        "sag",
        "mag",
        "lc",
        "mt",
        "ssi",
        "sp",
    ]
)
# Official long forms and the short forms news uses for them. Both directions are generated.
ABBREVIATIONS = (
    ("pemerintah kota", "pemkot"),
    ("pemerintah kabupaten", "pemkab"),
    ("pemerintah provinsi", "pemprov"),
    ("dinas komunikasi dan informatika", "diskominfo"),
    ("dinas komunikasi informatika", "diskominfo"),
    ("komunikasi dan informatika", "kominfo"),
    ("dinas kesehatan", "dinkes"),
    ("dinas pendidikan", "disdik"),
    ("dinas perhubungan", "dishub"),
    ("dinas sosial", "dinsos"),
    ("dinas pekerjaan umum dan penataan ruang", "dinas pupr"),
    ("dewan perwakilan rakyat daerah", "dprd"),
    ("badan penanggulangan bencana daerah", "bpbd"),
    ("satuan polisi pamong praja", "satpol pp"),
    ("rumah sakit umum daerah", "rsud"),
    ("wali kota", "walikota"),
    ("dan", "&"),
)
CLITIC = "nya"  # "Helminya", "Helmi-nya": the name plus -nya still names the entry

_WORD = re.compile(r"\w+(?:['’]\w+)*|&")


def _fold(word: str) -> str:
    """Case- and accent-insensitive form of a word."""
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_with_offsets(text: str) -> list[tuple[str, int, int]]:
    """Folded words of ``text`` with their character offsets; punctuation (dots, commas) is dropped."""
    lowered = text.lower()
    if len(lowered) != len(text):  # rare letters whose lower case is longer: fold word by word
        return [(_fold(m.group()), *m.span()) for m in _WORD.finditer(text)]
    # Lowering once is much cheaper than per word; only non-ASCII words need accent folding.
    return [
        (word if word.isascii() else _fold(word), start, end)
        for word, start, end in ((m.group(), *m.span()) for m in _WORD.finditer(lowered))
    ]


def _words(text: str) -> tuple[str, ...]:
    return tuple(word for word, _, _ in words_with_offsets(text))


def strip_titles(words: Sequence[str]) -> tuple[str, ...]:
    """The name inside a titled form: drop leading honorifics and offices and trailing degrees."""
    start, end = 0, len(words)
    changed = True
    while changed and start < end:
        changed = False
        if words[start] in HONORIFICS:
            start += 1
            changed = True
            continue
        for office in OFFICES:
            if tuple(words[start : start + len(office)]) == office:
                start += len(office)
                changed = True
                break
    while end > start and _degree(words, start, end):
        end -= 1
    return tuple(words[start:end])


def _degree(words: Sequence[str], start: int, end: int) -> bool:
    # Degrees come apart at their dots ("S.E." -> "s", "e"), so join one or two trailing words.
    last = words[end - 1]
    if last in DEGREES and end - 1 > start and (len(last) > 1 or end - 1 > start + 1):
        return True
    return end - 2 > start and words[end - 2] + last in DEGREES and len(words[end - 2]) == 1


def is_only_title(words: Sequence[str]) -> bool:
    """True for forms that name an office or courtesy but nobody in particular ("Pak", "Wali Kota")."""
    return not strip_titles(words)


def _variants(words: tuple[str, ...]) -> set[tuple[str, ...]]:
    """Every spelling of a form obtained by swapping long and short forms (both directions)."""
    found = {words}
    frontier = [words]
    while frontier:
        current = frontier.pop()
        for long_form, short_form in ABBREVIATIONS:
            for old, new in (
                (long_form.split(), short_form.split()),
                (short_form.split(), long_form.split()),
            ):
                for i in range(len(current) - len(old) + 1):
                    if list(current[i : i + len(old)]) == old:
                        candidate = (*current[:i], *new, *current[i + len(old) :])
                        if candidate not in found and len(found) < 64:
                            found.add(candidate)
                            frontier.append(candidate)
    return found


@dataclass(frozen=True)
class WatchMatch:
    """One watchlist hit: character offsets into the scanned text and the entry it names."""

    start: int
    end: int
    text: str
    entry: WatchEntry


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    entry_index: int | None = None


class WatchlistMatcher:
    """A compiled watchlist; build it with ``compile_watchlist`` (invalid entries fail there)."""

    def __init__(
        self,
        entries: Sequence[WatchEntry],
        forms: dict[tuple[str, ...], int],
        titled_names: dict[tuple[str, ...], int],
    ):
        self.entries = list(entries)
        self._root = _build_trie(forms)
        # Names that count only right after a title ("Pak Helmi", "Wali Kota Helmi"). Titles are matched
        # at scan time rather than multiplied into the forms, which keeps compiling 1,000 entries instant.
        self._titled_root = _build_trie(titled_names)
        self._title_root = _build_trie({(h,): 0 for h in HONORIFICS} | {office: 0 for office in OFFICES})
        self._max_words = max((len(words) for words in [*forms, *titled_names]), default=0) + 6
        self.form_count = len(forms) + len(titled_names)
        self._starters = frozenset(self._root.children) | frozenset(self._title_root.children)

    def __len__(self) -> int:
        return len(self.entries)

    def find(self, text: str) -> list[WatchMatch]:
        """Non-overlapping hits, longest first at each position, in text order."""
        words = words_with_offsets(text)
        matches: list[WatchMatch] = []
        starters = self._starters
        i = 0
        while i < len(words):
            first = words[i][0]
            if first not in starters and not first.endswith(CLITIC):
                # Most words start nothing: skip them without walking the tries.
                i += 1
                continue
            best = _walk(self._root, words, i, self._max_words)
            after_title = _title_end(self._title_root, words, i)
            if after_title is not None:
                titled = _walk(self._titled_root, words, after_title, self._max_words)
                if titled is not None and (best is None or titled[0] > best[0]):
                    best = titled
            if best is None:
                i += 1
                continue
            last, end, index = best
            start = words[i][1]
            matches.append(WatchMatch(start, end, text[start:end], self.entries[index]))
            i = last + 1
        return matches

    def lookup(self, name: str) -> WatchEntry | None:
        """The entry a speaker string names ("Wali Kota Bengkulu Helmi Hasan" -> Helmi), or None.

        A person wins over the place or agency in the same string; two different people give None.
        """
        hits = self.find(name)
        people = {id(hit.entry): hit.entry for hit in hits if hit.entry.type == "PERSON"}
        if len(people) == 1:
            return next(iter(people.values()))
        others = {id(hit.entry): hit.entry for hit in hits}
        return next(iter(others.values())) if len(others) == 1 and not people else None


def _build_trie(forms: dict[tuple[str, ...], int]) -> _Node:
    root = _Node()
    for words, index in forms.items():
        node = root
        for word in words:
            node = node.children.setdefault(word, _Node())
        node.entry_index = index
    return root


def _walk(
    root: _Node, words: Sequence[tuple[str, int, int]], i: int, limit: int
) -> tuple[int, int, int] | None:
    """Longest form starting at word ``i``: (last word index, end offset, entry index), or None."""
    best: tuple[int, int, int] | None = None
    node = root
    for j in range(i, min(len(words), i + limit)):
        word, _, word_end = words[j]
        child = node.children.get(word)
        if child is None and word.endswith(CLITIC) and len(word) > len(CLITIC) + 1:
            # "Helminya": the clitic is glued on; the hit ends before it.
            glued = node.children.get(word[: -len(CLITIC)])
            if glued is not None and glued.entry_index is not None:
                best = (j, word_end - len(CLITIC), glued.entry_index)
        if child is None:
            break
        node = child
        if node.entry_index is not None:
            best = (j, word_end, node.entry_index)
    return best


def _title_end(title_root: _Node, words: Sequence[tuple[str, int, int]], i: int) -> int | None:
    """Index of the first word after a run of titles starting at ``i`` ("Bapak Wakil Wali Kota")."""
    j = i
    for _ in range(3):
        found = _walk(title_root, words, j, 4)
        if found is None:
            break
        j = found[0] + 1
    return j if j > i else None


def _entry_where(entry: WatchEntry, position: int) -> str:
    return f"watchlist entry #{position + 1} (id={entry.id!r}, name={entry.name!r})"


def compile_watchlist(entries: Iterable[WatchEntry]) -> WatchlistMatcher:
    """Check the entries and compile every surface form of them into one matcher.

    Raises ``ConfigError`` naming the entry for an empty id or name, an unknown type, a duplicate id,
    an alias that is only a title, or an alias that two entries claim.
    """
    entries = list(entries)
    explicit: dict[tuple[str, ...], int] = {}
    derived: dict[tuple[str, ...], set[int]] = {}
    seen_ids: dict[str, int] = {}
    for index, entry in enumerate(entries):
        where = _entry_where(entry, index)
        if not str(entry.id or "").strip():
            raise ConfigError(f"{where}: id is empty; give every entry a short unique id")
        if entry.id in seen_ids:
            raise ConfigError(f"{where}: id {entry.id!r} is used twice; ids must be unique")
        seen_ids[entry.id] = index
        if entry.type not in WATCH_TYPES:
            raise ConfigError(f"{where}: type {entry.type!r} is not one of {', '.join(WATCH_TYPES)}")
        if not isinstance(entry.aliases, list) or not all(isinstance(a, str) for a in entry.aliases):
            raise ConfigError(f"{where}: aliases must be a list of strings")
        for label, form in [("name", entry.name), *(("alias", alias) for alias in entry.aliases)]:
            words = _words(form or "")
            if not words:
                raise ConfigError(f"{where}: {label} {form!r} is empty (no letters or digits)")
            if is_only_title(words):
                raise ConfigError(
                    f"{where}: {label} {form!r} is only a title or honorific and would match anyone; "
                    "add the person's name (e.g. 'Wali Kota Helmi')"
                )
            core = strip_titles(words)
            # A bare one-word core of a titled alias ("Helmi" from "Wali Kota Helmi", "wali" from "Pak
            # Wali") would match strangers; it only counts with a title (see _add_titled_forms).
            own_forms = {words, core} if (core == words or len(core) > 1) else {words}
            for variant in set().union(*(_variants(form) for form in own_forms)):
                owner = explicit.setdefault(variant, index)
                if owner != index and variant in own_forms:
                    raise ConfigError(
                        f"{where}: {label} {form!r} is also claimed by "
                        f"{_entry_where(entries[owner], owner)}; remove it from one of them"
                    )
            if entry.type == "PERSON":
                _add_titled_forms(core, index, derived)
    # "Pak Helmi" is only recognised when exactly one watched person could be meant.
    titled_names = {words: next(iter(owners)) for words, owners in derived.items() if len(owners) == 1}
    return WatchlistMatcher(entries, explicit, titled_names)


def _add_titled_forms(core: tuple[str, ...], index: int, derived: dict[tuple[str, ...], set[int]]) -> None:
    """First or last name after a title ("Pak Helmi", "Wali Kota Helmi"): specific enough to match."""
    names = {core} if len(core) < 2 else {core[:1], core[-1:], core}
    for name in names:
        derived.setdefault(name, set()).add(index)
