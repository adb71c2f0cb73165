"""Telegram through a bot: `sendMessage` for text, `sendDocument` (with a caption) when there is a PDF.

One API call per delivery, on purpose: a text message followed by a document would be half-sent when
the second call fails, and a retry would then repeat the first. The token comes from the environment
variable named by `token_env` and is kept out of every error message (it is part of the URL).
"""

from __future__ import annotations

import os
from typing import Any

import httpx

from gaung.deliver.channels import DeliveryError, one_line
from gaung.deliver.outbox import Message
from gaung.deliver.settings import DeliverySettings, Recipient, address_problem, secret_env_problem

MAX_TEXT_CHARS = 4096  # Bot API limits (https://core.telegram.org/bots/api#sendmessage)
MAX_CAPTION_CHARS = 1024


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def send(message: Message, recipient: Recipient, settings: DeliverySettings) -> str:
    """Send one Telegram message; returns its message id, raises DeliveryError saying why not."""
    config = settings.telegram
    problem = secret_env_problem(config.token_env)
    if problem:
        raise DeliveryError(f"[delivery.telegram] token_env: {problem}", permanent=True)
    token = os.environ.get(config.token_env, "").strip()
    if not token:
        raise DeliveryError(
            f"the Telegram bot token is not set: put it in the environment variable {config.token_env}",
            permanent=True,
        )
    problem = address_problem("telegram", recipient.address)
    if problem:
        raise DeliveryError(problem, permanent=True)
    body = f"{message.subject}\n\n{message.text}".strip()
    base = f"{config.api_url.rstrip('/')}/bot{token}"
    try:
        with httpx.Client(timeout=config.timeout, follow_redirects=False) as client:
            if message.attachment is not None:
                name, content, mime = message.attachment
                response = client.post(
                    f"{base}/sendDocument",
                    data={"chat_id": recipient.address, "caption": _fit(body, MAX_CAPTION_CHARS)},
                    files={"document": (name, content, mime)},
                )
            else:
                response = client.post(
                    f"{base}/sendMessage",
                    json={
                        "chat_id": recipient.address,
                        "text": _fit(body, MAX_TEXT_CHARS),
                        "disable_web_page_preview": True,
                    },
                )
    except httpx.TimeoutException:
        raise DeliveryError(f"Telegram API did not answer within {config.timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise DeliveryError(
            f"cannot reach the Telegram API: {one_line(str(exc).replace(token, '***'))}"
        ) from None
    return _receipt(response, token)


def _receipt(response: httpx.Response, token: str) -> str:
    try:
        answer: dict[str, Any] = response.json()
    except ValueError:
        answer = {}
    if response.status_code == 200 and answer.get("ok"):
        message_id = (answer.get("result") or {}).get("message_id")
        return f"telegram message {message_id}"
    status = int(answer.get("error_code") or response.status_code)
    description = one_line(str(answer.get("description") or response.text or "no description")).replace(
        token, "***"
    )
    if status == 429:
        retry_after = (answer.get("parameters") or {}).get("retry_after")
        raise DeliveryError(
            f"Telegram asks to slow down (429 {description})",
            retry_after=float(retry_after) if isinstance(retry_after, int | float) else None,
        )
    if status >= 500:
        raise DeliveryError(f"Telegram API error {status}: {description}")
    if status == 401:
        raise DeliveryError(f"Telegram rejected the bot token (401 {description})", permanent=True)
    # 400 "chat not found", 403 "bot was blocked by the user": a person must act first
    raise DeliveryError(f"Telegram refused the message ({status} {description})", permanent=True)
