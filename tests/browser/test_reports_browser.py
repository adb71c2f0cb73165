"""The Laporan page in a real browser: an analyst makes the brief of a day and opens it; a viewer reads
it but has no form; the archive's hostile headline stays text in the brief."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from conftest import Archive, Watched

SECTIONS = [
    "Konklusi",
    "Statistik",
    "Isu Utama",
    "Tren Nada Pemberitaan",
    "Eksposur Media",
    "Narasumber",
    "Rekap Kliping",
    "Media Sosial",
    "Kinerja Konten",
    "Rekomendasi",
]


def test_analyst_makes_and_opens_the_brief_of_a_day(
    page: Page, login: Callable[..., Page], archive: Archive, watched: Watched
) -> None:
    login("analyst")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Laporan").click()
    expect(page).to_have_url(re.compile(r"/reports$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporan")

    page.get_by_label("Tanggal").fill("2025-06-18")
    page.get_by_test_id("brief-generate").click()
    expect(page.get_by_test_id("brief-made")).to_contain_text("2025-06-18")
    row = page.get_by_test_id("brief-row").filter(has_text="2025-06-18")
    expect(row).to_contain_text("manual")
    expect(row.get_by_test_id("brief-pdf")).to_have_attribute("href", "/reports/2025-06-18.pdf?lang=id")

    row.get_by_test_id("brief-html").click()
    expect(page).to_have_url(re.compile(r"/reports/2025-06-18\?lang=id$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporan Monitoring Media Harian")
    expect(page.get_by_test_id("brief-day")).to_have_text("Rabu, 18 Juni 2025")
    expect(page.locator("section h2")).to_have_text([re.compile(rf"{name}$") for name in SECTIONS])
    expect(page.locator("section#tone svg")).to_be_visible()
    # the hostile headline of the archive is a clipping like any other: shown as typed, never run
    expect(page.get_by_test_id("brief-clipping").filter(has_text="<script>alert(1)</script>")).to_have_count(
        1
    )
    page.wait_for_load_state("networkidle")
    assert watched.dialogs == [] and page.evaluate("window.__xss") is None
    assert page.locator("[onerror], svg[onload]").count() == 0

    response = page.request.get("/reports/2025-06-18.pdf?lang=id")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_viewer_reads_briefs_without_the_form(page: Page, login: Callable[..., Page]) -> None:
    login("viewer")
    page.goto("/reports")
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporan")
    expect(page.get_by_test_id("brief-form")).to_have_count(0)
    expect(page.get_by_test_id("brief-list")).to_be_visible()
