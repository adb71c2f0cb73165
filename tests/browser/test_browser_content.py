"""The content pages in real Chromium: upload a platform export, read a post, see what works."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

from gaung.content import SAMPLES_DIR

if TYPE_CHECKING:
    from conftest import Watched

X_EXPORT = SAMPLES_DIR / "SYNTHETIC_x_post_analytics.csv"
META_EXPORT = SAMPLES_DIR / "SYNTHETIC_meta_facebook_posts_2025-06-20.csv"


def _upload(page: Page, path: object) -> None:
    form = page.get_by_test_id("import-form")
    form.locator("input[type=file]").set_input_files(str(path))
    form.locator("button[type=submit]").click()


def test_staff_uploads_exports_and_reads_what_works(
    page: Page, login: Callable[..., Page], watched: Watched
) -> None:
    login("staff")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Konten").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Konten")

    _upload(page, X_EXPORT)
    report = page.get_by_test_id("import-report")
    expect(report).to_be_visible()
    expect(report).to_contain_text("Unggahan baru: 57")  # the X sample's 57 posts, all new
    _upload(page, META_EXPORT)
    expect(page.get_by_test_id("import-report")).to_contain_text("Unggahan baru: 38")

    # the same file again: nothing new (snapshots only when values or capture time change)
    _upload(page, X_EXPORT)
    again = page.get_by_test_id("import-report")
    expect(again).to_contain_text("Unggahan baru: 0")
    expect(again).to_contain_text("Potret metrik ditambahkan: 0")

    expect(page.get_by_test_id("post-row").first).to_be_visible()
    page.get_by_test_id("post-row").first.get_by_role("link").first.click()
    expect(page.get_by_test_id("metrics")).to_be_visible()
    expect(page.get_by_test_id("history")).to_be_visible()

    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Apa yang berhasil").click()
    expect(page.get_by_test_id("overall")).to_be_visible()
    dimension = page.get_by_test_id("dimension-format")
    expect(dimension).to_be_visible()
    expect(dimension).to_contain_text("[")  # medians come with a bootstrap interval
    assert watched.page_errors == [], watched.page_errors


def test_viewer_cannot_upload(page: Page, login: Callable[..., Page]) -> None:
    login("viewer")
    page.goto("/content")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Konten")
    expect(page.get_by_test_id("import-form")).to_have_count(0)
    upload = {"name": X_EXPORT.name, "mimeType": "text/csv", "buffer": X_EXPORT.read_bytes()}
    response = page.request.post("/content/import", multipart={"export": upload})
    assert response.status == 403
