"""parse_sitemap: urlset, index, Google News, gzip, plain text, malformed; discover_sitemaps."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from httpserver import LocalHTTPServer, http_server

from gaung.config import FetchSettings
from gaung.errors import ParseError
from gaung.ingest.fetch import Fetcher
from gaung.ingest.sitemaps import discover_sitemaps, parse_sitemap

__all__ = ["http_server"]

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://diskominfo.go.id/berita/1</loc><lastmod>2024-05-01</lastmod></url>
  <url><loc>https://diskominfo.go.id/berita/2</loc><lastmod>2024-05-02T10:00:00+07:00</lastmod></url>
  <url><loc>  </loc></url>
  <url><loc>https://diskominfo.go.id/berita/3</loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://news.example.id/sitemap-news.xml</loc><lastmod>2024-05-02T00:00:00Z</lastmod></sitemap>
  <sitemap><loc>/sitemap-2024-04.xml.gz</loc></sitemap>
</sitemapindex>"""

NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://news.example.id/read/1</loc>
    <news:news><news:publication><news:name>Contoh</news:name><news:language>id</news:language></news:publication>
      <news:publication_date>2024-05-02T09:30:00+07:00</news:publication_date>
      <news:title>Wali Kota tinjau banjir di Medan</news:title></news:news></url>
  <url><loc>https://news.example.id/read/2</loc>
    <news:news><news:publication_date>kemarin</news:publication_date>
      <news:title>Tanggal rusak</news:title></news:news></url>
</urlset>"""


def test_urlset() -> None:
    result = parse_sitemap(URLSET, "https://diskominfo.go.id/sitemap.xml")
    assert result.kind == "urlset"
    assert [e.url for e in result.entries] == [f"https://diskominfo.go.id/berita/{i}" for i in (1, 2, 3)]
    assert result.lastmod["https://diskominfo.go.id/berita/1"].utcoffset() == timedelta(hours=7)
    assert result.lastmod["https://diskominfo.go.id/berita/2"] == datetime(2024, 5, 2, 3, tzinfo=UTC)
    assert result.problems == [
        "https://diskominfo.go.id/sitemap.xml: <url> #3 has no usable <loc> (None); skipped"
    ]


def test_sitemap_index_returns_children() -> None:
    result = parse_sitemap(INDEX, "https://news.example.id/sitemap.xml")
    assert result.kind == "sitemapindex" and result.entries == []
    assert result.sitemaps == [
        "https://news.example.id/sitemap-news.xml",
        "https://news.example.id/sitemap-2024-04.xml.gz",
    ]


def test_google_news_sitemap() -> None:
    result = parse_sitemap(NEWS, "https://news.example.id/sitemap-news.xml")
    first, second = result.entries
    assert first.title == "Wali Kota tinjau banjir di Medan"
    assert first.published_at == datetime(2024, 5, 2, 2, 30, tzinfo=UTC)
    assert second.title == "Tanggal rusak" and second.published_at is None
    assert any("bad news:publication_date 'kemarin'" in p for p in result.problems)


def test_gzip_sitemap_and_truncated_gzip() -> None:
    packed = gzip.compress(URLSET)
    assert len(parse_sitemap(packed, "https://a.id/s.xml.gz").entries) == 3
    partial = parse_sitemap(packed[: len(packed) - 12], "https://a.id/s.xml.gz")
    assert any("gzip data is truncated" in p for p in partial.problems)


def test_plain_text_sitemap() -> None:
    text = b"https://a.id/1\n\nhttps://a.id/2\r\nnot a url\nftp://a.id/3\n"
    result = parse_sitemap(text, "https://a.id/sitemap.txt")
    assert result.kind == "text" and [e.url for e in result.entries] == ["https://a.id/1", "https://a.id/2"]
    assert result.problems == [
        "https://a.id/sitemap.txt: line 4 is not a URL; skipped",
        "https://a.id/sitemap.txt: line 5 is not a URL; skipped",
    ]


def test_truncated_xml_keeps_what_parsed() -> None:
    cut = URLSET[: URLSET.index(b"<url><loc>  </loc>")] + b"<url><loc>https://diskominfo.go.id/ber"
    result = parse_sitemap(cut, "https://diskominfo.go.id/sitemap.xml")
    assert [e.url for e in result.entries][:2] == [
        "https://diskominfo.go.id/berita/1",
        "https://diskominfo.go.id/berita/2",
    ]
    assert any("malformed XML at line" in p for p in result.problems)


def test_rss_listed_as_sitemap_is_parsed_as_feed() -> None:
    rss = b'<rss version="2.0"><channel><title>t</title><item><title>a</title><link>https://a.id/1</link></item></channel></rss>'
    result = parse_sitemap(rss, "https://a.id/sitemap.xml")
    assert result.kind == "feed" and result.entries[0].url == "https://a.id/1"


def test_xml_entities_are_not_expanded() -> None:
    xxe = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.id/&x;</loc></url></urlset>"""
    result = parse_sitemap(xxe, "https://a.id/sitemap.xml")
    assert all("root:" not in e.url for e in result.entries)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty sitemap"),
        (b"<!DOCTYPE html><html><body>404</body></html>", "HTML page"),
        (b"<?xml version='1.0'?><catalog/>", "root element is <catalog>"),
        (b"\x00\x01\x02binary", "binary data"),
        (b"<<<>>>", "not a sitemap"),
        (b"just words\nno urls", "no URLs found"),
    ],
)
def test_unusable_sitemaps_raise(content: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_sitemap(content, "https://a.id/sitemap.xml")


def test_discover_sitemaps() -> None:
    robots = """User-agent: *
Disallow: /admin
Sitemap: https://a.id/sitemap.xml
sitemap:https://a.id/news-sitemap.xml

User-agent: GaungBot
SITEMAP: https://a.id/sitemap.xml
Sitemap: /relative.xml
"""
    assert discover_sitemaps(robots) == ["https://a.id/sitemap.xml", "https://a.id/news-sitemap.xml"]
    assert discover_sitemaps("") == []


async def test_gzip_sitemap_over_http(http_server: LocalHTTPServer) -> None:
    """Fetcher + parser together: a .gz sitemap is binary, so the caller allows binary for sitemaps."""
    http_server.route("/sitemap.xml.gz", gzip.compress(NEWS), content_type="application/x-gzip")
    options: dict[str, Any] = {"per_host_delay": 0.0, "allow_private": True, "retries": 0}
    async with Fetcher(FetchSettings(**options)) as fetcher:
        result = await fetcher.fetch(http_server.url("/sitemap.xml.gz"), allow_binary=True)
    assert result.document is not None
    parsed = parse_sitemap(result.document.content, result.document.url)
    assert len(parsed.entries) == 2
