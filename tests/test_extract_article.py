"""HTML page -> Article on the saved real pages, plus the hostile inputs (charset lies, binary, huge)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from gaung.errors import ExtractionError
from gaung.extract.article import (
    EXTRACTOR_VERSION,
    MAX_HTML_CHARS,
    decode_html,
    extract_article,
    guess_language,
)

FIXTURES = Path(__file__).parent / "fixtures" / "id_news_html"
MANIFEST = {
    entry["file"]: entry for entry in json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
}


def page(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_kapanlagi_charset_lie_gives_no_mojibake() -> None:
    # The page claims iso-8859-1 but is UTF-8 ("©" is sent as C2 A9).
    assert decode_html(page("anpandu/kapanlagi/kapanlagi-singlepage.html")).count("Â") == 0
    article = extract_article(page("anpandu/kapanlagi/kapanlagi-singlepage.html"))
    assert "Ã" not in article.text and "Â" not in article.text


def test_real_windows_1252_bytes_are_decoded() -> None:
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>Café “kopi” — enak</p></body></html>'
    assert "Café “kopi” — enak" in decode_html(html.encode("windows-1252"))


def test_utf8_page_with_latin1_header_claim() -> None:
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>Café</p></body></html>'
    assert "Café" in decode_html(html.encode("utf-8"))


def test_detik_article_fields() -> None:
    entry = MANIFEST["anpandu/detik/detik-singlepage.html"]
    article = extract_article(page(entry["file"]))
    assert article.url == entry["url"]  # from the page's canonical/og:url
    assert article.title == entry["title"]
    assert article.language == "id"
    assert article.extractor_version == EXTRACTOR_VERSION
    assert article.published_at is not None and article.published_at.utcoffset() is not None
    assert article.published_at.isoformat() == "2015-11-05T10:08:00+07:00"  # the page shows minutes only
    assert article.site
    assert "\n\n" not in article.text


def test_english_tempo_is_english() -> None:
    assert extract_article(page("anpandu/tempo-english/tempoen-singlepage.html")).language == "en"


def test_modern_detik_inserts_are_gone() -> None:
    article = extract_article(page("htmldate/health.detik.com-Stroke.html"))
    for insert in ("ADVERTISEMENT", "SCROLL TO CONTINUE", "Baca juga"):
        assert insert not in article.text


def test_given_url_wins() -> None:
    article = extract_article(page("anpandu/okezone/okezone-singlepage.html"), "https://example.id/a")
    assert article.url == "https://example.id/a"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n",
        "",
        b"%PDF-1.7\x00\x00\x01\x02binary",
        "<html><body><script>var a=1;</script></body></html>",
    ],
)
def test_unusable_input_raises(content: str | bytes) -> None:
    with pytest.raises(ExtractionError):
        extract_article(content, "https://example.id/x")


def test_huge_page_does_not_hang() -> None:
    story = "<p>Pemerintah Kota Bandung meresmikan taman baru di pusat kota pada hari Senin.</p>"
    filler = "<div class='ad'><script>" + "x" * 1000 + "</script><span>iklan</span></div>"
    html = "<html><body><article>" + story * 20 + "</article>" + filler * 20_000 + "</body></html>"
    assert len(html) > 2 * MAX_HTML_CHARS
    started = time.monotonic()
    article = extract_article(html)
    assert time.monotonic() - started < 30
    assert "taman baru" in article.text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Pemerintah mengatakan bahwa program ini akan dilanjutkan pada tahun depan oleh para menteri.",
            "id",
        ),
        ("The government said that the program will be continued next year by the ministers.", "en"),
        ("Jokowi", None),
    ],
)
def test_guess_language(text: str, language: str | None) -> None:
    assert guess_language(text) == language
