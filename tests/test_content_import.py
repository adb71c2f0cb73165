"""Importing platform exports: every format, Indonesian headers, re-imports, and bad input."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from gaung.content import (
    SAMPLES_DIR,
    ImportLimits,
    follower_history,
    import_file,
    list_channels,
    list_posts,
    load_content_samples,
    post_history,
)
from gaung.content.importers import FileTooLargeError, MissingColumnsError, UnknownFormatError
from gaung.store.db import open_engine
from gaung.store.schema import metric_snapshots, posts

BAD = SAMPLES_DIR / "bad"
EXPORTED = datetime(2025, 7, 15, 2, 0)


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per module, copied for each test: migrations run once, not 37 times."""
    path = tmp_path_factory.mktemp("content") / "template.db"
    open_engine(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def engine(migrated_db: Path, tmp_path: Path) -> Iterator[Engine]:
    copy = tmp_path / "content.db"
    shutil.copy(migrated_db, copy)
    engine = open_engine(f"sqlite:///{copy}")
    yield engine
    engine.dispose()


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


# -- every format, from its English and its Indonesian sample -------------------------------------

SAMPLES = [
    ("SYNTHETIC_meta_facebook_posts_2025-07-15.csv", "meta_facebook", 49, "facebook"),
    ("SYNTHETIC_id_meta_facebook_posts.csv", "meta_facebook", 10, "facebook"),
    ("SYNTHETIC_meta_instagram_posts_2025-07-15.csv", "meta_instagram", 45, "instagram"),
    ("SYNTHETIC_id_meta_instagram_posts.csv", "meta_instagram", 12, "instagram"),
    ("SYNTHETIC_tiktok_studio_export.zip", "tiktok", 39, "tiktok"),
    ("SYNTHETIC_id_tiktok_studio_export.zip", "tiktok", 34, "tiktok"),
    ("SYNTHETIC_youtube_studio_content.zip", "youtube", 18, "youtube"),
    ("SYNTHETIC_id_youtube_studio_content.zip", "youtube", 18, "youtube"),
    ("SYNTHETIC_x_post_analytics.csv", "x", 57, "x"),
    ("SYNTHETIC_id_x_post_analytics.csv", "x", 15, "x"),
    ("SYNTHETIC_x_tweet_activity_legacy.csv", "x_legacy", 20, "x"),
    ("SYNTHETIC_id_x_tweet_activity_legacy.csv", "x_legacy", 5, "x"),
    ("SYNTHETIC_ga4_pages_and_screens_2025-06.csv", "ga4_pages", 14, "web"),
    ("SYNTHETIC_id_ga4_pages_and_screens.csv", "ga4_pages", 14, "web"),
]


@pytest.mark.parametrize(("name", "fmt", "n_posts", "platform"), SAMPLES)
def test_every_sample_imports(engine: Engine, name: str, fmt: str, n_posts: int, platform: str) -> None:
    report = import_file(engine, SAMPLES_DIR / name, exported_at=EXPORTED)
    assert report.format == fmt
    assert (report.posts_new, report.snapshots_added, report.skipped) == (n_posts, n_posts, [])
    with engine.connect() as conn:
        rows = list_posts(conn, platform=platform)
    assert len(rows) == n_posts
    assert all(row["snapshots"] == 1 for row in rows)
    if platform != "web":
        assert all(row["published_at"] is not None and row["published_at"].tzinfo is UTC for row in rows)


def test_facebook_rows_map_onto_the_model(engine: Engine) -> None:
    import_file(engine, SAMPLES_DIR / "SYNTHETIC_meta_facebook_posts_2025-07-15.csv", exported_at=EXPORTED)
    with engine.connect() as conn:
        (channel,) = list_channels(conn)
        rows = list_posts(conn)
    assert (channel["platform"], channel["account_id"], channel["posts"]) == (
        "facebook",
        "100000000000001",
        49,
    )
    assert {row["format"] for row in rows} == {"photo", "video", "reel", "link"}
    post = next(row for row in rows if row["format"] == "video")
    assert post["duration_seconds"] == 95
    assert post["views"] > 0 and post["impressions"] is None  # new files: Views only, never copied
    assert post["captured_at"] == EXPORTED.replace(tzinfo=UTC)  # "Lifetime": the export's time
    assert post["external_id"].startswith("100000000000001_")
    raw = json.dumps(post_history_raw(engine, post["id"]))
    assert "Lifetime" in raw


def post_history_raw(engine: Engine, post_id: int) -> dict:
    with engine.connect() as conn:
        return conn.execute(
            select(metric_snapshots.c.raw).where(metric_snapshots.c.post_id == post_id)
        ).scalar_one()


def test_older_meta_exports_keep_impressions_apart_from_views(engine: Engine) -> None:
    report = import_file(engine, SAMPLES_DIR / "SYNTHETIC_meta_instagram_posts_2024_impressions.csv")
    assert any("Impressions" in note for note in report.notes)
    with engine.connect() as conn:
        rows = list_posts(conn)
    assert all(row["impressions"] > 0 and row["views"] is None for row in rows)


def test_indonesian_meta_dates_are_day_first(engine: Engine) -> None:
    import_file(engine, SAMPLES_DIR / "SYNTHETIC_id_meta_facebook_posts.csv")
    with engine.connect() as conn:
        rows = list_posts(conn)
    assert all(row["published_at"].month == 6 for row in rows)  # 13-28 June, not "month 13+"


def test_tiktok_zip_gives_posts_followers_and_inferred_years(engine: Engine) -> None:
    report = import_file(engine, SAMPLES_DIR / "SYNTHETIC_tiktok_studio_export.zip")
    assert report.follower_days == 91  # 1 April - 30 June 2025
    with engine.connect() as conn:
        (channel,) = list_channels(conn)
        rows = list_posts(conn)
        history = follower_history(conn, channel["id"])
    assert channel["handle"] == "synthetic.jakarta"
    assert {row["published_at"].year for row in rows} == {2025}
    assert rows[0]["captured_at"] == datetime(2025, 6, 30, 16, 59, 59, tzinfo=UTC)  # end of range, WIB
    assert history[0]["day"] == date(2025, 4, 1) and history[-1]["day"] == date(2025, 6, 30)
    assert history[-1]["followers"] == channel["followers"]
    assert "video_views" in history[0]["daily"] and "new_followers" in history[0]["daily"]


def test_tiktok_dates_across_the_new_year(engine: Engine) -> None:
    import_file(engine, SAMPLES_DIR / "SYNTHETIC_id_tiktok_studio_export.zip")
    with engine.connect() as conn:
        (channel,) = list_channels(conn)
        history = follower_history(conn, channel["id"])
        years = {row["published_at"].astimezone(UTC).year for row in list_posts(conn)}
    assert history[0]["day"] == date(2025, 12, 10) and history[-1]["day"] == date(2026, 1, 8)
    assert years == {2025, 2026}


def test_youtube_skips_the_total_row_and_converts_units(engine: Engine) -> None:
    report = import_file(engine, SAMPLES_DIR / "SYNTHETIC_youtube_studio_content.zip", channel="Kanal Uji")
    assert report.rows_read == 18  # the Total row is not counted as data
    with engine.connect() as conn:
        (channel,) = list_channels(conn)
        rows = list_posts(conn)
    assert channel["name"] == "Kanal Uji"
    assert "Total" not in {row["external_id"] for row in rows}
    row = rows[0]
    assert 0 < row["completion_rate"] <= 100
    assert row["watch_time_seconds"] == pytest.approx(
        row["views"] * row["avg_view_duration"], rel=0.05, abs=60
    )
    assert row["captured_at"] == datetime(2025, 7, 10, 16, 59, 59, tzinfo=UTC)  # Chart data's last day


def test_x_maps_reposts_replies_and_bookmarks(engine: Engine) -> None:
    import_file(engine, SAMPLES_DIR / "SYNTHETIC_x_post_analytics.csv")
    with engine.connect() as conn:
        (channel,) = list_channels(conn)
        row = list_posts(conn)[0]
    assert channel["handle"] == "synthetic_jkt"
    raw = post_history_raw(engine, row["id"])
    assert row["shares"] == int(raw["Reposts"]) + int(raw["Shares"])
    assert row["comments"] == int(raw["Replies"]) and row["saves"] == int(raw["Bookmarks"])


def test_ga4_uses_the_range_end_and_skips_the_totals_row(engine: Engine) -> None:
    report = import_file(engine, SAMPLES_DIR / "SYNTHETIC_ga4_pages_and_screens_2025-06.csv")
    assert report.rows_read == 14
    with engine.connect() as conn:
        (channel,) = list_channels(conn)
        rows = list_posts(conn)
    assert channel["name"] == "jakarta.go.id (SYNTHETIC)"
    assert {row["captured_at"] for row in rows} == {datetime(2025, 6, 30, 16, 59, 59, tzinfo=UTC)}
    assert all(row["external_id"].startswith("/") for row in rows)


# -- re-imports ----------------------------------------------------------------------------------


def test_same_file_twice_adds_nothing(db_url: str) -> None:
    engine = open_engine(db_url)
    path = SAMPLES_DIR / "SYNTHETIC_tiktok_studio_export.zip"
    first = import_file(engine, path)
    second = import_file(engine, path)
    assert first.posts_new == 39
    assert (second.posts_new, second.posts_updated, second.snapshots_added, second.follower_days) == (
        0,
        0,
        0,
        0,
    )
    assert second.rows_read == first.rows_read
    engine.dispose()


def test_overlapping_exports_add_growth_snapshots_not_posts(engine: Engine) -> None:
    earlier = import_file(
        engine,
        SAMPLES_DIR / "SYNTHETIC_meta_facebook_posts_2025-06-20.csv",
        exported_at=datetime(2025, 6, 20),
    )
    later = import_file(
        engine, SAMPLES_DIR / "SYNTHETIC_meta_facebook_posts_2025-07-15.csv", exported_at=EXPORTED
    )
    assert (earlier.posts_new, later.posts_new, later.posts_updated) == (38, 11, 38)
    assert _count(engine, posts) == 49 and _count(engine, metric_snapshots) == 38 + 49
    with engine.connect() as conn:
        grown = next(row for row in list_posts(conn) if row["snapshots"] == 2)
        history = post_history(conn, grown["id"])
    assert [h["captured_at"].date() for h in history] == [date(2025, 6, 20), date(2025, 7, 15)]
    assert history[1]["views"] >= history[0]["views"]
    assert grown["views"] == history[1]["views"]  # list_posts shows the latest snapshot


def test_unchanged_numbers_at_a_new_capture_time_add_no_snapshot(engine: Engine) -> None:
    """The same undated export uploaded again (its capture time is the upload's) adds nothing."""
    path = SAMPLES_DIR / "SYNTHETIC_x_post_analytics.csv"
    import_file(engine, path, exported_at=datetime(2025, 7, 1))
    again = import_file(engine, path, exported_at=datetime(2025, 7, 2))
    assert (again.posts_new, again.snapshots_added) == (0, 0)


def test_hand_entered_fields_survive_a_reimport(engine: Engine) -> None:
    from gaung.content.store import update_post_details
    from gaung.store.db import transaction

    path = SAMPLES_DIR / "SYNTHETIC_x_post_analytics.csv"
    import_file(engine, path, exported_at=datetime(2025, 7, 1))
    with transaction(engine) as conn:
        post_id = list_posts(conn)[0]["id"]
        update_post_details(conn, post_id, topic_tags=["banjir"], program="Siaga", credited_staff="Rina")
    import_file(engine, path, exported_at=datetime(2025, 7, 2))
    with engine.connect() as conn:
        row = next(r for r in list_posts(conn) if r["id"] == post_id)
    assert (row["topic_tags"], row["program"], row["credited_staff"]) == (["banjir"], "Siaga", "Rina")


def test_demo_samples_load_and_cover_june_2025(engine: Engine) -> None:
    reports = load_content_samples(engine)
    assert all(not r.skipped for r in reports)
    with engine.connect() as conn:
        june = list_posts(conn, since=date(2025, 6, 1), until=date(2025, 6, 30))
        platforms = {row["platform"] for row in list_posts(conn)}
    assert platforms == {"facebook", "instagram", "tiktok", "youtube", "x", "web"}
    assert len({row["platform"] for row in june}) == 5 and len(june) > 60
    assert sum(r.snapshots_added for r in load_content_samples(engine)) == 0


# -- bad input -----------------------------------------------------------------------------------


def test_bom_semicolons_excel_quoting_and_local_numbers(engine: Engine) -> None:
    report = import_file(engine, BAD / "SYNTHETIC_bad_bom_semicolon_excel_instagram.csv")
    assert report.format == "meta_instagram"
    assert report.posts_new == 2
    assert report.skipped == [
        ("SYNTHETIC_bad_bom_semicolon_excel_instagram.csv:6", "not a date: 'bukan tanggal'")
    ]
    with engine.connect() as conn:
        rows = {row["external_id"]: row for row in list_posts(conn)}
    first, second = rows["18000000000000001"], rows["18000000000000002"]  # ="…" ids unwrapped
    assert (first["views"], first["reach"], first["likes"], first["comments"]) == (1234, 1200, 3400, 1050)
    assert first["caption"] == 'Kata "banjir" dan\nbaris kedua'
    assert (second["views"], second["reach"], second["likes"], second["shares"]) == (
        1500000,
        1200000,
        25000,
        1234,
    )
    assert second["caption"] == "Reel; pakai titik koma" and second["format"] == "reel"


def test_missing_columns_are_listed(engine: Engine) -> None:
    with pytest.raises(MissingColumnsError, match="publish_time"):
        import_file(engine, BAD / "SYNTHETIC_bad_missing_columns_facebook.csv")
    assert _count(engine, posts) == 0


def test_an_unrelated_csv_names_its_columns_and_the_known_formats(engine: Engine) -> None:
    with pytest.raises(UnknownFormatError) as caught:
        import_file(engine, BAD / "SYNTHETIC_bad_unrelated.csv")
    message = str(caught.value)
    assert "nama, alamat, nomor_telepon" in message
    assert "TikTok Studio" in message and "Google Analytics 4" in message


def test_a_zip_bomb_is_refused_without_unpacking(engine: Engine, tmp_path: Path) -> None:
    bomb = tmp_path / "export.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Content.csv", b"Time,Video title\n" + b"0" * (20 * 1024 * 1024))
    with pytest.raises(FileTooLargeError, match="zip bomb"):
        import_file(engine, bomb)
    with pytest.raises(FileTooLargeError, match="inflate to"):
        import_file(engine, bomb, limits=ImportLimits(max_uncompressed_bytes=1024 * 1024))


