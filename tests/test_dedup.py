"""Syndication detection: URL keys, content hashes, signatures, the LSH index and the same-story decision."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaung.analyze import dedup
from gaung.analyze.dedup import (
    SyndicationIndex,
    assign_group,
    canonicalize_url,
    content_hash,
    fingerprint,
    minhash_signature,
    minhash_signatures,
    pack_signature,
    unpack_signature,
)

BODY = (
    "Kementerian Komunikasi dan Digital menggelar sosialisasi program literasi digital bagi aparatur sipil "
    "negara di 34 provinsi. Kegiatan ini diikuti lebih dari lima ribu peserta dari pemerintah daerah. "
    "Menurut Direktur Jenderal, program tersebut bertujuan meningkatkan kemampuan pegawai dalam "
    "menghadapi disinformasi di media sosial serta memperkuat layanan publik berbasis elektronik. "
    "Ia menambahkan bahwa materi pelatihan disusun bersama perguruan tinggi dan komunitas pemeriksa fakta, "
    "dan akan dievaluasi setiap tiga bulan."
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTP://WWW.Detik.COM/berita/d-1/slug/", "https://detik.com/berita/d-1/slug"),
        (
            "https://news.detik.com/berita/d-1/slug?utm_source=twitter&utm_medium=social",
            "https://news.detik.com/berita/d-1/slug",
        ),
        (
            "https://m.liputan6.com/news/read/6055946/slug?fbclid=abc#comments",
            "https://liputan6.com/news/read/6055946/slug",
        ),
        ("https://www.liputan6.com/amp/6055946/slug", "https://liputan6.com/6055946/slug"),
        (
            "https://amp.kompas.com/nasional/read/2025/06/18/1/slug",
            "https://kompas.com/nasional/read/2025/06/18/1/slug",
        ),
        (
            "https://news.okezone.com/read/2025/06/18/1/2/slug?amp=1",
            "https://news.okezone.com/read/2025/06/18/1/2/slug",
        ),
        ("https://news.detik.com/berita/d-1/slug/amp", "https://news.detik.com/berita/d-1/slug"),
        ("https://example.com:443/a?b=2&a=1&gclid=x", "https://example.com/a?a=1&b=2"),
        ("http://example.com:8080/", "https://example.com:8080/"),
        ("https://example.com", "https://example.com/"),
        ("https://m.id/page", "https://m.id/page"),  # never collapse to a bare TLD
        ("urn:sha256:abc", "urn:sha256:abc"),
        ("  https://example.com/x  ", "https://example.com/x"),
    ],
)
def test_canonicalize_url(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


def test_canonicalize_url_keeps_content_parameters() -> None:
    assert (
        canonicalize_url("https://example.com/search?q=banjir&page=2")
        == "https://example.com/search?page=2&q=banjir"
    )


def test_canonicalize_url_tolerates_malformed_netloc() -> None:
    assert canonicalize_url("http://[::1") == "http://[::1"
    assert canonicalize_url("http://example.com:99999999/") == "http://example.com:99999999/"


_url_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=300, deadline=None)
@given(
    scheme=st.sampled_from(["http", "https", "HTTP", "HtTpS"]),
    host=st.from_regex(r"\A((www|m|amp|WWW)\.){0,2}[a-z0-9-]{1,12}(\.[a-z]{2,6}){1,2}\Z"),
    path=_url_text,
    query=_url_text,
    fragment=_url_text,
)
def test_canonicalize_url_is_idempotent(scheme: str, host: str, path: str, query: str, fragment: str) -> None:
    url = f"{scheme}://{host}/{path}?{query}#{fragment}"
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once
    assert once.startswith("https://")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_canonicalize_url_never_raises(tail: str) -> None:
    for url in (f"http://{tail}", f"https://example.com/{tail}", tail):
        result = canonicalize_url(url)
        assert canonicalize_url(result) == result


def test_content_hash_ignores_outlet_datelines_case_and_punctuation() -> None:
    kompas = content_hash("Kominfo gelar literasi digital", "JAKARTA, KOMPAS.com - " + BODY)
    liputan6 = content_hash("Literasi Digital untuk ASN", "Liputan6.com, Jakarta - " + BODY.upper())
    okezone = content_hash(None, "JAKARTA – " + BODY.replace(",", "").replace(".", " . "))
    antara = content_hash(None, "Jakarta (ANTARA) - " + BODY)
    glued = content_hash(None, "Liputan6.com, Jakarta" + BODY)  # dash lost, place glued to the first word
    assert kompas == liputan6 == okezone == antara == glued
    assert kompas != content_hash(None, BODY + " Tambahan satu kalimat.")


def test_short_text_hash_includes_title() -> None:
    stub = "Baca selengkapnya di Koran Tempo."
    assert content_hash("Judul satu", stub) != content_hash("Judul dua", stub)
    assert content_hash("Judul satu", stub) == content_hash("judul SATU!", stub)


def test_signature_pack_round_trip() -> None:
    signature = minhash_signature(BODY)
    packed = pack_signature(signature)
    assert len(packed) == 6 + 4 * dedup.NUM_PERM
    restored = unpack_signature(packed)
    assert restored.jaccard(signature) == 1.0
    assert (restored.hashvalues == signature.hashvalues).all()
    with pytest.raises(ValueError, match="packed"):
        unpack_signature(b"nonsense")
    with pytest.raises(ValueError):
        unpack_signature(packed[:-4])


def test_signatures_are_deterministic_and_batch_equals_single() -> None:
    texts = [BODY, "", "satu dua", BODY.replace("tiga bulan", "enam bulan")]
    batch = minhash_signatures(texts)
    for text, signature in zip(texts, batch, strict=True):
        assert (minhash_signature(text).hashvalues == signature.hashvalues).all()
    assert batch[1].is_empty()
    assert not batch[2].is_empty()


def test_near_copy_has_high_estimated_jaccard() -> None:
    edited = (
        BODY.replace("lima ribu", "enam ribu")
        + "\nSimak juga Video 'Literasi Digital':\n[Gambas:Video 20detik]"
    )
    unrelated = (
        "Harga cabai rawit di pasar induk naik tajam menjelang musim hujan karena pasokan dari sentra "
        "produksi berkurang."
    )
    assert minhash_signature(BODY).jaccard(minhash_signature(edited)) >= dedup.DUP_JACCARD
    assert minhash_signature(BODY).jaccard(minhash_signature(unrelated * 3)) < 0.1


def test_index_add_query_rebuild_and_prune() -> None:
    now = datetime(2025, 6, 18, 12, tzinfo=UTC)
    index = SyndicationIndex()
    original = minhash_signature("JAKARTA, KOMPAS.com - " + BODY)
    assert index.add(1, original, now)
    assert not index.add(1, original, now)  # known id
    assert not index.add(2, minhash_signature(""), now)  # empty texts would all collide
    assert index.add(3, minhash_signature("Harga cabai naik tajam di pasar induk " * 10), now)

    copy = minhash_signature("Liputan6.com, Jakarta - " + BODY)
    hits = index.query(copy, now + timedelta(hours=3))
    assert hits[0][0] == 1 and hits[0][1] == 1.0
    assert 3 not in [mention_id for mention_id, _ in hits]
    assert index.query(copy, now + timedelta(days=30)) == []  # outside the syndication window
    assert index.query(minhash_signature("")) == []

    rebuilt = SyndicationIndex.from_rows(
        [
            (1, pack_signature(original), now.replace(tzinfo=None)),
            (2, None, None),
            (3, pack_signature(copy), None),
        ]
    )
    assert len(rebuilt) == 2
    assert [mention_id for mention_id, _ in rebuilt.query(copy)] == [1, 3]

    assert rebuilt.prune(now + timedelta(days=1)) == 1  # id 3 has no date and stays
    assert 1 not in rebuilt and 3 in rebuilt


def test_assign_group_long_texts() -> None:
    story = fingerprint("Kominfo gelar literasi digital", "JAKARTA, KOMPAS.com - " + BODY)
    syndicated = fingerprint(
        "Judul lain sama sekali", "Jakarta (ANTARA) - " + BODY + " Ia juga berterima kasih."
    )
    other = fingerprint("Kominfo gelar literasi digital", "Harga cabai naik tajam di pasar induk. " * 12)
    assert assign_group(syndicated, story)
    assert not assign_group(other, story)
    assert not assign_group(story, None)


def test_assign_group_short_texts_lean_on_the_title() -> None:
    stub = "Baca selengkapnya di Koran Tempo edisi hari ini."
    a = fingerprint("Memoar Karlina Supelli", stub)
    b = fingerprint("Gerilya Sineas Indonesia di Cannes", stub)
    again = fingerprint("Memoar Karlina Supelli", stub)
    assert a.is_short
    assert not assign_group(a, b)  # one paywall stub, two stories
    assert assign_group(a, again)
    # photo pages without text: nothing but titles to go on, and those differ
    assert not assign_group(fingerprint("Foto: banjir", ""), fingerprint("Foto: kebakaran", ""))
    # short caption reworded a little under a near-identical title: MinHash alone would be unreliable
    caption = (
        "Warga melintasi genangan banjir di Jalan Daan Mogot Jakarta Barat pada Rabu pagi setelah hujan deras"
    )
    assert assign_group(
        fingerprint("Banjir Rendam Daan Mogot", caption + " semalaman"),
        fingerprint("Banjir Rendam Daan Mogot", caption + " sejak malam"),
    )
    assert not assign_group(
        fingerprint("Banjir Rendam Daan Mogot", caption + " semalaman"),
        fingerprint("Macet Parah di Tol Dalam Kota", caption + " sejak malam"),
    )


def test_public_surface() -> None:
    assert set(dedup.__all__) <= set(dir(dedup))
