"""What an analyst does all day, in a real browser: log in, search and filter, read an article,
switch the interface language, export what they found."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

from gaung.web.export import COLUMNS

if TYPE_CHECKING:
    from conftest import Archive, Watched

# the core menu, in order (other parts of the app may add entries between them)
ID_NAV = ["Ringkasan", "Pemberitaan", "Isu", "Peringatan", "Sumber", "Pengaturan"]
EN_NAV = ["Overview", "Coverage", "Issues", "Alerts", "Sources", "Settings"]

# App bugs these tests found (reported; the tests pass once they are fixed):


def result_count(page: Page) -> int:
    """The number in "30 berita" / "30 stories" above the list."""
    text = page.get_by_test_id("result-count").inner_text()
    match = re.search(r"[\d.,]+", text)
    assert match, text
    return int(re.sub(r"[.,]", "", match.group(0)))


def search(page: Page, query: str) -> None:
    page.get_by_role("searchbox").fill(query)
    page.get_by_role("button", name=re.compile("^(Cari|Search)$")).click()
    expect(page).to_have_url(re.compile(rf"/mentions\?q={re.escape(query)}"))


def test_login_refuses_a_wrong_password_then_lets_the_user_in(page: Page, archive: Archive) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))  # not logged in: sent to the login form
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk ke Gaung")
    page.get_by_label("Nama pengguna").fill(archive.users["analyst"])
    page.get_by_label("Kata sandi").fill(archive.password + "-salah")
    page.locator("form.login-form button[type=submit]").click()
    expect(page.get_by_test_id("login-error")).to_have_text("Nama pengguna atau kata sandi salah.")
    expect(page.get_by_test_id("current-user")).to_have_count(0)

    page.get_by_label("Nama pengguna").fill(archive.users["analyst"])
    page.get_by_label("Kata sandi").fill(archive.password)
    page.locator("form.login-form button[type=submit]").click()
    expect(page.get_by_test_id("current-user")).to_have_text(f"{archive.users['analyst']} (analis)")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ringkasan")
    expect(page.get_by_role("navigation", name="Menu utama").get_by_role("link")).to_contain_text(ID_NAV)


def test_search_with_a_query_then_narrow_by_source_and_tone(page: Page, login: Callable[..., Page]) -> None:
    login("viewer")
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Pemberitaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pemberitaan")
    everything = result_count(page)

    search(page, "jakarta")
    rows = page.get_by_test_id("mention-row")
    expect(rows.first).to_be_visible()
    matching = result_count(page)
    assert 1 < matching < everything
    expect(rows).to_have_count(min(matching, 25))
    expect(page.get_by_role("searchbox")).to_have_value("jakarta")

    page.get_by_test_id("facet-site").filter(has_text="liputan6.com").click()
    expect(page).to_have_url(re.compile(r"q=jakarta.*site=liputan6\.com|site=liputan6\.com.*q=jakarta"))
    expect(page.get_by_test_id("facet-site").filter(has_text="liputan6.com")).to_have_class(
        re.compile(r"\bon\b")
    )
    from_liputan = result_count(page)
    assert 1 < from_liputan < matching
    expect(rows).to_have_count(from_liputan)
    for meta in rows.locator(".meta").all_inner_texts():
        assert meta.strip().startswith("liputan6.com"), meta

    page.get_by_test_id("facet-tone").filter(has_text="netral").click()
    expect(page).to_have_url(re.compile(r"tone=neutral"))
    neutral = result_count(page)
    assert 1 <= neutral < from_liputan
    expect(rows).to_have_count(neutral)
    expect(rows.locator(".tone")).to_have_text(["netral"] * neutral)
    for meta in rows.locator(".meta").all_inner_texts():
        assert meta.strip().startswith("liputan6.com"), meta


def test_open_an_article_from_the_list(page: Page, login: Callable[..., Page]) -> None:
    login("viewer")
    page.goto("/mentions?q=pemerintah")
    first = page.get_by_test_id("mention-row").first.locator("a.headline")
    headline = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/mentions/\d+$"))
    expect(page.get_by_test_id("article-title")).to_have_text(headline)
    expect(page).to_have_title(f"{headline} · Gaung")
    expect(page.get_by_test_id("article-text")).to_contain_text("pemerintah", ignore_case=True)
    expect(page.get_by_test_id("tone")).to_have_text(re.compile("^(positif|netral|negatif)$"))
    expect(page.get_by_role("link", name="Sumber asli")).to_have_attribute("href", re.compile("^https?://"))
    page.get_by_role("link", name="Pemberitaan").first.click()
    expect(page).to_have_url(re.compile(r"/mentions$"))


def test_switch_language_from_indonesian_to_english(page: Page, login: Callable[..., Page]) -> None:
    login("analyst")
    nav = page.get_by_role("navigation", name="Menu utama").get_by_role("link")
    expect(nav).to_contain_text(ID_NAV)
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.goto("/alerts")
    page.get_by_test_id("lang-en").click()
    expect(page).to_have_url(re.compile(r"/alerts$"))  # back on the same page
    expect(page.locator("html")).to_have_attribute("lang", "en")
    nav = page.get_by_role("navigation", name="Main menu").get_by_role("link")
    expect(nav).to_contain_text(EN_NAV)
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")
    page.reload()  # remembered (cookie), not a one-off
    expect(page.get_by_role("navigation", name="Main menu").get_by_role("link")).to_contain_text(EN_NAV)
    page.get_by_role("link", name="Coverage").click()
    expect(page.get_by_role("button", name="Search")).to_be_visible()
    expect(page.get_by_test_id("export-csv")).to_have_text("Export CSV")
    page.get_by_test_id("lang-id").click()
    expect(page.get_by_role("navigation", name="Menu utama").get_by_role("link")).to_contain_text(ID_NAV)


def chart_drawn(page: Page, canvas_id: str) -> bool:
    return bool(page.evaluate("(id) => !!(window.Chart && window.Chart.getChart(id))", canvas_id))


def test_charts_draw_after_login_and_menu_navigation(
    page: Page, login: Callable[..., Page], watched: Watched
) -> None:
    login("viewer")  # the login form lands on the overview
    expect(page.get_by_role("heading", level=1)).to_have_text("Ringkasan")
    page.wait_for_load_state("networkidle")
    assert chart_drawn(page, "volume-chart"), watched.page_errors
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Isu").click()
    expect(page).to_have_url(re.compile(r"/issues$"))
    page.get_by_test_id("issue-row").first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/issues/\d+$"))
    page.wait_for_load_state("networkidle")
    assert chart_drawn(page, "issue-chart"), watched.page_errors
    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Ringkasan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ringkasan")
    page.wait_for_load_state("networkidle")
    assert chart_drawn(page, "volume-chart"), watched.page_errors
    assert watched.page_errors == []


def test_export_csv_of_a_filtered_list(page: Page, login: Callable[..., Page]) -> None:
    login("viewer")
    page.goto("/mentions")
    search(page, "jakarta")
    page.get_by_test_id("facet-tone").filter(has_text="netral").click()
    expect(page).to_have_url(re.compile(r"tone=neutral"))
    shown = result_count(page)
    with page.expect_download() as info:
        page.get_by_test_id("export-csv").click()
    download = info.value
    assert download.suggested_filename == "gaung-pemberitaan.csv"
    path = download.path()
    raw = path.read_bytes()
    assert raw.startswith("\ufeff".encode()), raw[:20]  # BOM: Excel reads Indonesian text right
    lines = raw.decode("utf-8-sig").splitlines()
    about = [line for line in lines if line.startswith("# ")]
    assert "# query: jakarta" in about
    assert "# filter_tone: neutral" in about
    assert f"# rows: {shown}" in about
    table = list(csv.reader(io.StringIO("\n".join(lines[len(about) :]))))
    assert tuple(table[0]) == COLUMNS
    assert len(table) - 1 == shown
    tone_column = COLUMNS.index("tone")
    assert {row[tone_column] for row in table[1:]} == {"neutral"}
