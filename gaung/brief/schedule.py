"""The scheduled brief: once `[brief] time` has passed (office time), the monitor makes yesterday's brief,
stores it and hands it to delivery — once per day, however often it restarts.

The database is the memory: the stored brief's `queued_at` is set in the same transaction that enqueues
it for delivery, so a monitor killed before that commit simply does it again, and one killed after it
finds the day done. Delivery itself is idempotent per (kind, ref) too (`gaung.deliver.outbox.enqueue`).
Only yesterday is made: a monitor that was down for a week does not send seven briefs at once (an analyst
can make any day on the Laporan page or with `gaung brief --date`).
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from gaung.brief.service import MadeBrief, base_url, brief_subject, brief_text, make_brief
from gaung.brief.store import brief_info, mark_queued, save_brief
from gaung.config import Settings
from gaung.store.db import transaction
from gaung.store.reports import OFFICE_TZ

log = logging.getLogger(__name__)


def due_day(settings: Settings, now: datetime | None = None) -> date | None:
    """Yesterday (office calendar) once today's `[brief] time` has passed; None before then or if disabled."""
    if not settings.brief.enabled:
        return None
    local = (now or datetime.now(UTC)).astimezone(OFFICE_TZ)
    if local.time().replace(tzinfo=None) < settings.brief.scheduled_time():
        return None
    return local.date() - timedelta(days=1)


def attachment_name(day: date) -> str:
    return f"laporan-{day.isoformat()}.pdf"


def run_scheduled_brief(engine: Engine, settings: Settings, now: datetime | None = None) -> MadeBrief | None:
    """Make, store and enqueue the due brief if it has not been handed to delivery yet; else None."""
    now = now or datetime.now(UTC)
    day = due_day(settings, now)
    if day is None:
        return None
    lang = settings.brief.lang
    with engine.connect() as conn:
        done = brief_info(conn, day, lang)
    if done is not None and done.queued_at is not None:
        return None
    made = make_brief(
        engine, settings, day, lang=lang, store=False, require_pdf=True, trigger="scheduled", now=now
    )
    assert made.pdf is not None  # require_pdf: make_brief raised otherwise
    from gaung.deliver.outbox import enqueue

    stamp = now.astimezone(UTC).replace(tzinfo=None)
    link = f"{base_url(settings)}/reports/{day.isoformat()}" if base_url(settings) else ""
    with transaction(engine) as conn:
        done = brief_info(conn, day, lang)  # another monitor may have finished it while this one rendered
        if done is not None and done.queued_at is not None:
            return None
        made.brief_id = save_brief(
            conn,
            day=day,
            lang=lang,
            html=made.html,
            pdf=made.pdf,
            counts=made.data.counts(),
            trigger="scheduled",
            generated_at=stamp,
        )
        enqueue(
            conn,
            kind="brief",
            ref=day.isoformat(),
            subject=brief_subject(made),
            text=brief_text(made, link),
            html=made.html,
            attachment=(attachment_name(day), made.pdf, "application/pdf"),
            now=now,
        )
        mark_queued(conn, made.brief_id, stamp)
    log.info("brief %s (%s) made and queued for delivery", day, lang)
    return made
