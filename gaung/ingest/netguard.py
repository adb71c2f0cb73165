"""SSRF guard: refuse URLs that point into the machine's own network.

Gaung fetches URLs that come from feeds, sitemaps and redirects, i.e. from strangers. Without this guard
a hostile feed could make the server read its own admin pages or a cloud metadata endpoint
(169.254.169.254). Every hop is checked twice: once before the request (clear error, all resolved
addresses) and once at connect time by `GuardedNetworkBackend`, so a DNS answer that changes between
the two (DNS rebinding) cannot slip through.
"""

from __future__ import annotations

import asyncio
import contextvars
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore

from gaung.errors import BlockedAddressError

__all__ = [
    "ALLOWED_SCHEMES",
    "GuardedNetworkBackend",
    "blocked_reason",
    "check_scheme",
    "check_url",
    "resolve_host",
]

ALLOWED_SCHEMES = frozenset({"http", "https"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")

# Whether private targets are allowed for the request being sent by the current task. A context variable
# because the connect-time check runs deep inside httpcore, in the task that sent the request.
allow_private_var: contextvars.ContextVar[bool] = contextvars.ContextVar("gaung_allow_private", default=False)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address hidden in an IPv6 form (mapped, compatible, NAT64, 6to4, Teredo), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def blocked_reason(ip: IPAddress) -> str | None:
    """Why this address must not be fetched from, or None when it is a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "a scoped (link-local) IPv6 address"
        inner = _embedded_ipv4(ip)
        if inner is not None:
            reason = blocked_reason(inner)
            if reason:
                return f"an IPv6 form of {inner}, {reason}"
    checks = (
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address (e.g. cloud metadata)"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_private, "a private network address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global, "not a globally routable address"),
    )
    for hit, reason in checks:
        if hit:
            return reason
    return None


def check_scheme(url: str) -> None:
    """Refuse anything but http(s): file://, ftp://, gopher:// ... have no place in a crawler."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedAddressError(url, f"scheme {scheme or '(none)'!r} is not allowed; use http or https")
    if not urlsplit(url).hostname:
        raise BlockedAddressError(url, "URL has no host name")


def check_addresses(url: str, host: str, addresses: Iterable[str]) -> None:
    """Raise BlockedAddressError if any of the addresses is not public (one bad answer is enough)."""
    for address in addresses:
        ip = ipaddress.ip_address(address)
        reason = blocked_reason(ip)
        if reason:
            raise BlockedAddressError(
                url,
                f"host {host} resolves to {ip}, {reason}; refused to protect the internal network "
                "(set allow_private for this source if it really is an intranet site)",
            )


async def resolve_host(host: str, port: int) -> list[str]:
    """All addresses the host name resolves to (IP literals resolve to themselves)."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"cannot resolve host {host}: {exc.strerror}") from exc
    addresses: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _port(url: str) -> int:
    parts = urlsplit(url)
    if parts.port is not None:
        return parts.port
    return 443 if parts.scheme.lower() == "https" else 80


async def check_url(url: str, *, allow_private: bool = False) -> list[str]:
    """Check scheme and every resolved address of the URL's host; return the addresses.

    Raises BlockedAddressError for a refused URL, OSError when the name does not resolve.
    """
    check_scheme(url)
    host = urlsplit(url).hostname or ""
    addresses = await resolve_host(host, _port(url))
    if not allow_private:
        check_addresses(url, host, addresses)
    return addresses


class GuardedNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore backend that resolves, checks and connects to the checked address itself.

    Connecting to the very address that was checked closes the DNS-rebinding gap between the
    pre-flight check and httpcore's own name lookup.
    """

    def __init__(self) -> None:
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await resolve_host(host, port)
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        if not allow_private_var.get():
            check_addresses(f"{host}:{port}", host, addresses)
        # Prefer IPv4: many Indonesian hosting providers publish AAAA records that do not answer.
        addresses.sort(key=lambda a: ":" in a)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last_error = exc
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by the crawler")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
