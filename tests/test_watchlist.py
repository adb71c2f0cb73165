"""The watchlist matcher: titles, honorifics, clitics, abbreviations, and clear errors for bad entries."""

from __future__ import annotations

import time

import pytest

from gaung.analyze.watchlist import compile_watchlist
from gaung.config import WatchEntry, settings_from_dict
from gaung.errors import ConfigError

ENTRIES = [
    WatchEntry("helmi", "Helmi Hasan", "PERSON", ["Wali Kota Helmi", "Pak Wali"]),
    WatchEntry("dedy", "Dedy Wahyudi", "PERSON", ["Wakil Wali Kota Dedy"]),
    WatchEntry("kominfo", "Dinas Komunikasi dan Informatika Kota Bengkulu", "ORGANIZATION", ["Diskominfo"]),
    WatchEntry("pemkot", "Pemerintah Kota Bengkulu", "ORGANIZATION"),
    WatchEntry("sehat", "Program Bengkulu Sehat", "PROGRAM", ["Bengkulu Sehat"]),
]


@pytest.fixture(scope="module")
def matcher():
    return compile_watchlist(ENTRIES)


def hits(matcher, text: str) -> list[tuple[str, str]]:
    return [(hit.text, hit.entry.id) for hit in matcher.find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("WALIKOTA HELMI HASAN meninjau banjir.", [("WALIKOTA HELMI HASAN", "helmi")]),
        ("tegas Wali Kota Helmi kepada wartawan", [("Wali Kota Helmi", "helmi")]),
        ("Menurut Pak Helmi, jalan itu", [("Pak Helmi", "helmi")]),
        ("kata H. Helmi Hasan, S.E., M.H.", [("H. Helmi Hasan", "helmi")]),
        ("Pak Wali hadir", [("Pak Wali", "helmi")]),
        ("Bapak Wakil Wali Kota Dedy membuka acara", [("Bapak Wakil Wali Kota Dedy", "dedy")]),
        ("kebijakan Helmi Hasannya dipuji", [("Helmi Hasan", "helmi")]),
        (
            "Pemkot Bengkulu dan Pemerintah Kota Bengkulu",
            [("Pemkot Bengkulu", "pemkot"), ("Pemerintah Kota Bengkulu", "pemkot")],
        ),
        ("Kepala Diskominfo Kota Bengkulu", [("Diskominfo Kota Bengkulu", "kominfo")]),
        ("Dinas Kominfo Kota Bengkulu", [("Dinas Kominfo Kota Bengkulu", "kominfo")]),
        ("warga ikut Bengkulu Sehat", [("Bengkulu Sehat", "sehat")]),
        ("program Bengkulu Sehat berjalan", [("program Bengkulu Sehat", "sehat")]),
        ("Hélmi Hasan", [("Hélmi Hasan", "helmi")]),
    ],
)
def test_surface_forms(matcher, text: str, expected: list[tuple[str, str]]) -> None:
    assert hits(matcher, text) == expected


def test_offsets_point_into_the_text(matcher) -> None:
    text = "“Kami siap,” ujar Walikota Helmi."
    (hit,) = matcher.find(text)
    assert text[hit.start : hit.end] == "Walikota Helmi"


def test_a_bare_first_name_or_title_does_not_match(matcher) -> None:
    assert hits(matcher, "Helmi, warga Sawah Lebar, dan Wali Kota Bandung") == []


def test_titled_first_name_shared_by_two_people_is_not_guessed() -> None:
    matcher = compile_watchlist([WatchEntry("a", "Budi Santoso"), WatchEntry("b", "Budi Hartono")])
    assert hits(matcher, "Pak Budi datang") == []
    assert hits(matcher, "Pak Budi Hartono datang") == [("Pak Budi Hartono", "b")]


def test_lookup_prefers_the_person(matcher) -> None:
    entry = matcher.lookup("Wali Kota Bengkulu Helmi Hasan")
    assert entry is not None and entry.id == "helmi"
    assert matcher.lookup("seorang warga") is None


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (WatchEntry("x", ""), "name '' is empty"),
        (WatchEntry("x", "Budi", aliases=["Pak"]), "alias 'Pak' is only a title"),
        (WatchEntry("x", "Budi", aliases=["Wali Kota"]), "alias 'Wali Kota' is only a title"),
        (WatchEntry("x", "Dr. H."), "is only a title"),
        (WatchEntry("x", "Budi", "ALIEN"), "type 'ALIEN'"),
        (WatchEntry("", "Budi"), "id is empty"),
    ],
)
def test_bad_entries_raise_config_error_naming_the_entry(entry: WatchEntry, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as info:
        compile_watchlist([entry])
    assert "watchlist entry #1" in str(info.value)


def test_duplicate_id_and_contested_alias() -> None:
    with pytest.raises(ConfigError, match="used twice"):
        compile_watchlist([WatchEntry("a", "Budi"), WatchEntry("a", "Ani")])
    with pytest.raises(ConfigError, match="also claimed by"):
        compile_watchlist([WatchEntry("a", "Budi Santoso"), WatchEntry("b", "Ani", aliases=["Budi Santoso"])])


def test_entries_from_toml_settings_compile() -> None:
    settings = settings_from_dict(
        {"watchlist": [{"id": "helmi", "name": "Helmi Hasan", "aliases": ["Pak Wali"]}]}
    )
    assert hits(compile_watchlist(settings.watchlist), "Pak Wali") == [("Pak Wali", "helmi")]


def test_scan_time_grows_with_text_not_entries() -> None:
    entries = [WatchEntry(f"e{i}", f"Nama{i} Orang{i}", "PERSON", [f"Pak Alias{i}"]) for i in range(2000)]
    started = time.perf_counter()
    matcher = compile_watchlist([*entries, *ENTRIES])
    compile_seconds = time.perf_counter() - started
    text = "Wali Kota Helmi meresmikan jalan baru di Kota Bengkulu bersama warga. " * 2000  # ~140 kB
    started = time.perf_counter()
    found = matcher.find(text)
    scan_seconds = time.perf_counter() - started
    assert len(found) == 2000
    # Generous bounds for a shared CI machine; measured ~0.5 s compile and ~0.15 s scan here.
    assert compile_seconds < 10 and scan_seconds < 3
