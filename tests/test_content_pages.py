"""Konten and Apa yang berhasil: pages and API over a few stored posts (Indonesian, escaped, no 500s)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from webhelpers import HOSTILE, PASSWORD, csrf, login

from gaung.content import metrics
from gaung.content.model import ChannelRef, FollowerPoint, ParsedExport, ParsedPost
from gaung.content.store import save_export
from gaung.store.db import transaction
from gaung.store.users import add_user
from gaung.web.routes.content import FORMULAS
from gaung.workspace import Workspace

OWN = ChannelRef(platform="instagram", key="uji-diskominfo", name="Diskominfo Uji", handle="diskominfo_uji")
PUBLISHED = datetime(2025, 6, 2, 3, 0)  # 10:00 WIB on a Monday


def _post(external_id: str, caption: str, **fields: object) -> ParsedPost:
    metrics_ = fields.pop("metrics", {})
    return ParsedPost(
        channel=OWN, external_id=external_id, where="uji.csv:2", caption=caption, metrics=metrics_, **fields
    )  # type: ignore[arg-type]


def _export(
    captured_at: datetime, posts: list[ParsedPost], followers: list[FollowerPoint] = ()
) -> ParsedExport:  # type: ignore[assignment]
    return ParsedExport(
        format="instagram_posts",
        captured_at=captured_at,
        rows_read=len(posts),
        posts=posts,
        followers=list(followers),
    )


@pytest.fixture(scope="module")
def content_ids(web_ws: Workspace) -> dict[str, int]:
    """Six posts: one with a first-day snapshot, one impressions-only, one with reach 0, one hostile,
    one without metrics, and a handful of reels for the what-works groups."""
    early = {"views": 900, "reach": 600, "likes": 60, "comments": 6, "shares": 9, "saves": 3}
    later = {"views": 3000, "reach": 2000, "likes": 150, "comments": 20, "shares": 30, "saves": 10}
    posts = [
        _post(
            "uji-1",
            "Banjir rob di Muara Angke #JakartaSiaga",
            published_at=PUBLISHED,
            format="reel",
            duration_seconds=42,
            metrics=early,
        ),
        _post(
            "uji-2",
            "Arsip lama: impresi saja",
            published_at=PUBLISHED - timedelta(days=400),
            format="photo",
            metrics={"impressions": 5000, "reach": 900, "likes": 40, "comments": 2},
        ),
        _post(
            "uji-3",
            "Jangkauan nol",
            published_at=PUBLISHED + timedelta(days=1),
            format="photo",
            metrics={"views": 10, "reach": 0, "likes": 1},
        ),
        _post(
            "uji-4",
            f"Awas {HOSTILE}",
            published_at=PUBLISHED + timedelta(days=2),
            format="carousel",
            metrics={"views": 50, "reach": 40, "likes": 2},
        ),
        _post("uji-5", "Belum ada metrik", published_at=PUBLISHED + timedelta(days=3), format="text"),
        *[
            _post(
                f"uji-r{i}",
                "Reels pelayanan publik " * i,
                published_at=PUBLISHED + timedelta(days=4 + i),
                format="reel",
                duration_seconds=10 * i,
                metrics={"views": 100 * i, "reach": 80 * i, "likes": 5 * i},
            )
            for i in range(1, 5)
        ],
    ]
    followers = [FollowerPoint(channel=OWN, day=date(2025, 6, 1), followers=10_000)]
    with transaction(web_ws.engine) as conn:
        save_export(conn, _export(PUBLISHED + timedelta(hours=23), posts, followers), path="uji-1.csv")
        again = [
            _post(
                "uji-1",
                "Banjir rob di Muara Angke #JakartaSiaga",
                published_at=PUBLISHED,
                format="reel",
                duration_seconds=42,
                metrics=later,
            )
        ]
        save_export(conn, _export(PUBLISHED + timedelta(days=7), again), path="uji-2.csv")
        add_user(conn, "staff", PASSWORD, "staff")
    from gaung.content import list_posts

    with web_ws.engine.connect() as conn:
        return {row["external_id"]: row["id"] for row in list_posts(conn)}


@pytest.fixture(scope="module")
def staff(web_app: object) -> Iterator[TestClient]:
    client = TestClient(web_app)  # type: ignore[arg-type]
    yield client
    client.close()


def test_content_page_lists_channels_and_posts_in_indonesian(
    viewer: TestClient, content_ids: dict[str, int]
) -> None:
    page = viewer.get("/content")
    assert page.status_code == 200, page.text[:500]
    assert '<html lang="id">' in page.text and "Konten" in page.text and "Apa yang berhasil" in page.text
    assert "Diskominfo Uji" in page.text and page.text.count('data-testid="post-row"') == 9
    assert "&lt;script&gt;alert" in page.text and "<script>alert" not in page.text  # captions are hostile
    assert 'data-testid="formula-engagement_rate_reach"' in page.text
    assert "Tingkat interaksi per jangkauan = interaksi ÷ jangkauan × 100" in page.text  # tooltip, translated
    cells = re.findall(r'<td class="num"[^>]*>([^<]*)<', page.text)
    assert cells and not {"inf", "nan", "0.00%"} & {c.strip() for c in cells}  # "—", never inf or 0
    assert "Impor ekspor platform" not in page.text  # viewers do not import


def test_posts_table_sorts_and_filters(viewer: TestClient, content_ids: dict[str, int]) -> None:
    by_views = viewer.get("/content", params={"sort": "views", "order": "desc"}).text
    order = re.findall(r'href="/content/posts/(\d+)"', by_views)
    assert order[0] == str(content_ids["uji-1"])  # 3000 views
    assert order[-1] in {str(content_ids["uji-2"]), str(content_ids["uji-5"])}  # no views: last, not 0
    ascending = re.findall(
        r'href="/content/posts/(\d+)"', viewer.get("/content", params={"sort": "views", "order": "asc"}).text
    )
    assert ascending[0] == str(content_ids["uji-3"]) and ascending[-1] in {
        str(content_ids["uji-2"]),
        str(content_ids["uji-5"]),
    }
    reels = viewer.get("/content", params={"format": "reel"}).text
    assert reels.count('data-testid="post-row"') == 5
    assert viewer.get("/content", params={"q": "muara"}).text.count('data-testid="post-row"') == 1
    assert viewer.get("/content", params={"sort": "bogus"}).status_code == 400
    assert viewer.get("/content", params={"scope": "reference"}).text.count('data-testid="post-row"') == 0


def test_post_detail_shows_formulas_history_and_early_velocity(
    viewer: TestClient, content_ids: dict[str, int]
) -> None:
    page = viewer.get(f"/content/posts/{content_ids['uji-1']}")
    assert page.status_code == 200, page.text[:500]
    assert page.text.count('data-testid="snapshot-row"') == 2 and 'id="history-chart"' in page.text
    velocity = page.text.split('data-testid="metric-early_velocity"')[1].split("</tr>")[0]
    assert "900" in velocity and "23.0" in velocity  # the 23-hour snapshot, not the 7-day one
    assert "10.50%" in page.text  # ER by reach of the latest snapshot: 210 ÷ 2000 × 100
    assert "jakartasiaga" in page.text  # suggested topic from the hashtag
    impressions = viewer.get(f"/content/posts/{content_ids['uji-2']}").text
    assert "hanya impresi yang dilaporkan" in impressions
    zero = viewer.get(f"/content/posts/{content_ids['uji-3']}").text
    assert "jangkauan bernilai 0" in zero
    empty = viewer.get(f"/content/posts/{content_ids['uji-5']}")
    assert empty.status_code == 200 and 'data-testid="no-snapshots"' in empty.text
    assert viewer.get("/content/posts/999999").status_code == 404
    assert viewer.get("/content/posts/abc").status_code == 404


def test_what_works_shows_medians_with_intervals(viewer: TestClient, content_ids: dict[str, int]) -> None:
    page = viewer.get("/content/what-works", params={"metric": "views"})
    assert page.status_code == 200, page.text[:500]
    assert "Apa yang berhasil" in page.text and "Median [interval 95%]" in page.text
    assert 'id="data-format"' in page.text and "/static/content.js" in page.text
    fmt = page.text.split('data-testid="dimension-format"')[1].split("</section>")[0]
    assert "[" in fmt and "n=1, tanpa interval" in fmt  # reels have an interval; the carousel is alone
    assert "Senin" in page.text  # weekday in Indonesian
    assert 'data-testid="top-row"' in page.text and 'data-testid="benchmark-row"' in page.text
    assert viewer.get("/content/what-works", params={"metric": "bogus"}).status_code == 400
    rates = viewer.get("/content/what-works", params={"metric": "engagement_rate_views"}).text
    assert "hanya impresi yang dilaporkan" in rates  # the impressions-only post is left out, with a reason


def test_admin_adds_a_reference_account(
    admin: TestClient, analyst: TestClient, content_ids: dict[str, int]
) -> None:
    form = {"platform": "tiktok", "name": "Mak Betty", "handle": "@makbetty"}
    refused = analyst.post(
        "/content/channels", data={**form, "csrf_token": csrf(analyst)}, follow_redirects=False
    )
    assert refused.status_code == 403
    assert (
        admin.post("/content/channels", data=form, follow_redirects=False).status_code == 403
    )  # no CSRF token
    done = admin.post("/content/channels", data={**form, "csrf_token": csrf(admin)}, follow_redirects=False)
    assert done.status_code == 303
    page = admin.get("/content").text
    assert "Mak Betty" in page and "akun rujukan" in page
    channels = admin.get("/api/content/channels").json()["items"]
    assert any(c["name"] == "Mak Betty" and c["is_reference"] for c in channels)
    bad = admin.post(
        "/content/channels", data={"platform": "myspace", "name": "x", "csrf_token": csrf(admin)}
    )
    assert bad.status_code == 400


def test_upload_needs_staff_and_reports(
    staff: TestClient, viewer: TestClient, content_ids: dict[str, int]
) -> None:
    login(staff, "staff")
    csv = (
        b'"Post ID","Account ID","Account username","Account name",Description,"Duration (sec)","Publish time",'
        b'Permalink,"Post type","Data comment",Date,Views,Reach,Likes,Shares,Follows,Comments,Saves\n'
        b'"90001","555","diskominfo_uji","Diskominfo Uji","Unggahan uji",0,"06/20/2025 09:00",'
        b'"https://www.instagram.com/p/UJI1/","IG image",,"Lifetime",1200,800,90,4,1,7,5\n'
    )
    refused = viewer.post(
        "/content/import", files={"export": ("a.csv", csv)}, data={"csrf_token": csrf(viewer)}
    )
    assert refused.status_code == 403
    done = staff.post(
        "/content/import", files={"export": ("posts.csv", csv)}, data={"csrf_token": csrf(staff)}
    )
    assert done.status_code == 200, done.text[:800]
    assert 'data-testid="import-report"' in done.text and "posts.csv" in done.text
    unrelated = staff.post(
        "/content/import", files={"export": ("x.csv", b"a,b,c\n1,2,3\n")}, data={"csrf_token": csrf(staff)}
    )
    assert unrelated.status_code == 400 and 'data-testid="problem"' in unrelated.text


def test_api_serves_the_same_data(viewer: TestClient, content_ids: dict[str, int]) -> None:
    listing = viewer.get("/api/content/posts", params={"sort": "views", "limit": 3}).json()
    assert listing["total"] >= 9 and len(listing["items"]) == 3
    first = listing["items"][0]
    assert first["metrics"]["engagement_rate_reach"]["formula"].startswith("Engagement rate by reach =")
    detail = viewer.get(f"/api/content/posts/{content_ids['uji-1']}").json()
    assert detail["early_velocity"]["value"] == 900 and len(detail["history"]) == 2
    assert detail["metrics"]["engagement_rate_followers"]["value"] == pytest.approx(210 / 10_000 * 100)
    old = viewer.get(f"/api/content/posts/{content_ids['uji-2']}").json()
    assert old["metrics"]["virality"]["value"] is None and old["metrics"]["virality"]["display"] == "—"
    history = viewer.get(f"/api/content/posts/{content_ids['uji-1']}/history").json()
    assert [h["counts"]["views"] for h in history] == [900, 3000]
    assert viewer.get("/api/content/posts/999999").status_code == 404
    assert viewer.get("/api/content/posts/999999/history").status_code == 404
    works = viewer.get("/api/content/what-works", params={"metric": "views"}).json()
    reel = next(g for g in works["tables"]["format"] if g["key"] == "reel")
    assert reel["n"] == 5 and reel["low"] <= reel["median"] <= reel["high"]
    assert works["formula"] and works["top_posts"]
    assert viewer.get("/api/content/what-works", params={"month": "2025-13"}).status_code == 422
    spec = viewer.get("/openapi.json").json()["paths"]
    assert {"/api/content/posts", "/api/content/posts/{post_id}", "/api/content/what-works"} <= set(spec)
    assert TestClient(viewer.app).get("/api/content/posts").status_code == 401  # type: ignore[arg-type]


def test_tooltip_formulas_are_the_docstrings() -> None:
    for key, text in FORMULAS.items():
        expected = (
            metrics.explanation(key)
            if key != "engagements"
            else " ".join((metrics.engagements.__doc__ or "").split())
        )
        assert text == expected, key


def test_an_export_over_the_form_limit_can_still_be_uploaded(web_app: object) -> None:
    """Forms stop at 1 MB, but platform exports are bigger: the upload endpoint has its own limit."""
    from gaung.web.auth import MAX_BODY_BYTES, UPLOAD_BODY_BYTES

    config = web_app.state.auth  # type: ignore[attr-defined]
    assert config.body_limit("/content/import") == UPLOAD_BODY_BYTES["/content/import"] > MAX_BODY_BYTES
    assert config.body_limit("/settings") == MAX_BODY_BYTES
