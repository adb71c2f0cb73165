"""The channel registry: how a message reaches a recipient on email, Telegram, a webhook — or a plug-in.

A channel is a function `send(message, recipient, settings) -> receipt`. It returns a short receipt (what
the far side answered) or raises `DeliveryError`, saying whether trying again later can help
(`permanent=False`: a timeout, a 4xx SMTP reply, an HTTP 500) or not (`permanent=True`: a 5xx SMTP
refusal, an unknown Telegram chat, a missing secret). The built-in channels register themselves here
when `gaung.deliver.channels` is imported; another package adds one with `register_channel`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from gaung.errors import GaungError

if TYPE_CHECKING:
    from gaung.deliver.outbox import Message
    from gaung.deliver.settings import DeliverySettings, Recipient

SendFunction = Callable[["Message", "Recipient", "DeliverySettings"], str]


class DeliveryError(GaungError):
    """One attempt to deliver failed; `reason` says why in words an office admin can act on."""

    def __init__(self, reason: str, *, permanent: bool = False, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after  # the far side asked us to wait this long (Telegram 429)


_REGISTRY: dict[str, SendFunction] = {}


def register_channel(name: str, send: SendFunction) -> None:
    """Make `send` the sender for recipients with `channel = name`."""
    _REGISTRY[name] = send


def channel(name: str) -> SendFunction:
    """The sender registered for `name`; raises DeliveryError (permanent) for an unknown channel."""
    _load_builtins()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise DeliveryError(
            f"no sender for channel {name!r} (known: {', '.join(sorted(_REGISTRY))})", permanent=True
        ) from None


def channel_names() -> list[str]:
    _load_builtins()
    return sorted(_REGISTRY)


def _load_builtins() -> None:
    if {"email", "telegram", "webhook"} <= set(_REGISTRY):
        return
    from gaung.deliver import email, telegram, webhook

    for name, module in (("email", email), ("telegram", telegram), ("webhook", webhook)):
        _REGISTRY.setdefault(name, module.send)


def one_line(text: str, limit: int = 300) -> str:
    """A far side's answer squeezed into one log-friendly line."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
