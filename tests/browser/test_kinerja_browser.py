"""Kinerja in real Chromium: a staff member sees only their own scorecard, and its evidence opens the post."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from kinerjahelpers import PASSWORD, Office, seed_office
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from conftest import Archive, Watched


@pytest.fixture(scope="module")
def office(archive: Archive) -> Office:
    """The small test office (a team, posts, assignments) added to the served archive."""
    return seed_office(archive.ws.engine)


def _login(page: Page, name: str) -> None:
    page.goto("/login")
    page.get_by_label(re.compile("Nama pengguna|User name")).fill(name)
    page.get_by_label(re.compile("Kata sandi|Password")).fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    expect(page.get_by_test_id("current-user")).to_contain_text(name)


def test_staff_member_sees_only_their_scorecard_and_its_evidence(
    page: Page, office: Office, watched: Watched
) -> None:
    _login(page, "budi")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Kinerja").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kinerja")
    picker = page.get_by_test_id("period-picker")
    picker.get_by_label("Periode").fill("2025-06")
    picker.get_by_role("button").click()
    mine = page.get_by_test_id("my-scorecard")
    expect(mine).to_contain_text("2025-06")
    expect(page.get_by_test_id("team-scorecards")).to_have_count(0)  # no team: only his own
    expect(page.locator("#capaian-chart")).to_be_visible()

    mine.get_by_test_id("my-scorecard-link").click()
    expect(page.get_by_test_id("person")).to_have_text("Budi")
    expect(page.get_by_test_id("realisation-posts_published")).to_have_text("2,57")
    expect(page.get_by_test_id("rating-hasil-kerja")).to_contain_text("di bawah ekspektasi")
    expect(page.get_by_test_id("targets-form")).to_have_count(0)

    evidence = page.get_by_test_id("evidence-posts_published")
    evidence.get_by_role("link", name="Unggahan uji P1").click()
    expect(page).to_have_url(re.compile(rf"/content/posts/{office.posts['P1']}$"))
    expect(page.get_by_test_id("caption")).to_have_text("Unggahan uji P1")

    # a colleague's scorecard, typed into the address bar: refused
    page.goto(f"/kinerja/{office.staff['Sari']}/2025-06")
    expect(page.get_by_role("heading", level=1)).to_contain_text("tidak diizinkan")
    assert watched.page_errors == [], watched.page_errors
    assert watched.dialogs == []
