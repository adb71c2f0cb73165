"""The plain Python API over one office's data: settings + database + pipeline.

Everything the CLI and the web app do goes through here (or the stage modules it wires), so a Python
caller can do the same: `Workspace.open().search("banjir AND tone:negatif")`.
"""

from __future__ import annotations

import asyncio
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine

from gaung.config import Settings, load_settings
from gaung.ingest.pipeline import Pipeline, RunSummary
from gaung.store import sources as source_store
from gaung.store.db import open_engine, transaction


class Workspace:
    """One office's settings and store. Cheap to create; the database opens on first use."""

    def __init__(self, settings: Settings):
        self.settings = settings

    @classmethod
    def open(cls, config: str | Path | None = None) -> Workspace:
        return cls(load_settings(config))

    @cached_property
    def engine(self) -> Engine:
        self.settings.home.mkdir(parents=True, exist_ok=True)
        engine = open_engine(self.settings.db_url)
        if self.settings.sources:
            with transaction(engine) as conn:
                source_store.sync_from_config(conn, self.settings.sources)
        from gaung.deliver.outbox import sync_recipients

        with transaction(engine) as conn:  # every process fans messages out to the file's recipients
            sync_recipients(conn, self.settings.recipients)
        return engine

    @cached_property
    def pipeline(self) -> Pipeline:
        return Pipeline(self.engine, **self.analysis_stages())

    def analysis_stages(self) -> dict[str, Any]:
        """The analysis stages run on every stored mention (the language layer registers here)."""
        from gaung.analyze.pipeline import stages_for

        return stages_for(self.settings, self.engine)

    def import_path(
        self, path: str | Path, *, source_id: int | None = None, site: str | None = None, progress: Any = None
    ) -> RunSummary:
        """Import an archive file (CSV/JSONL) or saved HTML pages, chosen by what the path holds."""
        path = Path(path)
        name = path.name.lower().removesuffix(".gz")
        if path.is_dir() or name.endswith((".html", ".htm", ".xhtml")):
            return self.pipeline.import_html(path, source_id=source_id, site=site, progress=progress)
        return self.pipeline.import_archive(path, source_id=source_id, default_source=site, progress=progress)

    def run_monitor(
        self, *, once: bool = True, all_sources: bool = False, on_event: Any = None
    ) -> RunSummary:
        from gaung.ingest.scheduler import Monitor

        monitor = Monitor(self.settings, self.pipeline, on_event=on_event)
        if once:
            summary = asyncio.run(monitor.run_once(all_sources=all_sources))
            # one pass is what cron runs: send the alerts and briefs it queued before exiting
            delivered = monitor.deliver()
            if delivered.attempted and on_event is not None:
                on_event(
                    f"delivery: sent {delivered.sent}, retrying {delivered.retrying}, "
                    f"failed {delivered.failed}"
                )
            return summary
        asyncio.run(monitor.run_forever())
        return RunSummary()

    def search(
        self,
        query: str,
        *,
        limit: int = 20,
        offset: int = 0,
        order: Literal["relevance", "newest"] = "relevance",
    ) -> Any:
        from gaung.store.search import search

        with self.engine.connect() as conn:
            return search(conn, query, limit=limit, offset=offset, order=order)
