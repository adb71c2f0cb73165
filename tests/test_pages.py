"""The Monitoring Center pages over a small real archive: Indonesian and English, escaped, no 500s.

The session fixtures here (an imported archive and one logged-in client per role) are shared by
test_api.py and test_export.py, so the archive is imported and analysed once per test session.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from fastapi.testclient import TestClient
from webhelpers import FIXTURES, HOSTILE, csrf, hostile_id  # noqa: F401

from gaung.store.schema import mentions
from gaung.workspace import Workspace


def test_every_page_renders_in_indonesian_by_default(viewer: TestClient) -> None:
    for path, marker in (
        ("/", "Ringkasan"),
        ("/mentions", "Pemberitaan"),
        ("/issues", "Isu"),
        ("/alerts", "Peringatan"),
        ("/sources", "Sumber"),
        ("/settings", "Pengaturan"),
    ):
        page = viewer.get(path)
        assert page.status_code == 200, (path, page.text[:300])
        assert '<html lang="id">' in page.text and marker in page.text
    overview = viewer.get("/").text
    assert "Kebaikan untuk diviralkan" in overview and "Volume dan nada per hari" in overview
    assert "/static/vendor/chart-4.6.1.umd.min.js" in overview and 'id="volume-data"' in overview
    assert ">Pengguna<" not in overview  # the users page is for admins only


def test_english_by_cookie_and_accept_language(web_app: object, viewer: TestClient) -> None:
    viewer.cookies.set("gaung_lang", "en")
    page = viewer.get("/")
    assert '<html lang="en">' in page.text and "Good stories worth amplifying" in page.text
    anonymous = TestClient(web_app)  # type: ignore[arg-type]
    login_page = anonymous.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in login_page.text
    assert '<html lang="id">' in anonymous.get("/login", headers={"Accept-Language": "fr"}).text
    viewer.cookies.delete("gaung_lang")


def test_language_switch_form_sets_the_cookie(analyst: TestClient) -> None:
    response = analyst.post(
        "/lang", data={"lang": "en", "next": "/alerts", "csrf_token": csrf(analyst)}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/alerts"
    assert "Acknowledge" in analyst.get("/alerts").text
    analyst.post("/lang", data={"lang": "id", "next": "/", "csrf_token": csrf(analyst)})
    assert "Tandai sudah ditangani" in analyst.get("/alerts").text


def test_hostile_article_is_rendered_inert(viewer: TestClient, web_ws: Workspace) -> None:
    for page in (
        viewer.get("/mentions", params={"q": "banjir"}),
        viewer.get(f"/mentions/{hostile_id(web_ws)}"),
        viewer.get("/mentions", params={"q": '"<script>'}),
    ):
        assert page.status_code in (200, 400)
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
    article = viewer.get(f"/mentions/{hostile_id(web_ws)}").text
    assert "&lt;script&gt;alert" in article and "&lt;img src=x onerror=alert(1)&gt;" in article


def test_mentions_query_and_facets_combine(viewer: TestClient) -> None:
    everything = viewer.get("/mentions")
    assert everything.status_code == 200 and 'data-testid="facet-site"' in everything.text
    liputan = viewer.get("/mentions", params={"site": "liputan6.com"})
    rows = liputan.text.count('data-testid="mention-row"')
    assert rows == 15 and "15 berita" in liputan.text
    narrowed = viewer.get("/mentions", params={"site": "liputan6.com", "tone": "positive"})
    assert narrowed.text.count('data-testid="mention-row"') < rows
    by_entity = viewer.get("/mentions", params={"entity": "jakarta", "q": "banjir OR jakarta"})
    assert by_entity.status_code == 200 and by_entity.text.count('data-testid="mention-row"') >= 1
    # facet links keep the current query and filters
    assert "q=banjir+OR+jakarta" in by_entity.text and "entity=jakarta" in by_entity.text


def test_keyset_pages_walk_the_whole_list(viewer: TestClient) -> None:
    seen: list[str] = []
    page = viewer.get("/mentions")
    for _ in range(10):
        seen += re.findall(r'class="headline" href="/mentions/(\d+)"', page.text)
        nxt = re.search(r'href="(/mentions\?[^"]*cursor=[^"]+)" rel="next"', page.text)
        if not nxt:
            break
        page = viewer.get(nxt.group(1).replace("&amp;", "&"))
    assert len(seen) == len(set(seen)) == 41  # 40 stories + the hostile one, no repeats


def test_bad_query_filters_and_cursor_are_400_pages(viewer: TestClient) -> None:
    bad_query = viewer.get("/mentions", params={"q": '(banjir AND "rob'})
    assert bad_query.status_code == 400 and "Kueri tidak valid" in bad_query.text
    for params in ({"from": "2025-13-45"}, {"tone": "gembira"}, {"issue": "abc"}, {"cursor": "!!!"}):
        page = viewer.get("/mentions", params=params)
        assert page.status_code == 400 and 'data-testid="problem"' in page.text, params
    assert viewer.get("/issues", params={"page": "x"}).status_code == 400
    assert "tidak ada" in viewer.get("/issues", params={"page": 999}).text


def test_unknown_ids_and_paths_are_404_pages(viewer: TestClient) -> None:
    for path in ("/mentions/999999", "/mentions/abc", "/issues/999999", "/sources/999999", "/no/such/page"):
        page = viewer.get(path)
        assert page.status_code == 404 and "Tidak ditemukan" in page.text, path


def test_article_page_shows_analysis(viewer: TestClient, web_ws: Workspace) -> None:
    with web_ws.engine.connect() as conn:
        mention_id = conn.execute(
            sa.text("select mention_id from mention_quotes join mention_entities using (mention_id) limit 1")
        ).scalar_one()
    page = viewer.get(f"/mentions/{mention_id}").text
    assert '<mark class="ent' in page and "Kutipan" in page and "Alasan" in page
    assert 'data-testid="set-tone-positive"' not in page  # viewers cannot correct


def test_tone_correction_sticks_and_is_audited(
    analyst: TestClient, viewer: TestClient, web_ws: Workspace
) -> None:
    mention_id = hostile_id(web_ws)
    token = csrf(analyst, f"/mentions/{mention_id}")
    for tone in ("negative", "positive"):  # two corrections: the last one wins, both are kept
        response = analyst.post(
            f"/mentions/{mention_id}/corrections",
            data={"field": "tone", "value": tone, "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303
    page = analyst.get(f"/mentions/{mention_id}").text
    assert "koreksi analis" in page and page.count("tone:") >= 2
    with web_ws.engine.connect() as conn:
        assert (
            conn.execute(sa.select(mentions.c.tone).where(mentions.c.id == mention_id)).scalar_one()
            == "positive"
        )
        actions = conn.execute(sa.text("select action from audit_log")).scalars().all()
    assert actions.count("correct.tone") >= 2
    refused = viewer.post(
        f"/mentions/{mention_id}/corrections",
        data={"field": "tone", "value": "negative", "csrf_token": csrf(viewer)},
        follow_redirects=False,
    )
    assert refused.status_code == 403
    no_token = analyst.post(f"/mentions/{mention_id}/corrections", data={"field": "tone", "value": "neutral"})
    assert no_token.status_code == 403
    bad = analyst.post(
        f"/mentions/{mention_id}/corrections", data={"field": "tone", "value": "marah", "csrf_token": token}
    )
    assert bad.status_code == 400 and 'data-testid="problem"' in bad.text


def test_entity_corrections(analyst: TestClient, web_ws: Workspace) -> None:
    with web_ws.engine.connect() as conn:
        mention_id, entity_id = conn.execute(
            sa.text("select mention_id, id from mention_entities limit 1")
        ).one()
    token = csrf(analyst, f"/mentions/{mention_id}")
    url = f"/mentions/{mention_id}/corrections"
    assert (
        analyst.post(
            url,
            data={"field": "entity_link", "value": "jakarta", "entity_id": entity_id, "csrf_token": token},
        ).status_code
        == 200
    )
    assert (
        analyst.post(
            url, data={"field": "entity_type", "value": "PLACE", "entity_id": entity_id, "csrf_token": token}
        ).status_code
        == 200
    )
    with web_ws.engine.connect() as conn:
        row = conn.execute(
            sa.text("select type, watch_id from mention_entities where id = :i"), {"i": entity_id}
        ).one()
    assert tuple(row) == ("PLACE", "jakarta")
    assert (
        analyst.post(
            url, data={"field": "entity_remove", "entity_id": entity_id, "csrf_token": token}
        ).status_code
        == 200
    )
    with web_ws.engine.connect() as conn:
        assert (
            conn.execute(
                sa.text("select count(*) from mention_entities where id = :i"), {"i": entity_id}
            ).scalar_one()
            == 0
        )
        fields = (
            conn.execute(sa.text("select new_value from corrections where field = 'entity'")).scalars().all()
        )
    assert len(fields) == 3


def test_issue_rename_and_merge(analyst: TestClient, viewer: TestClient, web_ws: Workspace) -> None:
    with web_ws.engine.connect() as conn:
        first, second = (
            conn.execute(sa.text("select id from issues order by size desc, id limit 2")).scalars().all()
        )
    page = viewer.get(f"/issues/{first}")
    assert page.status_code == 200 and 'id="issue-data"' in page.text and "Ganti nama" not in page.text
    token = csrf(analyst, f"/issues/{first}")
    renamed = analyst.post(f"/issues/{first}/rename", data={"label": "Isu <b>uji</b>", "csrf_token": token})
    assert renamed.status_code == 200 and "Isu &lt;b&gt;uji&lt;/b&gt;" in renamed.text
    merged = analyst.post(f"/issues/{second}/merge", data={"target": first, "csrf_token": token})
    assert merged.status_code == 200
    assert viewer.get(f"/issues/{second}", follow_redirects=False).status_code == 303
    with web_ws.engine.connect() as conn:
        assert (
            conn.execute(
                sa.text("select count(*) from mentions where issue_id = :i"), {"i": second}
            ).scalar_one()
            == 0
        )
    self_merge = analyst.post(f"/issues/{first}/merge", data={"target": first, "csrf_token": token})
    assert self_merge.status_code == 400


def test_alerts_acknowledge(analyst: TestClient, viewer: TestClient) -> None:
    page = viewer.get("/alerts").text
    assert "melonjak" in page and "entity=pemprov-dki" in page and 'data-testid="ack-alert"' not in page
    viewer.cookies.set("gaung_lang", "en")
    assert "spiked" in viewer.get("/alerts").text
    viewer.cookies.delete("gaung_lang")
    alert_id = re.search(r'action="/alerts/(\d+)/ack"', analyst.get("/alerts").text)
    assert alert_id
    token = csrf(analyst, "/alerts")
    assert analyst.post(f"/alerts/{alert_id.group(1)}/ack", data={"csrf_token": token}).status_code == 200
    assert "analyst" in viewer.get("/alerts", params={"status": "acknowledged"}).text
    assert analyst.post("/alerts/999999/ack", data={"csrf_token": token}).status_code == 404


def test_sources_admin_only_and_ssrf_refusal(admin: TestClient, analyst: TestClient) -> None:
    token = csrf(admin, "/sources")
    added = admin.post(
        "/sources",
        data={"name": "Contoh RSS", "kind": "feed", "url": "https://contoh.example/rss", "csrf_token": token},
    )
    assert added.status_code == 200 and "Contoh RSS" in added.text
    local = admin.post(
        "/sources", data={"name": "Lokal", "kind": "archive", "url": "/etc/passwd", "csrf_token": token}
    )
    assert local.status_code == 400
    refused = admin.post(
        "/sources/test", data={"kind": "feed", "url": "http://127.0.0.1:9/feed", "csrf_token": token}
    )
    assert refused.status_code == 200 and 'data-testid="test-result"' in refused.text
    assert "Ditolak oleh pengaman" in refused.text
    source_id = re.search(r'href="/sources/(\d+)">Contoh RSS', admin.get("/sources").text)
    assert source_id
    sid = source_id.group(1)
    assert admin.post(f"/sources/{sid}/pause", data={"csrf_token": token}).status_code == 200
    assert "paused" in admin.get("/sources").text
    denied = analyst.post(
        f"/sources/{sid}/remove", data={"csrf_token": csrf(analyst)}, follow_redirects=False
    )
    assert denied.status_code == 403
    assert admin.post(f"/sources/{sid}/remove", data={"csrf_token": token}).status_code == 200
    assert "Contoh RSS" not in admin.get("/sources").text


def test_settings_edit_validates_and_saves(admin: TestClient, viewer: TestClient, web_ws: Workspace) -> None:
    assert 'data-testid="save-settings"' not in viewer.get("/settings").text
    token = csrf(admin, "/settings")
    page = admin.get("/settings").text
    watchlist = re.search(r'<textarea name="watchlist"[^>]*>(.*?)</textarea>', page, re.S)
    alerts_text = re.search(r'<textarea name="alerts"[^>]*>(.*?)</textarea>', page, re.S)
    assert watchlist and alerts_text
    import html

    bad = admin.post(
        "/settings",
        data={
            "organisation": "Diskominfo Uji",
            "watchlist": '[[watchlist]]\nid = "x"\nnama = "y"\n',
            "alerts": html.unescape(alerts_text.group(1)),
            "csrf_token": token,
        },
    )
    assert bad.status_code == 400 and "watchlist" in bad.text and "Tidak ada yang disimpan" in bad.text
    before = web_ws.settings.config_path.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert "Diskominfo Uji" not in before
    good = admin.post(
        "/settings",
        data={
            "organisation": "Diskominfo Uji",
            "watchlist": html.unescape(watchlist.group(1)),
            "alerts": html.unescape(alerts_text.group(1)),
            "csrf_token": token,
        },
    )
    assert good.status_code == 200 and "Diskominfo Uji" in good.text
    assert 'name = "Diskominfo Uji"' in web_ws.settings.config_path.read_text(encoding="utf-8")  # type: ignore[union-attr]
    assert (
        viewer.post(
            "/settings", data={"organisation": "x", "csrf_token": csrf(viewer)}, follow_redirects=False
        ).status_code
        == 403
    )


def test_not_logged_in_goes_to_login(web_app: object) -> None:
    anonymous = TestClient(web_app)  # type: ignore[arg-type]
    response = anonymous.get("/mentions", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert anonymous.get("/static/vendor/htmx-2.0.11.min.js").status_code == 200
