"""Fetcher against a local server: robots, redirects, retries, limits, charsets, SSRF guard."""

from __future__ import annotations

import asyncio
import ipaddress
from typing import Any

import httpx
import pytest
from httpserver import LocalHTTPServer, RecordedRequest, Route, http_server

from gaung.config import FetchSettings
from gaung.errors import BlockedAddressError, FetchError, RobotsDisallowedError
from gaung.ingest import fetch as fetch_module
from gaung.ingest import netguard
from gaung.ingest.fetch import Fetcher, decide_encoding, fetch_sync
from gaung.ingest.netguard import GuardedNetworkBackend, allow_private_var, blocked_reason, check_url

__all__ = ["http_server"]  # the fixture, re-exported so pytest finds it here

PAGE = "<html><head><title>Berita</title></head><body><p>Gubernur meresmikan jembatan.</p></body></html>"


def fast(**overrides: Any) -> FetchSettings:
    """Settings with tiny delays so the suite stays fast; loopback allowed for the local server."""
    values: dict[str, Any] = {
        "per_host_delay": 0.0,
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "retries": 2,
        "backoff": 0.01,
        "max_bytes": 64 * 1024,
        "allow_private": True,
    }
    values.update(overrides)
    return FetchSettings(**values)


async def test_fetch_page(http_server: LocalHTTPServer) -> None:
    http_server.route("/a", PAGE, headers={"ETag": '"v1"', "Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"})
    async with Fetcher(fast()) as fetcher:
        result = await fetcher.fetch(http_server.url("/a"))
    doc = result.document
    assert doc is not None and not result.not_modified
    assert doc.text() == PAGE and doc.encoding == "utf-8" and doc.content_type == "text/html"
    assert doc.final_url == http_server.url("/a") and doc.fetched_at.tzinfo is not None
    assert (result.etag, result.last_modified) == ('"v1"', "Mon, 01 Jan 2024 00:00:00 GMT")
    assert http_server.requests_to("/a")[0].headers["User-Agent"].startswith("GaungBot")


async def test_conditional_get_304(http_server: LocalHTTPServer) -> None:
    def conditional(request: RecordedRequest) -> Route:
        if request.headers.get("If-None-Match") == '"v1"':
            return Route(status=304, content_type=None)
        return Route(body=PAGE, headers={"ETag": '"v1"'})

    http_server.route("/feed", handler=conditional)
    async with Fetcher(fast()) as fetcher:
        first = await fetcher.fetch(http_server.url("/feed"))
        second = await fetcher.fetch(http_server.url("/feed"), etag=first.etag, last_modified="x")
    assert first.document is not None and first.etag == '"v1"'
    assert second.not_modified and second.document is None and second.status == 304
    assert second.etag == '"v1"'
    assert http_server.requests_to("/feed")[1].headers["If-Modified-Since"] == "x"


# -- robots.txt ----------------------------------------------------------------------------------------------


async def test_robots_disallow_and_cache(http_server: LocalHTTPServer) -> None:
    http_server.route("/robots.txt", "User-agent: *\nDisallow: /private\n", content_type="text/plain")
    http_server.route("/private/x", PAGE)
    http_server.route("/public", PAGE)
    async with Fetcher(fast()) as fetcher:
        with pytest.raises(RobotsDisallowedError, match=r"robots\.txt"):
            await fetcher.fetch(http_server.url("/private/x"))
        assert (await fetcher.fetch(http_server.url("/public"))).document is not None
    assert http_server.hits("/private/x") == 0
    assert http_server.hits("/robots.txt") == 1  # cached per origin


async def test_robots_crawl_delay_spaces_requests(http_server: LocalHTTPServer) -> None:
    http_server.route("/robots.txt", "User-agent: GaungBot\nCrawl-delay: 0.3\n", content_type="text/plain")
    http_server.route("/p", PAGE)
    async with Fetcher(fast(per_host_delay=0.0)) as fetcher:
        await asyncio.gather(fetcher.fetch(http_server.url("/p")), fetcher.fetch(http_server.url("/p")))
    first, second = sorted(r.started_at for r in http_server.requests_to("/p"))
    assert second - first >= 0.28