def test_a_zip_lying_about_its_sizes_is_stopped_while_inflating(engine: Engine, tmp_path: Path) -> None:
    liar = tmp_path / "export.zip"
    payload = b"Date,Video Views,Profile Views\n" + b"June 1,1,1\n" * 50_000
    with zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Overview.csv", payload)
    with pytest.raises(FileTooLargeError):
        import_file(engine, liar, limits=ImportLimits(max_uncompressed_bytes=100_000, max_ratio=10**9))


def test_a_huge_file_is_refused_before_reading(engine: Engine, tmp_path: Path) -> None:
    huge = tmp_path / "export.csv"
    with huge.open("wb") as handle:  # sparse: 1 GB on paper, nothing on disk, and never read
        handle.truncate(1024**3)
    with pytest.raises(FileTooLargeError, match=r"1024\.0 MB"):
        import_file(engine, huge)


def test_empty_and_binary_files(engine: Engine, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    with pytest.raises(UnknownFormatError, match="empty"):
        import_file(engine, empty)
    with pytest.raises(UnknownFormatError, match="binary"):
        import_file(engine, binary)


def test_a_zip_with_several_exports_imports_each(engine: Engine, tmp_path: Path) -> None:
    bundle = tmp_path / "exports.zip"
    with zipfile.ZipFile(bundle, "w") as archive:
        archive.write(SAMPLES_DIR / "SYNTHETIC_x_post_analytics.csv", "x.csv")
        archive.write(SAMPLES_DIR / "SYNTHETIC_meta_instagram_posts_2025-07-15.csv", "ig.csv")
        archive.writestr("notes.txt.pdf", b"%PDF")
    report = import_file(engine, bundle)
    assert set(report.format.split("+")) == {"x", "meta_instagram"}
    assert report.posts_new == 57 + 45
    assert ("exports.zip!notes.txt.pdf", "not a CSV file") in report.skipped


def test_cli_import_prints_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gaung.content.cli import content_app  # the lead mounts it as `gaung content`

    monkeypatch.setenv("GAUNG_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GAUNG_DATABASE_URL", raising=False)
    runner = CliRunner()
    sample = str(SAMPLES_DIR / "SYNTHETIC_youtube_studio_content.zip")
    result = runner.invoke(content_app, ["import", sample, "--channel", "Kanal Uji"])
    assert result.exit_code == 0, result.output
    assert "new posts" in result.output and "18" in result.output
    result = runner.invoke(content_app, ["channels"])
    assert "Kanal Uji" in result.output
    result = runner.invoke(content_app, ["posts", "--limit", "3"])
    assert result.exit_code == 0 and "15 more" in result.output
    result = runner.invoke(content_app, ["import", str(BAD / "SYNTHETIC_bad_unrelated.csv")])
    assert isinstance(result.exception, UnknownFormatError)  # gaung.cli.main() prints it as one line
