"""Safety in a real browser: hostile article text stays text, and a viewer cannot correct anything,
not even by forging the request."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote

from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from conftest import Archive, Watched

PAYLOADS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


def assert_inert(page: Page, watched: Watched) -> None:
    """Nothing the archive smuggled in ran or became an element."""
    page.wait_for_load_state("networkidle")  # give a broken image time to fire onerror
    assert watched.dialogs == [], watched.dialogs
    assert page.evaluate("window.__xss") is None
    assert page.locator('img[src="x"], svg[onload], [onerror]').count() == 0
    for script in page.locator("script:not([src])").all_inner_texts():
        assert "alert(1)" not in script and "__xss" not in script, script


def test_hostile_article_renders_as_text_everywhere(
    page: Page, login: Callable[..., Page], archive: Archive, watched: Watched
) -> None:
    login("analyst")
    page.goto("/mentions?q=banjir")
    row = page.get_by_test_id("mention-row").filter(has_text="<script>alert(1)</script>")
    expect(row.locator("a.headline")).to_have_text(archive.hostile_title)  # escaped, shown as typed
    assert_inert(page, watched)

    row.locator("a.headline").click()
    expect(page).to_have_url(re.compile(rf"/mentions/{archive.hostile_id}$"))
    expect(page.get_by_test_id("article-title")).to_have_text(archive.hostile_title)
    expect(page).to_have_title(f"{archive.hostile_title} · Gaung")
    text = page.get_by_test_id("article-text")
    for payload in PAYLOADS:
        expect(text).to_contain_text(payload)
    expect(text).to_contain_text("""<img src=x onerror="window.__xss = 'img'">""")
    assert_inert(page, watched)

    page.reload()  # a full load, not an htmx swap: the server's HTML itself must be inert
    expect(page.get_by_test_id("article-title")).to_have_text(archive.hostile_title)
    assert_inert(page, watched)

    for path in ("/", "/issues", "/alerts", f"/api/mentions/{archive.hostile_id}"):
        page.goto(path)
        assert_inert(page, watched)


def test_hostile_query_in_a_link_is_shown_not_run(
    page: Page, login: Callable[..., Page], watched: Watched
) -> None:
    login("viewer")
    for query in (
        "<img src=x onerror=alert(1)>",
        '"<script>alert(1)</script>',
        "title:<svg onload=alert(1)>",
    ):
        page.goto(f"/mentions?q={quote(query)}")
        expect(page.get_by_role("searchbox")).to_have_value(query)
        expect(page).to_have_title(f"{query} — Pemberitaan · Gaung")
        assert_inert(page, watched)


def test_viewer_sees_no_correction_buttons_and_a_forged_post_is_refused(
    page: Page, login: Callable[..., Page], archive: Archive
) -> None:
    login("viewer")
    page.goto("/mentions?q=pemerintah")
    page.get_by_test_id("mention-row").first.locator("a.headline").click()
    expect(page).to_have_url(re.compile(r"/mentions/\d+$"))
    mention_id = int(page.url.rsplit("/", 1)[1])
    before = archive.mention_tone(mention_id)
    expect(page.get_by_test_id("article-title")).to_be_visible()
    expect(page.get_by_test_id("tone-buttons")).to_have_count(0)
    expect(page.locator("[data-testid^=set-tone-]")).to_have_count(0)
    expect(page.get_by_test_id("remove-entity")).to_have_count(0)
    expect(page.locator(f'form[action="/mentions/{mention_id}/corrections"]')).to_have_count(0)

    # a viewer who writes the form by hand (with their valid CSRF token) is refused by role
    token = page.locator("input[name=csrf_token]").first.input_value()
    with page.expect_response(f"**/mentions/{mention_id}/corrections") as answer:
        page.evaluate(
            """([action, token]) => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = action;
                for (const [name, value] of [["csrf_token", token], ["field", "tone"], ["value", "negative"]]) {
                    const input = document.createElement("input");
                    input.type = "hidden"; input.name = name; input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            [f"/mentions/{mention_id}/corrections", token],
        )
    assert answer.value.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Anda tidak diizinkan melakukan ini")
    expect(page.get_by_role("alert")).to_contain_text("analis")
    expect(page.get_by_role("alert")).to_contain_text("pembaca")

    # the same through the JSON API, with the session and the CSRF header
    api = page.request.post(
        f"/api/mentions/{mention_id}/corrections",
        data={"field": "tone", "value": "negative"},
        headers={"X-CSRF-Token": token},
    )
    assert api.status == 403 and api.json()["needed_role"] == "analyst"
    ack = page.request.post(f"/alerts/{archive.alert_id}/ack", form={"csrf_token": token}, max_redirects=0)
    assert ack.status == 403

    page.goto(f"/mentions/{mention_id}")
    expect(page.get_by_test_id("tone-buttons")).to_have_count(0)
    assert archive.mention_tone(mention_id) == before
    corrections = page.request.get(f"/api/mentions/{mention_id}").json()["corrections"]
    assert all(c["user"] != archive.users["viewer"] for c in corrections)

    # nor do viewers get the admin pages or the alert buttons
    page.goto("/users")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anda tidak diizinkan melakukan ini")
    page.goto("/alerts")
    expect(page.get_by_test_id("alert").first).to_be_visible()
    expect(page.get_by_test_id("ack-alert")).to_have_count(0)
