"""The monitor: poll due sources, queue what they list, fetch and store the queue — resumably.

Discovery and storage are separated by a durable queue (`crawl_queue`): a feed's new links are committed
first; each link is then fetched and stored in one transaction together with marking it done. Killing the
process at any moment (even `kill -9`) therefore loses nothing and doubles nothing: a restart finds the
pending links and carries on, and stored URLs are never queued again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, or_, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from gaung.analyze.dedup import canonicalize_url
from gaung.config import Settings
from gaung.errors import FetchError, GaungError, StoreError
from gaung.ingest import feeds, polling, sitemaps
from gaung.ingest.fetch import Fetcher
from gaung.ingest.pipeline import Pipeline, RunSummary, _reason
from gaung.models import ItemProblem
from gaung.store import sources as source_store
from gaung.store.db import transaction
from gaung.store.raw import to_db_time
from gaung.store.schema import crawl_queue, mentions
from gaung.store.schema import sources as sources_table

log = logging.getLogger(__name__)

MAX_ITEM_ATTEMPTS = 3  # a link failing this often is marked failed and reported, not retried forever
BRIEF_RETRY_SECONDS = 900  # a failed scheduled brief is tried again after 15 minutes, not every pass
MAX_SITEMAP_CHILDREN = 50  # sitemap indexes of big portals list hundreds; the newest few carry the news
QUEUE_BATCH = 50


def _now() -> datetime:
    return datetime.now(UTC)


class Monitor:
    """Polls sources and drains the crawl queue. Use `run_once()` or `run_forever()`."""

    def __init__(
        self, settings: Settings, pipeline: Pipeline, *, on_event: Callable[[str], None] | None = None
    ):
        self.settings = settings
        self.pipeline = pipeline
        self.engine = pipeline.engine
        self.on_event = on_event or (lambda message: log.info("%s", message))
        self._fetcher: Fetcher | None = None
        self._brief_retry_at: datetime | None = None

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            raise RuntimeError("the fetcher is open only inside run_once()")
        return self._fetcher

    # -- scheduling ---------------------------------------------------------------------------
    def due_sources(self, now: datetime | None = None, *, all_sources: bool = False) -> list[dict[str, Any]]:
        now = now or _now()
        query = select(sources_table).where(sources_table.c.enabled.is_(True))
        if not all_sources:
            query = query.where(
                or_(sources_table.c.next_poll_at.is_(None), sources_table.c.next_poll_at <= to_db_time(now))
            )
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(query.order_by(sources_table.c.id)).mappings()]

    async def run_once(self, *, all_sources: bool = False) -> RunSummary:
        """Poll every due source once, then drain the queue."""
        summary = RunSummary()
        async with Fetcher(self.settings.fetch) as fetcher:
            self._fetcher = fetcher
            try:
                for source in self.due_sources(all_sources=all_sources):
                    summary.merge(await self.poll_source(source))
                summary.merge(await self.drain_queue())
            finally:
                self._fetcher = None
        # Both query the database (and rendering a PDF takes seconds): off the event loop, so the
        # delivery tick keeps its pace.
        await asyncio.to_thread(self.check_alerts)
        await asyncio.to_thread(self.check_brief)
        return summary

    def check_brief(self, now: datetime | None = None) -> None:
        """Make yesterday's brief once `[brief] time` has passed and queue it for delivery (gaung.brief).

        Once per day and restart-safe: the briefs table remembers that it was queued. A failure (no PDF
        engine, a full disk) is reported and retried after BRIEF_RETRY_SECONDS, never fatal to the monitor.
        """
        from gaung.brief.schedule import run_scheduled_brief

        now = now or _now()
        if self._brief_retry_at is not None and now < self._brief_retry_at:
            return
        try:
            made = run_scheduled_brief(self.engine, self.settings, now)
        except (GaungError, OSError) as exc:
            self._brief_retry_at = now + timedelta(seconds=BRIEF_RETRY_SECONDS)
            self.on_event(f"LAPORAN / BRIEF gagal / failed: {_reason(exc)}")
            return
        self._brief_retry_at = None
        if made is not None:
            self.on_event(f"LAPORAN / BRIEF {made.day.isoformat()}: dibuat dan diantrekan / made and queued")

    def check_alerts(self) -> None:
        """Evaluate the `[[alerts]]` rules after each pass; new alerts are stored with their reasons."""
        from gaung.store.monitoring import check_alerts

        for alert in check_alerts(self.engine, self.settings.alert_rules()):
            self.on_event(f"PERINGATAN / ALERT {alert['rule']}: {alert['reason_id']}")
        self.queue_alert_deliveries()

    def queue_alert_deliveries(self) -> int:
        """Hand newly fired alerts to the outbox (gaung.deliver); the delivery tick sends them."""
        from gaung.deliver.service import queue_alerts

        return queue_alerts(self.engine, self.settings)

    def deliver(self, now: datetime | None = None) -> Any:
        """One delivery tick (queue new alerts, send what is due); `run_forever` runs it every few seconds."""
        from gaung.deliver.service import tick

        return tick(self.engine, self.settings, now)

    async def run_forever(self, *, idle_seconds: float = 30.0, stop: asyncio.Event | None = None) -> None:
        from gaung.deliver.service import delivery_loop

        stop = stop or asyncio.Event()
        # Alerts and briefs go out on their own short tick, not after crawl passes that can take minutes.
        delivering = asyncio.create_task(
            delivery_loop(self.engine, self.settings, stop, on_event=self.on_event)
        )
        try:
            while not stop.is_set():
                summary = await self.run_once()
                if summary.fetched or summary.failed:
                    self.on_event(
                        f"fetched {summary.fetched}, new {summary.new}, syndicated {summary.syndicated}, "
                        f"duplicates {summary.duplicates}, failed {summary.failed}"
                    )
                with contextlib.suppress(TimeoutError):  # the idle time passed without a stop request
                    await asyncio.wait_for(stop.wait(), timeout=idle_seconds)
        finally:
            delivering.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await delivering

    # -- one source ---------------------------------------------------------------------------
    async def poll_source(self, source: dict[str, Any]) -> RunSummary:
        kind = source["kind"]
        summary = RunSummary()
        try:
            if kind in ("feed", "sitemap"):
                found = await self._discover(source, summary)
            elif kind == "page":
                found = self._enqueue(source["id"], [(source["url"], None, None)])
            elif kind == "html":
                summary = await asyncio.to_thread(
                    self.pipeline.import_html, source["url"], source_id=source["id"], site=source.get("site")
                )
                found = summary.new + summary.syndicated
            elif kind == "archive":
                summary = await asyncio.to_thread(
                    self.pipeline.import_archive,
                    source["url"],
                    source_id=source["id"],
                    default_source=source.get("site"),
                )
                found = summary.new + summary.syndicated
            else:  # pragma: no cover - kinds are validated when added
                raise GaungError(f"unknown source kind {kind!r}")
        except (GaungError, OSError) as exc:
            with transaction(self.engine) as conn:
                source_store.record_failure(
                    conn, source["id"], _reason(exc), retry_in=self.settings.poll.min_interval
                )
            summary.fail(f"source {source['name']}", _reason(exc))
            return summary
        interval = polling.next_interval(
            source.get("poll_interval") or self.settings.poll.default_interval, found, self.settings.poll
        )
        if kind in ("html", "archive"):
            interval = self.settings.poll.max_interval  # local files rarely change; re-import is idempotent
        with transaction(self.engine) as conn:
            source_store.record_success(
                conn,
                source["id"],
                new_items=found,
                poll_interval=interval,
                etag=source.get("_etag"),
                last_modified=source.get("_last_modified"),
            )
        self.on_event(f"{source['name']}: {found} new item(s)")
        return summary

    async def _discover(self, source: dict[str, Any], summary: RunSummary) -> int:
        allow_private = bool(source.get("allow_private")) or self.settings.fetch.allow_private
        result = await self.fetcher.fetch(
            source["url"],
            etag=source.get("etag"),
            last_modified=source.get("last_modified"),
            allow_private=allow_private,
            allow_binary=source["kind"] == "sitemap",
        )  # .xml.gz sitemaps
        source["_etag"], source["_last_modified"] = result.etag, result.last_modified
        if result.not_modified or result.document is None:
            summary.not_modified += 1
            return 0
        content = result.document.content
        entries: list[tuple[str, str | None, datetime | None]] = []
        if source["kind"] == "feed":
            parsed = feeds.parse_feed(content, source["url"])
            summary.problems.extend(ItemProblem(source["url"], problem) for problem in parsed.problems)
            entries = [(e.url, e.title, e.published_at) for e in parsed.entries]
        else:
            entries = await self._walk_sitemap(source, content, summary, allow_private)
        return self._enqueue(source["id"], entries)

    async def _walk_sitemap(
        self, source: dict[str, Any], content: bytes, summary: RunSummary, allow_private: bool
    ) -> list[tuple[str, str | None, datetime | None]]:
        parsed = sitemaps.parse_sitemap(content, source["url"])
        summary.problems.extend(ItemProblem(source["url"], problem) for problem in parsed.problems)
        entries = [(e.url, e.title, e.published_at) for e in parsed.entries]
        for child in parsed.sitemaps[:MAX_SITEMAP_CHILDREN]:
            try:
                child_result = await self.fetcher.fetch(child, allow_private=allow_private, allow_binary=True)
            except FetchError as exc:
                summary.fail(child, exc.reason)
                continue
            if child_result.document is None:
                continue
            try:
                child_parsed = sitemaps.parse_sitemap(child_result.document.content, child)
            except GaungError as exc:
                summary.fail(child, _reason(exc))
                continue
            entries.extend((e.url, e.title, e.published_at) for e in child_parsed.entries)
        return entries

    def _enqueue(self, source_id: int, entries: list[tuple[str, str | None, datetime | None]]) -> int:
        """Queue links not yet stored or queued; returns how many were new."""
        added = 0
        with transaction(self.engine) as conn:
            for url, title, published_at in entries:
                if _already_known(conn, url):
                    continue
                try:
                    with conn.begin_nested():
                        conn.execute(
                            crawl_queue.insert().values(
                                source_id=source_id,
                                url=url,
                                title=title,
                                published_at=to_db_time(published_at),
                                discovered_at=to_db_time(_now()),
                                attempts=0,
                                state="pending",
                            )
                        )
                    added += 1
                except IntegrityError:
                    continue  # queued concurrently
        return added

    # -- the queue ----------------------------------------------------------------------------
    def pending(self, limit: int = QUEUE_BATCH) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(crawl_queue, sources_table.c.allow_private, sources_table.c.site)
                .join(sources_table, sources_table.c.id == crawl_queue.c.source_id, isouter=True)
                .where(crawl_queue.c.state == "pending")
                .order_by(crawl_queue.c.id)
                .limit(limit)
            ).mappings()
            return [dict(r) for r in rows]

    async def drain_queue(self) -> RunSummary:
        summary = RunSummary()
        while True:
            batch = self.pending()
            if not batch:
                return summary
            # store each page as soon as it arrives, so an interrupted run keeps everything fetched so far
            for next_done in asyncio.as_completed([self._fetch_item(item) for item in batch]):
                item, outcome = await next_done
                self._store_item(item, outcome, summary)

    async def _fetch_item(self, item: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        allow = bool(item.get("allow_private")) or self.settings.fetch.allow_private
        try:
            return item, await self.fetcher.fetch(item["url"], allow_private=allow)
        except FetchError as exc:
            return item, exc

    def _store_item(self, item: dict[str, Any], outcome: Any, summary: RunSummary) -> None:
        summary.fetched += 1
        try:
            with transaction(self.engine) as conn:
                if isinstance(outcome, FetchError):
                    self._item_failed(conn, item, outcome.reason, retryable=outcome.retryable)
                    summary.fail(item["url"], outcome.reason)
                    return
                try:
                    with conn.begin_nested():
                        if outcome.document is None:
                            raise GaungError("the server answered without a body")
                        saved = self.pipeline.store_html(
                            conn, outcome.document, source_id=item["source_id"], site=item.get("site")
                        )
                except (GaungError, ValueError) as exc:
                    self._item_failed(conn, item, _reason(exc), retryable=False)
                    summary.fail(item["url"], _reason(exc))
                    return
                conn.execute(
                    update(crawl_queue)
                    .where(crawl_queue.c.id == item["id"])
                    .values(state="done", attempts=item["attempts"] + 1, last_error=None)
                )
                summary.count(saved)
                self.pipeline.end_batch(conn)
        except StoreError:
            raise  # locked, full or unreachable database: stop; the queue item stays pending
        except (SQLAlchemyError, GaungError) as exc:
            summary.fail(item["url"], _reason(exc))

    @staticmethod
    def _item_failed(conn: Connection, item: dict[str, Any], reason: str, *, retryable: bool) -> None:
        attempts = item["attempts"] + 1
        state = "pending" if retryable and attempts < MAX_ITEM_ATTEMPTS else "failed"
        conn.execute(
            update(crawl_queue)
            .where(crawl_queue.c.id == item["id"])
            .values(state=state, attempts=attempts, last_error=reason[:2000])
        )


def _already_known(conn: Connection, url: str) -> bool:
    canonical = canonicalize_url(url)
    if conn.execute(select(mentions.c.id).where(mentions.c.canonical_url == canonical)).first():
        return True
    return conn.execute(select(crawl_queue.c.id).where(crawl_queue.c.url == url)).first() is not None


def retry_failed(engine: Any) -> int:
    """Put failed queue items back to pending (after fixing a source or a network outage)."""
    with transaction(engine) as conn:
        result = conn.execute(
            update(crawl_queue).where(crawl_queue.c.state == "failed").values(state="pending", attempts=0)
        )
        return int(result.rowcount)