async def test_robots_404_allows_all(http_server: LocalHTTPServer) -> None:
    http_server.route("/p", PAGE)
    async with Fetcher(fast()) as fetcher:
        assert (await fetcher.fetch(http_server.url("/p"))).document is not None
        rules = await fetcher.robots_rules(http_server.url("/"))
    assert rules.mode == "allow_all"


async def test_robots_5xx_disallows_for_a_while(http_server: LocalHTTPServer) -> None:
    http_server.route("/robots.txt", "oops", status=503)
    http_server.route("/p", PAGE)
    async with Fetcher(fast(retries=0)) as fetcher:
        with pytest.raises(RobotsDisallowedError, match="503"):
            await fetcher.fetch(http_server.url("/p"))
    assert http_server.hits("/p") == 0


# -- redirects -----------------------------------------------------------------------------------------------


async def test_redirect_chain_followed(http_server: LocalHTTPServer) -> None:
    http_server.redirect("/one", "/two", status=301)
    http_server.redirect("/two", http_server.url("/final"))
    http_server.route("/final", PAGE)
    async with Fetcher(fast()) as fetcher:
        result = await fetcher.fetch(http_server.url("/one"))
    assert result.document is not None and result.document.final_url == http_server.url("/final")
    assert result.document.url == http_server.url("/one")
    assert result.redirects == [http_server.url("/one"), http_server.url("/two")]


async def test_redirect_loop_names_chain(http_server: LocalHTTPServer) -> None:
    http_server.redirect("/a", "/b")
    http_server.redirect("/b", "/a")
    async with Fetcher(fast()) as fetcher:
        with pytest.raises(FetchError, match="redirect loop") as info:
            await fetcher.fetch(http_server.url("/a"))
    assert f"{http_server.url('/a')} -> {http_server.url('/b')} -> {http_server.url('/a')}" in str(info.value)


async def test_too_many_redirects(http_server: LocalHTTPServer) -> None:
    for i in range(6):
        http_server.redirect(f"/r{i}", f"/r{i + 1}")
    async with Fetcher(fast(max_redirects=3)) as fetcher:
        with pytest.raises(FetchError, match=r"too many redirects \(more than 3\)") as info:
            await fetcher.fetch(http_server.url("/r0"))
    assert "/r3 -> " in str(info.value)


# -- statuses and retries ------------------------------------------------------------------------------------


async def test_404_is_not_retried(http_server: LocalHTTPServer) -> None:
    async with Fetcher(fast()) as fetcher:
        with pytest.raises(FetchError, match="HTTP 404") as info:
            await fetcher.fetch(http_server.url("/missing"))
    assert info.value.status == 404 and not info.value.retryable
    assert http_server.hits("/missing") == 1


async def test_500_retried_then_fails(http_server: LocalHTTPServer) -> None:
    http_server.route("/down", "error", status=500)
    async with Fetcher(fast(retries=2)) as fetcher:
        with pytest.raises(FetchError, match="HTTP 500") as info:
            await fetcher.fetch(http_server.url("/down"))
    assert info.value.retryable and info.value.status == 500
    assert http_server.hits("/down") == 3


async def test_transient_errors_recover(http_server: LocalHTTPServer) -> None:
    http_server.sequence(
        "/flaky",
        [Route(status=503), Route(status=429, headers={"Retry-After": "0"}), Route(body=PAGE)],
    )
    async with Fetcher(fast(retries=2)) as fetcher:
        result = await fetcher.fetch(http_server.url("/flaky"))
    assert result.document is not None and http_server.hits("/flaky") == 3


async def test_retry_after_beyond_cap_gives_up(http_server: LocalHTTPServer) -> None:
    http_server.route("/busy", "", status=429, headers={"Retry-After": "3600"})
    async with Fetcher(fast(retries=3)) as fetcher:
        with pytest.raises(FetchError, match="HTTP 429"):
            await fetcher.fetch(http_server.url("/busy"))
    assert http_server.hits("/busy") == 1


