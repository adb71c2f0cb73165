"""The synthetic sample exports (gaung/data/content_samples), and loading them for the demo office."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from gaung.content.model import ImportReport

SAMPLES_DIR = Path(__file__).resolve().parent.parent / "data" / "content_samples"

# What the demo imports, in order: file, channel name (for exports that name no account), and when the
# export was made (UTC) for exports that state no date range — a checkout does not keep file times.
# Older exports first, so the later Facebook export adds growth snapshots to the same posts.
DEMO_IMPORTS: tuple[tuple[str, str | None, datetime | None], ...] = (
    ("SYNTHETIC_meta_facebook_posts_2024_impressions.csv", None, datetime(2024, 7, 1, 2, 0)),
    ("SYNTHETIC_meta_facebook_posts_2025-06-20.csv", None, datetime(2025, 6, 20, 2, 0)),
    ("SYNTHETIC_meta_facebook_posts_2025-07-15.csv", None, datetime(2025, 7, 15, 2, 0)),
    ("SYNTHETIC_meta_instagram_posts_2024_impressions.csv", None, datetime(2024, 7, 1, 2, 0)),
    ("SYNTHETIC_meta_instagram_posts_2025-07-15.csv", None, datetime(2025, 7, 15, 2, 0)),
    ("SYNTHETIC_tiktok_studio_export.zip", None, None),
    ("SYNTHETIC_youtube_studio_content.zip", "Diskominfotik Jakarta (SYNTHETIC)", None),
    ("SYNTHETIC_x_tweet_activity_legacy.csv", None, datetime(2023, 4, 2, 2, 0)),
    ("SYNTHETIC_x_post_analytics.csv", None, datetime(2025, 7, 15, 2, 0)),
    ("SYNTHETIC_ga4_pages_and_screens_2025-05.csv", "jakarta.go.id (SYNTHETIC)", None),
    ("SYNTHETIC_ga4_pages_and_screens_2025-06.csv", "jakarta.go.id (SYNTHETIC)", None),
)


def load_content_samples(engine: Engine) -> list[ImportReport]:
    """Import the synthetic exports for the demo organisation; safe to run again (adds nothing)."""
    from gaung.content.importers import import_file

    return [
        import_file(engine, SAMPLES_DIR / name, channel=channel, exported_at=exported_at)
        for name, channel, exported_at in DEMO_IMPORTS
    ]
