"""Delivery of alerts and daily briefs by email, Telegram and webhooks.

    producer ──enqueue()──▶ outbox (delivery_items + deliveries) ──dispatch_due()──▶ channel ──▶ recipient

- `outbox`: `enqueue()` stores a message once and queues it per subscribed recipient (idempotent).
- `dispatch`: sends due deliveries side by side (alerts first), each claimed atomically just before it is
  sent; retries with capped exponential backoff.
- `channels`: the registry of senders; `email`, `telegram` and `webhook` register themselves there.
- `alerts`: turns newly fired alerts into messages (the monitor calls it after each check and tick).
- `settings`: `[delivery]` and `[[recipients]]` of gaung.toml.
"""

from __future__ import annotations

from gaung.deliver.outbox import enqueue

__all__ = ["enqueue"]