async def test_slow_response_times_out(http_server: LocalHTTPServer) -> None:
    http_server.route("/slow", PAGE, delay=0.6)
    async with Fetcher(fast(read_timeout=0.15, retries=1)) as fetcher:
        with pytest.raises(FetchError, match=r"timed out.*after 2 attempts") as info:
            await fetcher.fetch(http_server.url("/slow"))
    assert info.value.retryable


# -- body checks ---------------------------------------------------------------------------------------------


async def test_huge_streamed_response_aborted(http_server: LocalHTTPServer) -> None:
    http_server.route("/huge", stream_bytes=1024 * 1024, chunk_size=16 * 1024)
    async with Fetcher(fast(max_bytes=64 * 1024)) as fetcher:
        with pytest.raises(FetchError, match="response larger than 65536 bytes"):
            await fetcher.fetch(http_server.url("/huge"))


async def test_huge_declared_length_refused(http_server: LocalHTTPServer) -> None:
    http_server.route("/big", b"x" * 100_000)
    async with Fetcher(fast(max_bytes=1000)) as fetcher:
        with pytest.raises(FetchError, match=r"larger than 1000 bytes \(Content-Length 100000\)"):
            await fetcher.fetch(http_server.url("/big"))


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("image/jpeg", b"\xff\xd8\xff\xe0rest"), ("application/pdf", b"%PDF-1.4"), ("text/html", b"%PDF-1.7 x")],
)
async def test_binary_refused(http_server: LocalHTTPServer, content_type: str, body: bytes) -> None:
    http_server.route("/bin", body, content_type=content_type)
    async with Fetcher(fast()) as fetcher:
        with pytest.raises(FetchError, match="binary content"):
            await fetcher.fetch(http_server.url("/bin"))
        gz = await fetcher.fetch(http_server.url("/bin"), allow_binary=True)
    assert gz.document is not None and gz.document.encoding is None


async def test_empty_body_refused(http_server: LocalHTTPServer) -> None:
    http_server.route("/empty", b"")
    async with Fetcher(fast()) as fetcher:
        with pytest.raises(FetchError, match="empty response body"):
            await fetcher.fetch(http_server.url("/empty"))


# -- charsets ------------------------------------------------------------------------------------------------

LATIN_TEXT = (
    "<html><body><p>Café di Pekanbaru menyajikan crème brûlée — harga naïf, kata Siti.</p></body></html>"
)


async def test_latin1_page_declared_utf8(http_server: LocalHTTPServer) -> None:
    http_server.route(
        "/lie", LATIN_TEXT.replace("—", "-").encode("iso-8859-1"), content_type="text/html; charset=utf-8"
    )
    async with Fetcher(fast()) as fetcher:
        doc = (await fetcher.fetch(http_server.url("/lie"))).document
    assert doc is not None and doc.encoding != "utf-8"
    assert "Café" in doc.text() and "crème brûlée" in doc.text()


async def test_utf8_page_declared_latin1(http_server: LocalHTTPServer) -> None:
    http_server.route("/lie2", LATIN_TEXT.encode("utf-8"), content_type="text/html; charset=iso-8859-1")
    async with Fetcher(fast()) as fetcher:
        doc = (await fetcher.fetch(http_server.url("/lie2"))).document
    assert doc is not None and doc.encoding == "utf-8" and "crème brûlée — harga" in doc.text()


async def test_meta_charset_used_when_header_silent(http_server: LocalHTTPServer) -> None:
    body = '<html><head><meta charset="windows-1252"></head><body>“Kutipan” – Bupati</body></html>'
    http_server.route("/meta", body.encode("cp1252"), content_type="text/html")
    async with Fetcher(fast()) as fetcher:
        doc = (await fetcher.fetch(http_server.url("/meta"))).document
    assert doc is not None and doc.encoding == "cp1252" and "“Kutipan” – Bupati" in doc.text()


