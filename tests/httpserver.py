"""A local HTTP server for tests: threaded, on 127.0.0.1, random port, routes registered per test.

Tests never touch the internet; they point fetchers at this server instead.

    from httpserver import LocalHTTPServer, Route

    with LocalHTTPServer() as server:
        server.route("/feed.xml", body=rss_bytes, content_type="application/rss+xml")
        server.redirect("/old", "/feed.xml")
        server.sequence("/flaky", [Route(status=500), Route(body=b"ok")])
        url = server.url("/feed.xml")
        ...
        assert server.hits("/flaky") == 2
        assert server.max_in_flight <= 2

Or use the `http_server` fixture (import it into the test module: `from httpserver import http_server`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

__all__ = ["LocalHTTPServer", "RecordedRequest", "Route", "http_server"]


@dataclass
class Route:
    """One canned response.

    `delay` is waited before the status line (a slow server); `chunk_delay` between body chunks (a slow
    drip). `stream_bytes` sends that many filler bytes without Content-Length (for size limits).
    `handler`, if set, builds the Route per request (for conditional GETs and the like).
    """

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    delay: float = 0.0
    chunk_size: int = 64 * 1024
    chunk_delay: float = 0.0
    stream_bytes: int | None = None
    handler: Callable[[RecordedRequest], Route] | None = None


@dataclass
class RecordedRequest:
    """What the server saw: method, path (with query) and headers."""

    method: str
    path: str
    headers: dict[str, str]
    started_at: float


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self.server.owner._handle(self)

    def do_HEAD(self) -> None:
        self.server.owner._handle(self)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep pytest output clean


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # don't make teardown wait for a deliberately slow response
    owner: LocalHTTPServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that hang up on purpose (size limits, timeouts) are not test failures


class LocalHTTPServer:
    """Threaded HTTP server on 127.0.0.1 with per-test routes and request accounting."""

    def __init__(self) -> None:
        self._routes: dict[str, list[Route]] = {}
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    # -- lifecycle --
    def start(self) -> LocalHTTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- addresses --
    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        """Absolute URL of a path on this server."""
        return self.base_url + path

    # -- routes --
    def route(self, path: str, body: bytes | str = b"", status: int = 200, **options: Any) -> None:
        """Serve the same response for every request to `path` (query string included if given)."""
        self._routes[path] = [Route(status=status, body=body, **options)]

    def sequence(self, path: str, routes: list[Route]) -> None:
        """Serve these responses in turn; the last one repeats."""
        self._routes[path] = list(routes)

    def redirect(self, path: str, to: str, status: int = 302) -> None:
        """Redirect `path` to `to` (absolute URL or a path on this server)."""
        self._routes[path] = [Route(status=status, headers={"Location": to}, content_type=None)]

    # -- accounting --
    def hits(self, path: str) -> int:
        """How many requests reached `path`."""
        with self._lock:
            return sum(1 for r in self.requests if r.path == path)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    # -- serving (runs in the server's threads) --
    def _pick(self, path: str) -> Route | None:
        with self._lock:
            routes = self._routes.get(path) or self._routes.get(path.split("?")[0])
            if not routes:
                return None
            served = sum(1 for r in self.requests if r.path == path) - 1
            return routes[min(served, len(routes) - 1)]

    def _handle(self, handler: _Handler) -> None:
        recorded = RecordedRequest(
            handler.command, handler.path, dict(handler.headers.items()), time.monotonic()
        )
        with self._lock:
            self.requests.append(recorded)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            route = self._pick(handler.path) or Route(
                status=404, body=b"not found", content_type="text/plain"
            )
            if route.handler is not None:
                route = route.handler(recorded)
            self._respond(handler, route)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            handler.close_connection = True
        finally:
            with self._lock:
                self.in_flight -= 1

    def _respond(self, handler: _Handler, route: Route) -> None:
        if route.delay:
            time.sleep(route.delay)
        body = route.body.encode("utf-8") if isinstance(route.body, str) else route.body
        handler.send_response(route.status)
        if route.content_type:
            handler.send_header("Content-Type", route.content_type)
        for name, value in route.headers.items():
            handler.send_header(name, value)
        if route.stream_bytes is not None:
            handler.send_header("Connection", "close")
            handler.close_connection = True
            handler.end_headers()
            remaining = route.stream_bytes
            filler = b"x" * route.chunk_size
            while remaining > 0:
                piece = filler[: min(remaining, route.chunk_size)]
                handler.wfile.write(piece)
                remaining -= len(piece)
                if route.chunk_delay:
                    time.sleep(route.chunk_delay)
            return
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if handler.command == "HEAD":
            return
        for start in range(0, len(body), route.chunk_size):
            handler.wfile.write(body[start : start + route.chunk_size])
            handler.wfile.flush()
            if route.chunk_delay:
                time.sleep(route.chunk_delay)


@pytest.fixture
def http_server() -> Iterator[LocalHTTPServer]:
    """A fresh local server per test."""
    with LocalHTTPServer() as server:
        yield server
