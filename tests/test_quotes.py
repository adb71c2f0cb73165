"""Quote attribution: the Indonesian shapes we promise, speakers from the watchlist, NER and anaphora."""

from __future__ import annotations

import pytest

from gaung.analyze.quotes import extract_quotes, same_speaker
from gaung.analyze.watchlist import compile_watchlist
from gaung.config import WatchEntry

WATCHLIST = compile_watchlist([WatchEntry("helmi", "Helmi Hasan", "PERSON", ["Wali Kota Helmi", "Pak Wali"])])


def speakers(text: str, **kwargs) -> list[tuple[str | None, str | None, str | None]]:
    return [(q.speaker, q.verb, q.speaker_watch_id) for q in extract_quotes(text, WATCHLIST, None, **kwargs)]


@pytest.mark.parametrize(
    ("text", "speaker", "verb"),
    [
        ('"Kami akan memperbaiki jalan itu," kata Helmi Hasan.', "Helmi Hasan", "kata"),
        (
            "“Banjir harus ditangani bersama,” tegas Wali Kota Helmi kepada wartawan.",
            "Wali Kota Helmi",
            "tegas",
        ),
        ('"Anggaran sudah siap," ujar Budi Santoso di Balai Kota.', "Budi Santoso", "ujar"),
        (
            'Ketua DPRD Ahmad Kanedi mengatakan, "Kami mendukung program ini sepenuhnya."',
            "Ahmad Kanedi",
            "mengatakan",
        ),
        ("“Semua warga harus ikut,” imbuh Pak Wali.", "Pak Wali", "imbuh"),
    ],
)
def test_direct_quotes(text: str, speaker: str, verb: str) -> None:
    (quote,) = extract_quotes(text, WATCHLIST, None)
    assert same_speaker(speaker, quote.speaker) and quote.verb == verb
    assert text[quote.start : quote.end] == quote.text
    assert '"' not in quote.text and "“" not in quote.text


def test_title_only_attribution_resolves_to_the_watched_person() -> None:
    (quote,) = extract_quotes("“Tidak ada pungutan,” tegas Wali Kota Helmi.", WATCHLIST, None)
    assert quote.speaker_watch_id == "helmi"


def test_nya_forms_and_continuation_paragraphs_take_the_last_speaker() -> None:
    text = (
        '"Jalan ini selesai bulan depan," kata Helmi Hasan di lokasi.\n'
        '"Kami minta warga bersabar sampai pekerjaan selesai," terangnya.\n'
        '"Setelah itu drainase juga kami benahi agar tidak banjir lagi."'
    )
    result = speakers(text)
    assert [r[0] for r in result] == ["Helmi Hasan"] * 3
    assert [r[1] for r in result] == ["kata", "terangnya", None]
    assert all(r[2] == "helmi" for r in result)


def test_indirect_quotes() -> None:
    text = (
        "Menurut Helmi Hasan, pembangunan pasar akan dimulai tahun depan.\n"
        "Budi Santoso mengatakan bahwa dana pembangunan berasal dari APBD.\n"
        "Proyek itu, kata Budi, sudah melalui kajian."
    )
    quotes = extract_quotes(text, WATCHLIST, None)
    assert [(q.speaker, q.verb) for q in quotes] == [
        ("Helmi Hasan", "menurut"),
        ("Budi Santoso", "mengatakan"),
        ("Budi Santoso", "kata"),
    ]
    assert quotes[0].text == "pembangunan pasar akan dimulai tahun depan"
    assert quotes[1].text == "dana pembangunan berasal dari APBD"


def test_short_scare_quotes_and_documents_are_not_quotes() -> None:
    assert extract_quotes('Warga menyebut jalan itu "jalan maut" sejak lama.', WATCHLIST, None) == [] or all(
        q.text != "jalan maut"
        for q in extract_quotes('Warga menyebut jalan itu "jalan maut" sejak lama.', WATCHLIST, None)
    )
    assert extract_quotes("Menurut laporan BPS, inflasi naik 2 persen.", WATCHLIST, None) == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀😀😀",
        '"""',
        "“",
        "â€œKami siap,â€ kata Budi.",
        '<p>"Halo," kata <b>Ani</b>.</p>',
        "x" * 200_000,
    ],
)
def test_bad_input_never_raises(text: str) -> None:
    for quote in extract_quotes(text, WATCHLIST, None):
        assert text[quote.start : quote.end] == quote.text


def test_same_speaker_normalises_titles_and_partial_names() -> None:
    assert same_speaker("Djarot Saiful Hidayat", "Djarot")
    assert same_speaker("Helmi Hasan", "Wali Kota Helmi Hasan")
    assert not same_speaker("Helmi Hasan", "Budi Santoso")
    assert not same_speaker(None, "Budi")
