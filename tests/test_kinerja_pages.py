"""Kinerja pages, API and exports: who sees which scorecard (pages, API, PDF, XLSX), forms, hall of fame."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from kinerjahelpers import PASSWORD, Office, seed_office
from openpyxl import load_workbook
from webhelpers import HOSTILE

from gaung.config import Settings
from gaung.kinerja import rating
from gaung.kinerja.scorecards import INDICATORS
from gaung.store.db import transaction
from gaung.store.schema import posts, skp_reviews, skp_targets
from gaung.store.users import add_user
from gaung.web.app import create_app
from gaung.web.routes.kinerja import FORMULAS, RATING_REASONS, RHK_LABELS
from gaung.workspace import Workspace

JUNE = "2025-06"
LOGINS = ("kabid", "budi", "sari", "rina", "admin", "analis", "pembaca")


def _login(client: TestClient, name: str) -> TestClient:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text[:300]
    response = client.post(
        "/login",
        data={"username": name, "password": PASSWORD, "csrf_token": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    return client


def _csrf(client: TestClient, path: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert match
    return match.group(1)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Office]]:
    root = tmp_path_factory.mktemp("kinerja")
    ws = Workspace(Settings(home=root / "home", database_url=f"sqlite:///{root / 'gaung.db'}"))
    office = seed_office(ws.engine)
    with transaction(ws.engine) as conn:
        add_user(conn, "analis", PASSWORD, "analyst")  # no staff record
        add_user(conn, "pembaca", PASSWORD, "viewer")
        conn.execute(sa.update(posts).where(posts.c.id == office.posts["P2"]).values(title=f"Awas {HOSTILE}"))
    yield ws, office
    ws.engine.dispose()


@pytest.fixture(scope="module")
def users(site: tuple[Workspace, Office]) -> Iterator[dict[str, TestClient]]:
    app = create_app(site[0])
    made = {name: _login(TestClient(app), name) for name in LOGINS}
    yield made
    for client in made.values():
        client.close()


@pytest.fixture(scope="module")
def office(site: tuple[Workspace, Office]) -> Office:
    return site[1]


def _people(client: TestClient, period: str = JUNE) -> set[str]:
    response = client.get(f"/api/scorecards?period={period}")
    assert response.status_code == 200, response.text
    return {card["person"] for card in response.json()}


def _xlsx_people(client: TestClient) -> tuple[set[str], object]:
    response = client.get(f"/kinerja/team.xlsx?period={JUNE}")
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["Kinerja"].iter_rows(values_only=True))
    return {row[1] for row in rows[1:]}, book


# -- who sees what ----------------------------------------------------------------------------------


def test_staff_see_only_their_own(users: dict[str, TestClient], office: Office) -> None:
    budi = users["budi"]
    page = budi.get(f"/kinerja?period={JUNE}")
    assert page.status_code == 200
    assert 'data-testid="my-scorecard"' in page.text and 'data-testid="team-scorecards"' not in page.text
    assert ">Kinerja</a>" in page.text  # the menu entry, in Indonesian
    assert budi.get(f"/kinerja/{office.staff['Budi']}/{JUNE}").status_code == 200
    for other in ("Sari", "Kabid", "Rina"):
        staff_id = office.staff[other]
        assert budi.get(f"/kinerja/{staff_id}/{JUNE}").status_code == 403
        assert budi.get(f"/kinerja/{staff_id}/{JUNE}/scorecard.pdf").status_code == 403
        assert budi.get(f"/api/scorecards/{staff_id}?period={JUNE}").status_code == 403
    assert _people(budi) == {"Budi"}
    assert _xlsx_people(budi)[0] == {"Budi"}
    assert budi.get(f"/kinerja/999999/{JUNE}").status_code == 404
    assert budi.get(f"/api/scorecards/999999?period={JUNE}").status_code == 404


def test_supervisors_see_their_team_and_admins_everyone(users: dict[str, TestClient], office: Office) -> None:
    team = {"Kabid", "Budi", "Sari", "Joko"}
    kabid = users["kabid"]
    assert _people(kabid) == team
    assert _xlsx_people(kabid)[0] == team
    page = kabid.get(f"/kinerja?period={JUNE}")
    assert 'data-testid="team-scorecards"' in page.text and "Rina" not in page.text
    assert kabid.get(f"/kinerja/{office.staff['Rina']}/{JUNE}").status_code == 403
    assert kabid.get(f"/api/scorecards/{office.staff['Rina']}?period={JUNE}").status_code == 403
    assert kabid.get(f"/kinerja/{office.staff['Rina']}/{JUNE}/scorecard.pdf").status_code == 403
    admin = users["admin"]
    everyone = team | {"Rina"}
    assert _people(admin) == everyone
    people, book = _xlsx_people(admin)
    assert people == everyone
    evidence = list(book["Bukti dukung"].iter_rows(values_only=True))  # type: ignore[attr-defined]
    assert any(str(row[5]).endswith(f"/content/posts/{office.posts['P1']}") for row in evidence[1:])
    about = dict(book["Tentang"].iter_rows(values_only=True))  # type: ignore[attr-defined]
    assert about["periode"] == JUNE and about["diekspor_oleh"] == "admin"
    assert admin.get(f"/kinerja/{office.staff['Rina']}/{JUNE}").status_code == 200
    # Joko left on 15 June: a June scorecard, none for July
    assert admin.get(f"/kinerja/{office.staff['Joko']}/{JUNE}").status_code == 200
    assert admin.get(f"/kinerja/{office.staff['Joko']}/2025-07").status_code == 404
    assert "Joko" not in _people(admin, "2025-07")


def test_logins_without_a_staff_record_and_viewers(users: dict[str, TestClient], office: Office) -> None:
    analis = users["analis"]
    page = analis.get(f"/kinerja?period={JUNE}")
    assert page.status_code == 200 and 'data-testid="no-staff-record"' in page.text
    assert _people(analis) == set()
    assert analis.get(f"/kinerja/{office.staff['Budi']}/{JUNE}").status_code == 403
    viewer = users["pembaca"]
    assert ">Kinerja</a>" not in viewer.get("/").text
    assert viewer.get("/kinerja").status_code == 403
    assert viewer.get(f"/api/scorecards?period={JUNE}").status_code == 403
    assert viewer.get(f"/kinerja/team.xlsx?period={JUNE}").status_code == 403
    anonymous = TestClient(users["budi"].app)
    assert anonymous.get("/api/scorecards").status_code == 401


def test_bad_periods_are_400_with_the_reason(users: dict[str, TestClient], office: Office) -> None:
    budi = users["budi"]
    for url in (
        "/kinerja?period=2025-13",
        f"/kinerja/{office.staff['Budi']}/2025-Q5",
        "/kinerja/team.xlsx?period=2025-00",
    ):
        response = budi.get(url)
        assert response.status_code == 400, url
    api = budi.get("/api/scorecards?period=2025-13")  # refused by the documented pattern
    assert api.status_code == 422 and api.json()["detail"][0]["loc"] == ["query", "period"]


# -- the scorecard page, PDF, API ----------------------------------------------------------------------


def test_scorecard_page_shows_evidence_escaped(users: dict[str, TestClient], office: Office) -> None:
    page = users["budi"].get(f"/kinerja/{office.staff['Budi']}/{JUNE}")
    assert page.status_code == 200
    assert f'href="/content/posts/{office.posts["P1"]}"' in page.text
    assert f'href="/assignments/{office.assignments["A2"]}"' in page.text
    assert "<script>alert" not in page.text and "&lt;script&gt;" in page.text
    assert "di bawah ekspektasi" in page.text and "4 dari 5 indikator" in page.text
    assert 'data-testid="targets-form"' not in page.text  # nobody sets their own targets
    pdf = users["budi"].get(f"/kinerja/{office.staff['Budi']}/{JUNE}/scorecard.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    if shutil.which("pdftotext"):  # poppler-utils (make system-deps); the PDF itself never needs it
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
        ).stdout.decode()
        assert "Pejabat Penilai Kinerja" in text and "Pegawai yang Dinilai" in text  # signed on paper


def test_api_detail_has_evidence_and_nulls(users: dict[str, TestClient], office: Office) -> None:
    card = users["admin"].get(f"/api/scorecards/{office.staff['Rina']}?period={JUNE}").json()
    by_name = {i["name"]: i for i in card["indicators"]}
    assert by_name["posts_published"]["realisation"] == 0
    assert by_name["median_engagement_rate"]["realisation"] is None
    assert by_name["median_engagement_rate"]["status"] == "no_data"
    budi = users["budi"].get(f"/api/scorecards/{office.staff['Budi']}?period={JUNE}").json()
    reach = next(i for i in budi["indicators"] if i["name"] == "total_reach")
    assert {e["url"] for e in reach["evidence"]} == {
        f"/content/posts/{office.posts[k]}" for k in ("P1", "P2", "P5")
    }
    assert budi["rating_reason"].startswith("Below expectations")


# -- targets and reviews through the forms -----------------------------------------------------------


def test_targets_form_saves_all_or_nothing(
    users: dict[str, TestClient], site: tuple[Workspace, Office]
) -> None:
    ws, office = site
    kabid, budi_id = users["kabid"], office.staff["Budi"]
    path = f"/kinerja/{budi_id}/{JUNE}"
    page = kabid.get(path)
    assert 'data-testid="targets-form"' in page.text and 'data-testid="review-form"' in page.text
    token = _csrf(kabid, path)
    form = {
        "csrf_token": token,
        "target_posts_published": "2",
        "rhk_posts_published": "Konten program prioritas",
    }
    saved = kabid.post(f"{path}/targets", data=form, follow_redirects=False)
    assert saved.status_code == 303
    card = kabid.get(f"/api/scorecards/{budi_id}?period={JUNE}").json()
    posts_published = card["indicators"][0]
    assert posts_published["target"] == 2 and posts_published["capaian"] == pytest.approx(
        (0.4 / 0.7 + 2) / 2 * 100, abs=0.1
    )
    bad = {"csrf_token": token, "target_posts_published": "5", "target_total_reach": "banyak"}
    refused = kabid.post(f"{path}/targets", data=bad)
    assert refused.status_code == 400 and "banyak" in refused.text
    with ws.engine.connect() as conn:  # the refused form changed nothing
        stored = conn.execute(sa.select(skp_targets.c.indicator, skp_targets.c.target)).all()
    assert [(r.indicator, r.target) for r in stored] == [("posts_published", 2.0)]
    # not a supervisor of Budi: refused, and on one's own page too
    sari = users["sari"]
    assert (
        sari.post(f"{path}/targets", data={**form, "csrf_token": _csrf(sari, "/kinerja")}).status_code == 403
    )
    own = f"/kinerja/{office.staff['Kabid']}/{JUNE}"
    assert kabid.post(f"{own}/targets", data=form).status_code == 403
    assert kabid.post(f"{path}/targets", data={"target_posts_published": "9"}).status_code == 403  # no CSRF


def test_review_form_and_self_review_refused(
    users: dict[str, TestClient], site: tuple[Workspace, Office]
) -> None:
    ws, office = site
    kabid, budi_id = users["kabid"], office.staff["Budi"]
    path = f"/kinerja/{budi_id}/{JUNE}"
    form = {
        "csrf_token": _csrf(kabid, path),
        "rating_perilaku": "di atas",
        "feedback": "Pertahankan kecepatan respons.",
    }
    assert kabid.post(f"{path}/review", data=form, follow_redirects=False).status_code == 303
    page = users["budi"].get(path)
    assert "Pertahankan kecepatan respons." in page.text
    assert re.search(r'data-testid="predikat">\s*Butuh Perbaikan', page.text)  # di bawah × di atas
    assert kabid.post(f"/kinerja/{office.staff['Kabid']}/{JUNE}/review", data=form).status_code == 403
    budi = users["budi"]
    mine = {**form, "csrf_token": _csrf(budi, path)}
    assert budi.post(f"{path}/review", data=mine).status_code == 403
    with ws.engine.connect() as conn:
        reviews = conn.execute(sa.select(skp_reviews.c.staff_id, skp_reviews.c.reviewed_by)).all()
    assert [(r.staff_id, r.reviewed_by) for r in reviews] == [(budi_id, "kabid")]


# -- dashboard and catalogue --------------------------------------------------------------------------


def test_hall_of_fame_on_the_dashboard_and_kinerja_page(users: dict[str, TestClient], office: Office) -> None:
    for page in (users["pembaca"].get("/"), users["budi"].get(f"/kinerja?period={JUNE}")):
        assert page.status_code == 200
        assert 'data-testid="hall-of-fame"' in page.text
    kinerja = users["budi"].get(f"/kinerja?period={JUNE}").text
    fame = kinerja[kinerja.index('data-testid="hall-of-fame"') :]
    top = fame[fame.index('data-testid="award-top_reach"') :]
    assert "Budi" in top[:400] and f'href="/content/posts/{office.posts["P2"]}"' in top[:1500]
    fastest = fame[fame.index('data-testid="award-fastest_response"') :]
    assert f'href="/assignments/{office.assignments["A2"]}"' in fastest[:1500]


def test_ui_strings_match_the_library() -> None:
    assert {key: d.formula for key, d in INDICATORS.items()} == FORMULAS
    assert set(RATING_REASONS) == set(rating.REASONS)
    assert {d.rhk for d in INDICATORS.values()} <= set(RHK_LABELS)


# -- fixes: the targets form keeps targets, the month shown, the most-improved wording ----------------


def test_editing_only_the_rencana_hasil_kerja_keeps_the_target(
    users: dict[str, TestClient], site: tuple[Workspace, Office]
) -> None:
    """An empty target box keeps the target in force (own, else the office default); removing a target
    or going back to the default is an explicit choice."""
    _, office = site
    kabid, sari_id = users["kabid"], office.staff["Sari"]
    path = f"/kinerja/{sari_id}/{JUNE}"
    page = kabid.get(path).text
    assert 'data-testid="choice-total_reach"' in page and "kembalikan ke target bawaan kantor" in page
    token = _csrf(kabid, path)

    def targets() -> dict[str, tuple[float | None, str]]:
        card = kabid.get(f"/api/scorecards/{sari_id}?period={JUNE}").json()
        return {i["name"]: (i["target"], i["target_source"]) for i in card["indicators"]}

    def save(**fields: str) -> None:
        done = kabid.post(f"{path}/targets", data={"csrf_token": token, **fields}, follow_redirects=False)
        assert done.status_code == 303, done.text[:500]

    save(target_posts_published="5")
    # only the wording typed: the office default (20.000) and the target of 5 stay in force
    save(rhk_total_reach="Jangkauan konten layanan publik", rhk_posts_published="Konten layanan")
    assert targets()["total_reach"] == (20000, "set") and targets()["posts_published"] == (5, "set")
    card = kabid.get(f"/api/scorecards/{sari_id}?period={JUNE}").json()
    assert {i["name"]: i["rhk"] for i in card["indicators"]}[
        "total_reach"
    ] == "Jangkauan konten layanan publik"
    save(choice_median_engagement_rate="none", target_median_engagement_rate="4")  # the choice wins
    assert targets()["median_engagement_rate"] == (None, "none")
    save(choice_posts_published="default")
    assert targets()["posts_published"] == (8, "default")
    refused = kabid.post(f"{path}/targets", data={"csrf_token": token, "choice_total_reach": "semua"})
    assert refused.status_code == 400 and targets()["total_reach"] == (20000, "set")


def test_the_default_month_is_the_one_being_judged_and_most_improved_says_how(
    users: dict[str, TestClient], site: tuple[Workspace, Office]
) -> None:
    """The newest post is of July, but June is the month with targets: pages, dashboard and API default
    to June. "Most improved" says it compares capped capaian over the indicators of both months."""
    from gaung.kinerja.reviews import set_target
    from gaung.store.users import User, get_user_row

    ws, office = site
    with ws.engine.connect() as conn:
        row = get_user_row(conn, "kabid")
    kabid = User(id=int(row["id"]), name="kabid", role=row["role"])
    with transaction(ws.engine) as conn:
        set_target(conn, office.staff["Budi"], JUNE, "total_reach", 3000, user=kabid)
    admin = users["admin"]
    assert {card["period"] for card in admin.get("/api/scorecards").json()} == {JUNE}
    dashboard = users["pembaca"].get("/").text
    assert re.search(r'data-testid="hall-of-fame">\s*<h2>[^<]*· 2025-06</h2>', dashboard)
    assert re.search(
        r'data-testid="hall-of-fame">\s*<h2>[^<]*· 2025-06</h2>', users["budi"].get("/kinerja").text
    )
    with transaction(ws.engine) as conn:  # July targets Budi meets exactly: a real improvement on June
        for indicator, target in (
            ("posts_published", 1),
            ("total_reach", 700),
            ("median_engagement_rate", 1),
        ):
            set_target(conn, office.staff["Budi"], "2025-07", indicator, target, user=kabid)
    july = users["budi"].get("/kinerja?period=2025-07").text
    improved = july[july.index('data-testid="award-most_improved"') :][:600]
    assert (
        "Budi" in improved
        and "indikator yang terukur di kedua bulan, masing-masing dibatasi 150%" in improved
    )
