"""The office's own content: platform exports → channels, posts and metric snapshots over time.

    import_file(engine, path, channel=None) -> ImportReport   # detect, parse, store, report
    list_channels(conn) / list_posts(conn, ...) / post_history(conn, post_id) / follower_history(conn, id)
    load_content_samples(engine) -> list[ImportReport]         # the synthetic demo exports

Formats are detected from the files' content (headers, comment lines, zip member names), never from
the file name; see `gaung.content.importers` and docs/content-import.md.
"""

from __future__ import annotations

from gaung.content.importers import FORMATS, ImportLimits, import_file
from gaung.content.model import METRICS, POST_FORMATS, ImportReport
from gaung.content.samples import SAMPLES_DIR, load_content_samples
from gaung.content.store import follower_history, list_channels, list_posts, post_history, set_reference

__all__ = [
    "FORMATS",
    "METRICS",
    "POST_FORMATS",
    "SAMPLES_DIR",
    "ImportLimits",
    "ImportReport",
    "follower_history",
    "import_file",
    "list_channels",
    "list_posts",
    "load_content_samples",
    "post_history",
    "set_reference",
]
