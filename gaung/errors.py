"""Typed errors raised by the library; the CLI and web app turn them into friendly messages.

Every error says what went wrong and where (file, line, URL, query position), so that a user can act
on it without reading a stack trace.
"""

from __future__ import annotations


class GaungError(Exception):
    """Base class for every error Gaung raises on purpose."""


class ConfigError(GaungError):
    """The configuration file or an environment variable is invalid."""


class FetchError(GaungError):
    """A URL could not be fetched (network, HTTP status, size, robots.txt, SSRF guard)."""

    def __init__(self, url: str, reason: str, *, status: int | None = None, retryable: bool = False):
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.retryable = retryable


class BlockedAddressError(FetchError):
    """The URL resolves to a private, loopback or link-local address and the source is not allowed it."""


class RobotsDisallowedError(FetchError):
    """robots.txt forbids fetching this URL for our user agent."""


class ParseError(GaungError):
    """A feed, sitemap, archive or page could not be parsed (the message names the item and position)."""

    def __init__(self, where: str, reason: str):
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


class ExtractionError(GaungError):
    """No article text could be extracted from a page."""


class QueryError(GaungError):
    """A search query is malformed; `position` is the 0-based character offset of the problem."""

    def __init__(self, message: str, query: str, position: int):
        pointer = f"{query}\n{' ' * position}^"
        super().__init__(f"{message} (at character {position + 1})\n{pointer}")
        self.message = message
        self.query = query
        self.position = position


class StoreError(GaungError):
    """The database could not be read or written (locked, full, unreachable)."""
