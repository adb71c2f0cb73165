"""Penugasan in a real browser: a staff member opens an issue, creates a klarifikasi from it, and moves
the card along the board (htmx swaps the board in place); the move survives a reload and is in the
assignment's history under their name."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from gaung.kinerja.staff import add_staff
from gaung.store.db import transaction
from gaung.store.schema import staff

if TYPE_CHECKING:
    from conftest import Archive

WRITER = "Penulis Uji Peramban"  # no login: other browser tests may link the staff login themselves


@pytest.fixture(scope="module")
def writer(archive: Archive) -> str:
    with transaction(archive.ws.engine) as conn:
        if conn.execute(sa.select(staff.c.id).where(staff.c.name == WRITER)).first() is None:
            add_staff(conn, WRITER, position="Pranata Humas")
    return WRITER


def test_create_from_issue_and_move_on_the_board(
    page: Page, login: Callable[..., Page], archive: Archive, writer: str
) -> None:
    login("staff")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Isu").click()
    first_issue = page.get_by_test_id("issue-row").first.locator("a")
    label = first_issue.inner_text()
    first_issue.click()
    expect(page.get_by_test_id("issue-label")).to_have_text(label)

    page.get_by_test_id("create-assignment").click()
    expect(page).to_have_url(re.compile(r"/assignments/new\?issue=\d+$"))
    expect(page.get_by_test_id("origin")).to_contain_text(label)
    expect(page.get_by_test_id("kind")).to_have_value("klarifikasi")
    page.get_by_test_id("member-0").select_option(label=f"{writer} (Pranata Humas)")
    page.get_by_test_id("role-0").select_option("writer")
    page.get_by_test_id("due-date").fill("2025-06-21")
    page.get_by_test_id("create-assignment").click()

    expect(page).to_have_url(re.compile(r"/assignments/\d+$"))
    match = re.search(r"/assignments/(\d+)$", page.url)
    assert match
    assignment_id = match.group(1)
    expect(page.get_by_test_id("assignment-title")).to_contain_text("Klarifikasi:")
    expect(page.get_by_test_id("assignment-status")).to_have_text("Ide")
    expect(page.get_by_test_id("members")).to_contain_text(f"{writer} (penulis)")

    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Penugasan").click()
    card = page.locator(f'[data-testid="assignment-card"][data-id="{assignment_id}"]')
    expect(page.get_by_test_id("column-ide").locator(card)).to_have_count(1)
    card.get_by_test_id("move-dikerjakan").click()
    expect(page.get_by_test_id("column-dikerjakan").locator(card)).to_have_count(1)
    expect(page.get_by_test_id("column-ide").locator(card)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/assignments$"))  # swapped in place by htmx, no navigation

    page.reload()
    expect(page.get_by_test_id("column-dikerjakan").locator(card)).to_have_count(1)
    card.locator("a.headline").click()
    expect(page.get_by_test_id("assignment-status")).to_have_text("Dikerjakan")
    expect(page.get_by_test_id("event").last).to_contain_text(f"{archive.users['staff']}: Ide → Dikerjakan")
