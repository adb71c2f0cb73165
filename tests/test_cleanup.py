"""Removing Indonesian site inserts, on real text shapes from the scraped-2025 corpus."""

from __future__ import annotations

import json

import pytest

from gaung.extract.cleanup import BOILERPLATE_MIN_ARTICLES, SiteBoilerplate, clean_text, find_insert_lines

STORY = "Menurut Albert, temuan survei mencatat 73,6 persen responden puas."


@pytest.mark.parametrize(
    "insert",
    [
        "Baca juga:Litbang Kompas: 78,3 Persen Publik Yakin Prabowo Mampu Tuntaskan Kasus Korupsi",
        "BACA JUGA: Harga Emas Hari Ini Naik",
        "Advertisement",
        "ADVERTISEMENT",
        "SCROLL TO CONTINUE WITH CONTENT",
        "[Gambas:Video 20detik]",
        "Simak juga Video: Bentuk Negara Kepulauan Bikin Aturan Tambang RI Jadi Krusial, Kok?",
        "Lihat juga Video: Sederet Fakta Pesawat Bawa Jemaah Haji RI Diancam Bom Lewat Email",
        'Tonton juga "Tak Ada Pelangi di Jalan Andrea Hirata" di sini:',
        "Saksikan Live DetikPagi:",
        "Baca selengkapnya di sini",
        "Simak berita selengkapnya di halaman selanjutnya.",
        "Ikuti Whatsapp Channel Republika",
        "Ikuti kami di Google News",
        "Dapatkan update berita pilihan dan breaking news setiap hari dari Kompas.com di Telegram",
        "Tinggalkan Balasan",
        "Click to comment",
        "Foto: Dok. Honda",
        "(Foto: Dok. Polda Riau)",
        "ANTARA FOTO/Raisan Al Farisi",
        "Halaman 1 2 3",
        "1 2 Show All",
        "Selanjutnya",
        "Artikel ini telah naik di detikJabar.",
        "Selasa, 23/02/2016 15:32 WIB",
    ],
)
def test_insert_lines_are_removed(insert: str) -> None:
    assert clean_text(f"{STORY}\n{insert}\n{STORY}") == f"{STORY}\n{STORY}"
    assert find_insert_lines(insert) == [insert]


@pytest.mark.parametrize(
    "sentence",
    [
        "Warga diminta membaca juga aturan baru itu sebelum mendaftar.",
        "Ia gemar baca buku sejarah sejak kecil.",
        "Simak informasi selengkapnya di bawah ini.",
        "Selanjutnya, pergerakan dolar AS terhadap sejumlah mata uang lainnya terpantau melemah.",
        "4. Ikuti Lelang Daring, lelang dilakukan secara online pada waktu yang ditentukan.",
        "Foto itu diunggah pada 22 Mei 2025 dan dibagikan 765 kali.",
        "Jumat, 20 Juni 2025",
        "3. Viento 180",
    ],
)
def test_real_content_is_kept(sentence: str) -> None:
    assert clean_text(f"{STORY}\n{sentence}") == f"{STORY}\n{sentence}"


def test_bare_read_also_drops_headlines_but_not_the_next_paragraph() -> None:
    text = (
        f"{STORY}\nBaca Juga\nHarga Emas Antam Naik Lagi Hari Ini\n"
        "Prabowo Resmikan Bendungan di Jawa Tengah\n"
        '"Gejala depresi di tempat kerja dapat muncul tiba-tiba," kata Shannon Garcia.'
    )
    assert (
        clean_text(text)
        == f'{STORY}\n"Gejala depresi di tempat kerja dapat muncul tiba-tiba," kata Shannon Garcia.'
    )


def test_numbered_subheading_after_bare_read_also_is_kept() -> None:
    assert clean_text(f"{STORY}\nBaca Juga\n1. Tidur Lama") == f"{STORY}\n1. Tidur Lama"


def test_glued_republika_inserts() -> None:
    text = (
        "REPUBLIKA.CO.ID, CIREBON--Kepolisian memastikan aktivitas itu tidak berizin, termasuk kepolisian."
        "Baca JugaTertimbun Longsor, Dua Penambang Galian C Argasunya Berhasil Dievakuasi"
        "Ini Kronologi Longsor Galian C Argasunya di Cirebon, Dua Pekerja Tertimbun"
        "Bahkan, pada 2 Juni 2025, Forkopimda melakukan survei langsung ke lokasi."
        "Ikuti Whatsapp Channel Republikasumber : Antara"
    )
    assert clean_text(text) == (
        "REPUBLIKA.CO.ID, CIREBON--Kepolisian memastikan aktivitas itu tidak berizin, termasuk kepolisian.\n"
        "Bahkan, pada 2 Juni 2025, Forkopimda melakukan survei langsung ke lokasi.\nsumber : Antara"
    )


def test_glued_markers_and_dateline() -> None:
    text = "Liputan6.com, JakartaKita semua mengalami pasang surut.ADVERTISEMENTIni kalimat berikutnya."
    assert (
        clean_text(text)
        == "Liputan6.com, Jakarta - Kita semua mengalami pasang surut.\nIni kalimat berikutnya."
    )


def test_kompas_whatsapp_promo_over_several_lines() -> None:
    promo = (
        "Simak\nbreaking news\ndan\nberita pilihan\nkami langsung di ponselmu. Pilih saluran andalanmu akses "
        "berita Kompas.com WhatsApp Channel :\nhttps://www.whatsapp.com/channel/0029VaFPbedBPzjZrk13HO3D\n"
        ". Pastikan kamu sudah install aplikasi WhatsApp ya."
    )
    assert clean_text(f"{STORY}\n{promo}") == STORY


def test_caption_keeps_text_loses_credit() -> None:
    assert clean_text("Chery Fulwin A8. Foto: Doc. Carnewschina") == "Chery Fulwin A8."


def test_site_boilerplate_learns_repeated_lines_and_round_trips() -> None:
    learned = SiteBoilerplate()
    for number in range(BOILERPLATE_MIN_ARTICLES):
        learned.learn("liputan6.com", f"Berita nomor {number} tentang banjir di kota {number}.\nTim Rembulan")
    learned.learn(
        "liputan6.com", "Berita nomor 0 tentang banjir di kota 0.\nTim Rembulan"
    )  # same article again
    text = "Paragraf baru yang unik.\nTim Rembulan"
    assert learned.remove("liputan6.com", text) == "Paragraf baru yang unik."
    assert learned.remove("detik.com", text) == text
    restored = SiteBoilerplate.from_dict(json.loads(json.dumps(learned.to_dict())))
    assert clean_text(text, site="liputan6.com", boilerplate=restored) == "Paragraf baru yang unik."


def test_site_boilerplate_needs_distinct_articles() -> None:
    learned = SiteBoilerplate()
    for _ in range(BOILERPLATE_MIN_ARTICLES + 2):
        learned.learn("detik.com", "Satu artikel yang sama.\nSaksikan Live DetikSore")
    assert not learned.is_boilerplate("detik.com", "Satu artikel yang sama.")


def test_long_repeated_paragraph_is_never_boilerplate() -> None:
    quote = '"Menjatuhkan pidana penjara selama 16 tahun," ujar hakim di ruang sidang yang penuh sesak.'
    learned = SiteBoilerplate()
    for number in range(BOILERPLATE_MIN_ARTICLES + 2):
        learned.learn(
            "detik.com", f"Sidang ke-{number} berjalan alot.\n{quote}\nCatatan {number} {'x' * number}"
        )
    assert not learned.is_boilerplate("detik.com", quote)
