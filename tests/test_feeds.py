"""parse_feed on real Indonesian feeds, broken variants, Atom, and things that are not feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaung.errors import ParseError
from gaung.ingest.feeds import parse_feed

RSS_DIR = Path(__file__).parent / "fixtures" / "rss"
DETIK = (RSS_DIR / "detik_news_2014-04-29.xml").read_bytes()
TEMPO = (RSS_DIR / "tempo_2017-04-06.xml").read_bytes()
ANTARA = (RSS_DIR / "antaranews_terkini_2017-04-17.xml").read_bytes()


@pytest.mark.parametrize(
    ("content", "count"), [(DETIK, 25), (TEMPO, 50), (ANTARA, 20)], ids=["detik", "tempo", "antara"]
)
def test_real_feeds_parse_cleanly(content: bytes, count: int) -> None:
    result = parse_feed(content, "https://example.id/rss")
    assert len(result.entries) == count and result.problems == []
    for entry in result.entries:
        assert entry.url.startswith("http") and entry.title and entry.title == entry.title.strip()
        assert entry.published_at is not None and entry.published_at.tzinfo is not None
        assert entry.summary is None or "<" not in entry.summary


def test_detik_feedsportal_link_replaced_by_guid() -> None:
    first = parse_feed(DETIK, "http://rss.detik.com/").entries[0]
    assert first.url.startswith("http://news.detik.com/read/2014/04/29/")
    assert first.published_at == datetime(2014, 4, 29, 1, 10, 40, tzinfo=UTC)
    assert first.summary is not None and first.summary.startswith("Diduga, iPod")


def test_tempo_cdata_and_wib_offset() -> None:
    first = parse_feed(TEMPO, "https://www.tempo.co/rss").entries[0]
    assert first.title == "Ada Drone Intai Teluk Bintuni, Kodam akan Bangun Detasemen Rudal"
    assert first.published_at is not None and first.published_at.utcoffset() == timedelta(hours=7)


def test_truncated_feed_keeps_entries_and_reports() -> None:
    result = parse_feed(TEMPO[: len(TEMPO) // 2], "https://www.tempo.co/rss")
    assert 10 < len(result.entries) < 50
    assert any("https://www.tempo.co/rss: feed is not well-formed" in p for p in result.problems)


def test_bad_entity_feed_keeps_entries() -> None:
    broken = ANTARA.replace(b"</title>", b" &nbsp; & </title>", 3)
    result = parse_feed(broken, "https://www.antaranews.com/rss/terkini")
    assert len(result.entries) >= 1
    assert result.problems and "antaranews.com/rss/terkini" in result.problems[0]


def test_atom_feed() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Humas Pemprov</title><id>urn:x</id>
<updated>2024-05-01T08:00:00+07:00</updated>
<entry><title>Gubernur resmikan jembatan</title><link href="/berita/1"/><id>urn:1</id>
<updated>2024-05-01T08:00:00+07:00</updated><author><name>Humas</name></author>
<summary type="html">&lt;p&gt;Jembatan &lt;b&gt;baru&lt;/b&gt;&lt;/p&gt;</summary></entry>
<entry><title>Tanpa tanggal</title><link href="https://jabarprov.go.id/berita/2"/><id>urn:2</id></entry>
<entry><title>Tanpa tautan</title><id>urn:3</id></entry>
</feed>"""
    result = parse_feed(atom, "https://jabarprov.go.id/feed.atom")
    assert result.format == "atom10" and result.title == "Humas Pemprov"
    first, second = result.entries
    assert first.url == "https://jabarprov.go.id/berita/1" and first.author == "Humas"
    assert first.summary == "Jembatan baru"
    assert first.published_at == datetime(2024, 5, 1, 1, 0, tzinfo=UTC)
    assert second.published_at is None
    assert result.problems == [
        "https://jabarprov.go.id/feed.atom: entry 3 (Tanpa tautan) has no usable link; skipped"
    ]


def test_date_without_zone_is_wib_and_wita_is_understood() -> None:
    rss = b"""<rss version="2.0"><channel><title>t</title>
<item><title>a</title><link>https://a.id/1</link><pubDate>Mon, 17 Apr 2017 09:45:21</pubDate></item>
<item><title>b</title><link>https://a.id/2</link><pubDate>Mon, 17 Apr 2017 09:45:21 WITA</pubDate></item>
</channel></rss>"""
    first, second = parse_feed(rss, "https://a.id/rss").entries
    assert first.published_at is not None and first.published_at.utcoffset() == timedelta(hours=7)
    assert second.published_at is not None and second.published_at.utcoffset() == timedelta(hours=8)


def test_empty_channel_is_valid_not_an_error() -> None:
    result = parse_feed(
        b'<rss version="2.0"><channel><title>sepi</title></channel></rss>', "https://a.id/rss"
    )
    assert result.entries == [] and result.format == "rss20"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty document"),
        (b"   \n", "empty document"),
        (
            b"<!DOCTYPE html><html><head><title>Beranda</title></head><body><p>x</p></body></html>",
            "HTML page",
        ),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not XML"),
        (b"<?xml version='1.0'?><catalog><book>x</book></catalog>", "without RSS/Atom"),
    ],
)
def test_not_a_feed_raises(content: bytes, message: str) -> None:
    with pytest.raises(ParseError, match=message) as info:
        parse_feed(content, "https://pemda.go.id/feed")
    assert info.value.where == "https://pemda.go.id/feed"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300), st.integers(min_value=0, max_value=len(ANTARA)))
def test_never_crashes_on_garbage_or_truncation(garbage: bytes, cut: int) -> None:
    for content in (garbage, ANTARA[:cut]):
        try:
            result = parse_feed(content, "https://a.id/rss")
        except ParseError:
            continue
        assert all(e.url.startswith("http") for e in result.entries)