def test_decide_encoding_rules() -> None:
    assert decide_encoding(b"\xef\xbb\xbfhalo", "text/html; charset=iso-8859-1") == "utf-8-sig"
    assert decide_encoding(b"plain ascii", None) == "utf-8"
    assert decide_encoding(b"plain ascii", "text/html; charset=ISO-8859-1") == "cp1252"  # WHATWG mapping
    assert decide_encoding(b"<?xml version='1.0' encoding='ISO-8859-1'?><a>caf\xe9</a>") == "cp1252"
    assert decide_encoding("kafé".encode(), "text/html; charset=bogus-charset") == "utf-8"
    assert decide_encoding("Pemerintah Daerah Provinsi Jawa Barat café".encode("cp1252") * 20) != "utf-8"


# -- concurrency and fetch_many ------------------------------------------------------------------------------


async def test_per_host_concurrency_is_limited(http_server: LocalHTTPServer) -> None:
    http_server.route("/slowish", PAGE, delay=0.15)
    urls = [http_server.url(f"/slowish?n={i}") for i in range(6)]
    async with Fetcher(fast(per_host_concurrency=2)) as fetcher:
        results = [r async for r in fetcher.fetch_many(urls)]
    assert all(not isinstance(r, FetchError) for r in results) and len(results) == 6
    assert http_server.max_in_flight == 2


async def test_global_concurrency_is_limited(http_server: LocalHTTPServer) -> None:
    http_server.route("/slowish", PAGE, delay=0.1)
    urls = [http_server.url(f"/slowish?n={i}") for i in range(3)]
    async with Fetcher(fast(per_host_concurrency=5, global_concurrency=1)) as fetcher:
        results = [r async for r in fetcher.fetch_many(urls)]
    assert len(results) == 3 and http_server.max_in_flight == 1


async def test_fetch_many_keeps_going_after_failures(http_server: LocalHTTPServer) -> None:
    http_server.route("/ok", PAGE)
    urls = [http_server.url("/ok"), http_server.url("/missing"), "ftp://example.org/x"]
    async with Fetcher(fast()) as fetcher:
        results = [r async for r in fetcher.fetch_many(urls)]
    errors = {r.url: r for r in results if isinstance(r, FetchError)}
    assert set(errors) == {http_server.url("/missing"), "ftp://example.org/x"}
    assert isinstance(errors["ftp://example.org/x"], BlockedAddressError)
    assert sum(1 for r in results if not isinstance(r, FetchError)) == 1


def test_fetch_sync(http_server: LocalHTTPServer) -> None:
    http_server.route("/s", PAGE)
    result = fetch_sync(http_server.url("/s"), fast())
    assert result.document is not None and result.document.status == 200


# -- SSRF guard ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/",
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:{port}/",
        "http://[::ffff:127.0.0.1]:{port}/",
        "http://0.0.0.0:{port}/",
        "http://192.168.1.1/",
    ],
)
async def test_private_addresses_refused(http_server: LocalHTTPServer, url: str) -> None:
    http_server.route("/", PAGE)
    async with Fetcher(fast(allow_private=False)) as fetcher:
        with pytest.raises(BlockedAddressError, match="refused to protect the internal network"):
            await fetcher.fetch(url.format(port=http_server.port))
    assert http_server.requests == []


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/a", "gopher://x/", "http:///nohost"]
)
async def test_non_http_schemes_refused(url: str) -> None:
    async with Fetcher(fast(allow_private=False)) as fetcher:
        with pytest.raises(BlockedAddressError):
            await fetcher.fetch(url)


async def test_allow_private_per_fetch(http_server: LocalHTTPServer) -> None:
    http_server.route("/intranet", PAGE)
    async with Fetcher(fast(allow_private=False)) as fetcher:
        result = await fetcher.fetch(http_server.url("/intranet"), allow_private=True)
    assert result.document is not None


