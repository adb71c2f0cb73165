"""Generic webhooks: the message as JSON, POSTed to the recipient's URL, optionally signed.

Body:
    {"kind": "alert", "ref": "42", "delivery_id": 7, "subject": "...", "text": "...", "html": "..." | null,
     "attachment": {"name": "...", "mime": "application/pdf", "base64": "..."} | null}

The URL is shown only as scheme://host/… in the log, the API and error lines: it often holds a token.

Headers: `X-Gaung-Event` (the kind), `X-Gaung-Delivery` (the delivery id: the same on every retry, so
a receiver can drop a repeat) and, when the recipient names a secret (`secret_env`),
`X-Gaung-Signature: sha256=<hex HMAC-SHA256 of the raw body>` — the scheme GitHub uses.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from typing import Any

import httpx

from gaung.deliver.channels import DeliveryError, one_line
from gaung.deliver.outbox import Message
from gaung.deliver.settings import (
    DeliverySettings,
    Recipient,
    address_problem,
    secret_env_problem,
    shown_address,
)

USER_AGENT = "Gaung-Webhook/1"
RETRYABLE_STATUSES = {408, 425, 429}  # plus every 5xx


def payload(message: Message) -> dict[str, Any]:
    """The JSON document a webhook receives."""
    attachment = None
    if message.attachment is not None:
        name, content, mime = message.attachment
        attachment = {"name": name, "mime": mime, "base64": base64.b64encode(content).decode("ascii")}
    return {
        "kind": message.kind,
        "ref": message.ref,
        "delivery_id": message.delivery_id,
        "subject": message.subject,
        "text": message.text,
        "html": message.html,
        "attachment": attachment,
    }


def signature(secret: str, body: bytes) -> str:
    """The `X-Gaung-Signature` value for `body`; receivers compare it with `hmac.compare_digest`."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def send(message: Message, recipient: Recipient, settings: DeliverySettings) -> str:
    """POST one message; returns the HTTP status, raises DeliveryError saying why not."""
    problem = address_problem("webhook", recipient.address)
    if problem:
        raise DeliveryError(problem, permanent=True)
    body = json.dumps(payload(message), ensure_ascii=False).encode("utf-8")
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Gaung-Event": message.kind,
        "X-Gaung-Delivery": str(message.delivery_id or ""),
    }
    if recipient.secret_env:
        problem = secret_env_problem(recipient.secret_env)
        if problem:
            raise DeliveryError(f"secret_env: {problem}", permanent=True)
        secret = os.environ.get(recipient.secret_env, "")
        if not secret:
            raise DeliveryError(
                f"the webhook secret is not set: put it in the environment variable {recipient.secret_env}",
                permanent=True,
            )
        headers["X-Gaung-Signature"] = signature(secret, body)
    timeout = settings.webhook.timeout
    try:
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            response = client.post(recipient.address, content=body, headers=headers)
    except httpx.TimeoutException:
        raise DeliveryError(f"the webhook did not answer within {timeout:g} s") from None
    except httpx.HTTPError as exc:  # the URL may carry a token: never in the error line
        reason = str(exc).replace(recipient.address, shown_address("webhook", recipient.address))
        raise DeliveryError(f"cannot reach the webhook: {one_line(reason)}") from None
    if 200 <= response.status_code < 300:
        return f"HTTP {response.status_code}"
    answer = one_line(response.text, 200) or response.reason_phrase
    if response.status_code >= 500 or response.status_code in RETRYABLE_STATUSES:
        raise DeliveryError(f"the webhook answered HTTP {response.status_code}: {answer}")
    raise DeliveryError(
        f"the webhook refused the message: HTTP {response.status_code}: {answer}", permanent=True
    )