def _fake_dns(mapping: dict[str, list[str]]) -> Any:
    async def resolve(host: str, port: int) -> list[str]:
        if host in mapping:
            return mapping[host]
        return [str(ipaddress.ip_address(host))]

    return resolve


@pytest.mark.parametrize(
    "target", ["http://169.254.169.254/latest/meta-data/", "http://internal.example/admin", "http://[::1]/"]
)
async def test_redirect_from_public_host_to_private_refused(
    monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    monkeypatch.setattr(
        netguard,
        "resolve_host",
        _fake_dns({"news.example": ["93.184.216.34"], "internal.example": ["10.0.0.5"]}),
    )
    seen: list[str] = []

    def app(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"Location": target})

    settings = fast(allow_private=False, respect_robots=False)
    async with Fetcher(settings, transport=httpx.MockTransport(app)) as fetcher:
        with pytest.raises(BlockedAddressError):
            await fetcher.fetch("http://news.example/berita")
    assert seen == ["http://news.example/berita"]


async def test_host_with_one_private_address_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        netguard, "resolve_host", _fake_dns({"mixed.example": ["93.184.216.34", "127.0.0.1"]})
    )
    with pytest.raises(BlockedAddressError, match=r"127\.0\.0\.1, a loopback address"):
        await check_url("http://mixed.example/")
    assert await check_url("http://mixed.example/", allow_private=True) == ["93.184.216.34", "127.0.0.1"]


async def test_connect_time_guard_refuses_loopback(http_server: LocalHTTPServer) -> None:
    """The backend re-checks at connect time, so DNS that changes after the pre-check cannot get in."""
    backend = GuardedNetworkBackend()
    token = allow_private_var.set(False)
    try:
        with pytest.raises(BlockedAddressError):
            await backend.connect_tcp("127.0.0.1", http_server.port)
    finally:
        allow_private_var.reset(token)
    token = allow_private_var.set(True)
    try:
        stream = await backend.connect_tcp("127.0.0.1", http_server.port)
        await stream.aclose()
    finally:
        allow_private_var.reset(token)


async def test_connect_time_guard_inside_fetcher(
    http_server: LocalHTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even if the pre-flight check were fooled (DNS rebinding), the connection itself is refused."""
    http_server.route("/", PAGE)

    async def fooled(url: str, *, allow_private: bool = False) -> list[str]:
        return ["93.184.216.34"]

    monkeypatch.setattr(fetch_module, "check_url", fooled)
    async with Fetcher(fast(allow_private=False, respect_robots=False, retries=0)) as fetcher:
        with pytest.raises(BlockedAddressError, match="loopback"):
            await fetcher.fetch(http_server.url("/"))
    assert http_server.requests == []


async def test_redirect_without_location(http_server: LocalHTTPServer) -> None:
    http_server.route("/nowhere", status=302, content_type=None)
    async with Fetcher(fast()) as fetcher:
        with pytest.raises(FetchError, match="redirect without a Location header"):
            await fetcher.fetch(http_server.url("/nowhere"))


@pytest.mark.parametrize(
    ("address", "blocked"),
    [
        ("127.0.0.1", True),
        ("10.0.0.1", True),
        ("172.16.5.4", True),
        ("192.168.0.1", True),
        ("169.254.169.254", True),
        ("100.64.0.1", True),  # carrier-grade NAT
        ("224.0.0.1", True),
        ("0.0.0.0", True),
        ("::1", True),
        ("::", True),
        ("fe80::1", True),
        ("fc00::1", True),
        ("ff02::1", True),
        ("::ffff:10.0.0.1", True),
        ("::ffff:169.254.169.254", True),
        ("64:ff9b::7f00:1", True),  # NAT64 form of 127.0.0.1
        ("2002:7f00:1::", True),  # 6to4 form of 127.0.0.1
        ("8.8.8.8", False),
        ("103.10.200.1", False),
        ("2606:4700::1111", False),
    ],
)
def test_blocked_reason(address: str, blocked: bool) -> None:
    assert (blocked_reason(ipaddress.ip_address(address)) is not None) is blocked
