"""Penugasan pages and JSON API: board, list, detail, forms, permissions (viewers read, staff change),
CSRF on every POST, the audit log, and refusals shown as 400/404/409 instead of 500s.

The app runs over its own small workspace (an issue with its mentions, a good story, a real sample
export of Instagram posts, a team), so other web tests' counts are not disturbed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from test_assignments import FIRST_MENTION, IG_EXPORT, IG_POST, add_issue
from webhelpers import HOSTILE, PASSWORD, csrf, login

from gaung.config import settings_from_toml
from gaung.content.importers import import_file
from gaung.demo import DEMO_DIR
from gaung.kinerja.board import get_assignment
from gaung.kinerja.staff import add_staff, mark_left
from gaung.store.db import transaction
from gaung.store.schema import assignments, posts
from gaung.store.users import add_user, create_token, list_audit
from gaung.web.app import create_app
from gaung.workspace import Workspace

ROLES = ("viewer", "staff", "analyst", "admin")
EXTRA_STAFF = ("uji-yoga", "uji-dimas")  # staff logins on no assignment of Sari's (Rina supervises all)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    root: Path = tmp_path_factory.mktemp("penugasan")
    settings = settings_from_toml(DEMO_DIR / "gaung.toml")
    settings.home = root / "home"
    settings.database_url = f"sqlite:///{root / 'gaung.db'}"
    ws = Workspace(settings)
    import_file(ws.engine, IG_EXPORT)
    with transaction(ws.engine) as conn:
        for role in ROLES:
            add_user(conn, f"uji-{role}", PASSWORD, role)
        _, token = create_token(conn, "uji-staff", "uji api")
        _, viewer_token = create_token(conn, "uji-viewer", "uji api")
        for extra in EXTRA_STAFF:
            add_user(conn, extra, PASSWORD, "staff")
        head = add_staff(conn, "Rina Kusuma", user_name="uji-analyst", position="Kepala Seksi")
        writer = add_staff(conn, "Sari Wulandari", user_name="uji-staff", supervisor=head)
        yoga = add_staff(conn, "Yoga Firmansyah", user_name="uji-yoga", supervisor=head)
        dimas = add_staff(conn, "Dimas Prasetyo", user_name="uji-dimas", supervisor=head)
        leaver = add_staff(conn, "Bayu Pratama", supervisor=head)
        mark_left(conn, leaver, datetime(2025, 6, 30).date())
        issue_id = add_issue(conn, f"banjir {HOSTILE}", [FIRST_MENTION, FIRST_MENTION + timedelta(hours=2)])
        story_id = add_issue(conn, "festival", [FIRST_MENTION], tone="positive")
    app = create_app(ws)
    clients = {role: login(TestClient(app), f"uji-{role}") for role in ROLES}
    clients.update({name.removeprefix("uji-"): login(TestClient(app), name) for name in EXTRA_STAFF})
    yield {
        "ws": ws,
        "clients": clients,
        "app": app,
        "token": token,
        "viewer_token": viewer_token,
        "issue": issue_id,
        "story_issue": story_id,
        "writer": writer,
        "yoga": yoga,
        "dimas": dimas,
        "leaver": leaver,
    }
    for client in clients.values():
        client.close()
    ws.engine.dispose()


def _client(site: dict[str, object], role: str) -> TestClient:
    return site["clients"][role]  # type: ignore[index,no-any-return]


def _create_from_issue(site: dict[str, object], **extra: str) -> int:
    staff = _client(site, "staff")
    form = {
        "csrf_token": csrf(staff, "/assignments/new"),
        "issue_id": str(site["issue"]),
        "kind": "klarifikasi",
        "brief": "Jelaskan penanganan banjir.",
        "due_date": "2025-06-22",
        "member": [str(site["writer"]), ""],
        "role": ["writer", "designer"],
        **extra,
    }
    done = staff.post("/assignments", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text[:800]
    assignment_id = int(done.headers["location"].rsplit("/", 1)[1])
    _backdate(site, assignment_id)
    return assignment_id


def _backdate(site: dict[str, object], assignment_id: int) -> None:
    """As if created when the issue broke (June 2025): the sample posts are its outputs, not 30+ days older."""
    with transaction(site["ws"].engine) as conn:  # type: ignore[attr-defined]
        conn.execute(
            sa.update(assignments).where(assignments.c.id == assignment_id).values(created_at=FIRST_MENTION)
        )


def test_create_from_issue_page_and_move_on_board(site: dict[str, object]) -> None:
    staff, viewer = _client(site, "staff"), _client(site, "viewer")
    issue_page = staff.get(f"/issues/{site['issue']}").text
    assert f'href="/assignments/new?issue={site["issue"]}"' in issue_page
    assert "/assignments/new" not in viewer.get(f"/issues/{site['issue']}").text  # viewers only read
    form = staff.get(f"/assignments/new?issue={site['issue']}")
    assert form.status_code == 200 and 'data-testid="origin"' in form.text
    assert HOSTILE not in form.text and "&lt;script&gt;" in form.text  # the issue label is escaped
    assignment_id = _create_from_issue(site)
    page = viewer.get(f"/assignments/{assignment_id}")
    assert page.status_code == 200
    assert "Klarifikasi: banjir" in page.text and HOSTILE not in page.text
    assert 'data-testid="event"' in page.text and "Sari Wulandari" in page.text
    assert "Penugasan" in page.text  # Indonesian by default (nav and crumbs)
    assert 'data-testid="move-dikerjakan"' not in page.text  # viewers get no move buttons
    answered = viewer.get(f"/issues/{site['issue']}").text  # the issue page lists its answers
    assert re.search(
        rf'data-testid="issue-assignments".*?href="/assignments/{assignment_id}"', answered, re.S
    )

    board = viewer.get("/assignments").text
    assert re.search(rf'data-testid="column-ide".*?data-id="{assignment_id}"', board, re.S)
    token = csrf(staff, "/assignments")
    moved = staff.post(
        f"/assignments/{assignment_id}/move",
        data={"csrf_token": token, "status": "dikerjakan", "next": "/assignments?view=board"},
        headers={"HX-Request": "true"},
    )
    assert moved.status_code == 200 and 'id="board"' in moved.text
    assert re.search(rf'data-testid="column-dikerjakan".*?data-id="{assignment_id}"', moved.text, re.S)
    refused = staff.post(
        f"/assignments/{assignment_id}/move",
        data={"csrf_token": token, "status": "selesai", "next": "/assignments"},
    )
    assert refused.status_code == 400 and 'data-testid="problem"' in refused.text
    assert "terbit" in refused.text
    with site["ws"].engine.connect() as conn:  # type: ignore[attr-defined]
        actions = [(e["action"], e["user_name"]) for e in list_audit(conn, limit=20)]
    assert ("assignment.create", "uji-staff") in actions and ("assignment.move", "uji-staff") in actions


def test_detail_comments_outputs_with_reach_and_time_to_respond(site: dict[str, object]) -> None:
    staff = _client(site, "staff")
    assignment_id = _create_from_issue(site)
    token = csrf(staff, f"/assignments/{assignment_id}")
    for body in ("Draf pertama siap.", f"Komentar {HOSTILE}"):
        ok = staff.post(
            f"/assignments/{assignment_id}/comments",
            data={"csrf_token": token, "body": body},
            follow_redirects=False,
        )
        assert ok.status_code == 303
    empty = staff.post(f"/assignments/{assignment_id}/comments", data={"csrf_token": token, "body": "  "})
    assert empty.status_code == 400 and 'data-testid="problem"' in empty.text
    linked = staff.post(
        f"/assignments/{assignment_id}/outputs",
        data={"csrf_token": token, "url": "https://m.instagram.com/p/SYNTH00107?igsh=wa", "kind": "post"},
        follow_redirects=False,
    )
    assert linked.status_code == 303
    staff.post(
        f"/assignments/{assignment_id}/outputs",
        data={
            "csrf_token": token,
            "url": "https://jakarta.go.id/rilis/9",
            "kind": "document",
            "title": "Rilis",
        },
    )
    bad = staff.post(
        f"/assignments/{assignment_id}/outputs", data={"csrf_token": token, "url": "javascript:alert(1)"}
    )
    assert bad.status_code == 400 and "not a web link" in bad.text
    page = staff.get(f"/assignments/{assignment_id}").text
    assert page.count('data-testid="comment"') == 2 and HOSTILE not in page
    assert 'data-testid="output-post"' in page and "22.502" in page  # the post's latest reach
    assert 'data-testid="time-to-respond">1 hari 12 jam' in page  # 21 Jun 01:00 → 22 Jun 13:28 (UTC)


def test_list_view_filters_and_bad_filters(site: dict[str, object]) -> None:
    viewer = _client(site, "viewer")
    _create_from_issue(site, due_date="2025-06-01")
    listing = viewer.get("/assignments", params={"view": "list", "overdue": "1"})
    assert listing.status_code == 200 and 'data-testid="assignment-row"' in listing.text
    assert "terlambat" in listing.text
    mine = viewer.get("/assignments", params={"view": "list", "person": str(site["writer"])})
    assert mine.text.count('data-testid="assignment-row"') >= 1
    nobody = viewer.get("/assignments", params={"view": "list", "person": str(site["leaver"])})
    assert nobody.text.count('data-testid="assignment-row"') == 0
    for params in ({"status": "done"}, {"kind": "pamflet"}, {"view": "kanban"}, {"overdue": "maybe"}):
        assert viewer.get("/assignments", params=params).status_code == 400, params
    assert viewer.get("/assignments/999999").status_code == 404
    assert viewer.get("/assignments/abc").status_code == 404


def test_permissions_and_csrf(site: dict[str, object]) -> None:
    viewer, staff = _client(site, "viewer"), _client(site, "staff")
    assignment_id = _create_from_issue(site)
    token = csrf(viewer, "/assignments")
    for path, data in (
        ("/assignments", {"kind": "lainnya", "title": "X"}),
        (f"/assignments/{assignment_id}/move", {"status": "dikerjakan"}),
        (f"/assignments/{assignment_id}/comments", {"body": "hai"}),
        (f"/assignments/{assignment_id}/outputs", {"url": IG_POST}),
        (f"/assignments/{assignment_id}/members", {"member": str(site["writer"]), "role": "editor"}),
    ):
        assert viewer.post(path, data={"csrf_token": token, **data}).status_code == 403, path
        assert staff.post(path, data=data).status_code == 403, path  # no CSRF token
        assert staff.post(path, data={"csrf_token": "wrong", **data}).status_code == 403, path
    assert viewer.get("/assignments/new").status_code == 403
    anonymous = TestClient(site["app"])  # type: ignore[arg-type]
    assert anonymous.get("/assignments", follow_redirects=False).status_code == 303
    left = staff.post(
        f"/assignments/{assignment_id}/members",
        data={"csrf_token": csrf(staff, "/assignments"), "member": str(site["leaver"]), "role": "editor"},
    )
    assert left.status_code == 400 and "Bayu Pratama left on 2025-06-30" in left.text


def test_create_from_story_and_program_forms(site: dict[str, object]) -> None:
    staff = _client(site, "staff")
    with site["ws"].engine.connect() as conn:  # type: ignore[attr-defined]
        from sqlalchemy import select

        from gaung.store.schema import mentions

        story = conn.execute(select(mentions.c.id).where(mentions.c.tone == "positive")).scalars().first()
    form = staff.get(f"/assignments/new?story={story}")
    assert form.status_code == 200 and 'value="konten" selected' in form.text
    assert staff.get("/assignments/new?story=999999").status_code == 404
    assert staff.get("/assignments/new?issue=999999").status_code == 404
    token = csrf(staff, "/assignments/new")
    done = staff.post(
        "/assignments",
        data={"csrf_token": token, "mention_id": str(story), "kind": "konten"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert "Konten: festival" in staff.get(done.headers["location"]).text
    program = staff.post(
        "/assignments",
        data={"csrf_token": token, "program": "KJP Plus", "kind": "kampanye"},
        follow_redirects=False,
    )
    assert "Kampanye: KJP Plus" in staff.get(program.headers["location"]).text
    no_title = staff.post("/assignments", data={"csrf_token": token, "kind": "lainnya"})
    assert no_title.status_code == 400 and "needs a title" in no_title.text
    bad_kind = staff.post(
        "/assignments", data={"csrf_token": token, "issue_id": str(site["issue"]), "kind": "konten"}
    )
    assert bad_kind.status_code == 400 and "an issue is answered by" in bad_kind.text


def test_json_api(site: dict[str, object]) -> None:
    api = TestClient(site["app"], headers={"Authorization": f"Bearer {site['token']}"})  # type: ignore[arg-type]
    created = api.post(
        "/api/assignments",
        json={
            "title": "Hak jawab ke media",
            "kind": "hak_jawab",
            "issue_id": site["issue"],
            "due_at": "2025-06-22T10:00:00+07:00",
            "members": [{"staff_id": site["writer"], "role": "writer"}],
        },
    )
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["status"] == "ide" and item["due_at"] == "2025-06-22T03:00:00Z"
    assert (
        item["origin_first_seen_at"] == "2025-06-21T01:00:00Z"
        and item["members"][0]["name"] == "Sari Wulandari"
    )
    path = f"/api/assignments/{item['id']}"
    _backdate(site, item["id"])
    assert api.post(f"{path}/move", json={"status": "selesai"}).status_code == 409
    assert api.post(f"{path}/move", json={"status": "terbit"}).json()["published_at"] is not None
    assert api.post(f"{path}/comments", json={"body": "Sudah dikirim ke redaksi."}).status_code == 200
    linked = api.post(f"{path}/outputs", json={"url": IG_POST}).json()
    assert linked["outputs"][0]["reach"] == 22502
    assert api.post(f"{path}/outputs", json={"url": IG_POST}).status_code == 409  # the same link twice
    detail = api.get(path).json()
    assert [e["to_status"] for e in detail["events"]] == ["ide", "terbit"]
    assert detail["origin_info"]["state"] == "ok" and detail["time_to_respond_seconds"] > 0
    listing = api.get("/api/assignments", params={"kind": "hak_jawab"}).json()
    assert listing["total"] >= 1 and all(i["kind"] == "hak_jawab" for i in listing["items"])
    assert api.get("/api/assignments/999999").status_code == 404
    assert api.post("/api/assignments/999999/move", json={"status": "terbit"}).status_code == 404
    unknown_staff = api.post(
        "/api/assignments",
        json={"title": "X", "kind": "konten", "members": [{"staff_id": 99999, "role": "writer"}]},
    )
    assert unknown_staff.status_code == 404
    assert api.post("/api/assignments", json={"title": "X", "kind": "pamflet"}).status_code == 422
    viewer_api = TestClient(site["app"], headers={"Authorization": f"Bearer {site['viewer_token']}"})  # type: ignore[arg-type]
    assert viewer_api.get("/api/assignments").status_code == 200
    assert viewer_api.post("/api/assignments", json={"title": "X", "kind": "konten"}).status_code == 403
    session = _client(site, "staff")  # a session caller needs the CSRF header
    assert session.post("/api/assignments", json={"title": "X", "kind": "konten"}).status_code == 403
    ok = session.post(
        "/api/assignments",
        json={"title": "X", "kind": "konten"},
        headers={"X-CSRF-Token": csrf(session, "/assignments")},
    )
    assert ok.status_code == 201


def _card(page: str, assignment_id: int) -> str:
    found = re.search(rf'<article[^>]*data-id="{assignment_id}".*?</article>', page, re.S)
    assert found, f"no card for assignment {assignment_id}"
    return found.group(0)


def test_staff_cannot_move_or_take_credit_from_someone_elses_assignment(site: dict[str, object]) -> None:
    """Yoga is staff but neither creator, member nor supervisor of Sari's assignment: every change is a
    403 with the reason (pages and API), nothing is stored, and he is shown no buttons he may not use."""
    yoga, sari = _client(site, "yoga"), _client(site, "staff")
    assignment_id = _create_from_issue(site)
    path = f"/assignments/{assignment_id}"
    token = csrf(yoga, path)
    for action, data in (
        ("move", {"status": "dikerjakan"}),
        ("outputs", {"url": IG_POST}),
        ("members", {"member": str(site["yoga"]), "role": "writer"}),
    ):
        refused = yoga.post(f"{path}/{action}", data={"csrf_token": token, **data})
        assert refused.status_code == 403, action
        assert (
            "uji-yoga may not change assignment" in refused.text and 'data-testid="problem"' in refused.text
        )
        api = yoga.post(
            f"/api{path}/{'move' if action == 'move' else 'outputs'}",
            json={"status": "terbit"} if action == "move" else {"url": IG_POST},
            headers={"X-CSRF-Token": token},
        )
        assert api.status_code == 403 and "only its creator, its members" in api.json()["error"]
    board_refused = yoga.post(
        f"{path}/move", data={"csrf_token": token, "status": "dikerjakan", "next": "/assignments"}
    )
    assert board_refused.status_code == 403 and 'id="board"' in board_refused.text
    assert yoga.post(f"{path}/comments", data={"csrf_token": token, "body": "Saran saya"}).status_code == 200
    with site["ws"].engine.connect() as conn:  # type: ignore[attr-defined]
        item = get_assignment(conn, assignment_id)
    assert item is not None and item["status"] == "ide" and item["outputs"] == []
    assert [m["name"] for m in item["members"]] == ["Sari Wulandari"]
    assert [c["author"] for c in item["comments"]] == ["uji-yoga"]  # anyone with staff may comment

    his_view = yoga.get(path).text
    assert 'data-testid="move-' not in his_view and 'data-testid="link-form"' not in his_view
    assert 'data-testid="member-form"' not in his_view and 'data-testid="add-comment"' in his_view
    assert 'data-testid="move-' not in _card(yoga.get("/assignments").text, assignment_id)
    her_view = sari.get(path).text
    assert 'data-testid="move-dikerjakan"' in her_view and 'data-testid="link-form"' in her_view
    assert 'data-testid="member-form"' in her_view
    assert 'data-testid="move-dikerjakan"' in _card(sari.get("/assignments").text, assignment_id)


def test_linking_someone_elses_post_never_removes_their_credit(site: dict[str, object]) -> None:
    """Sari made the post (posts.credited_staff). Yoga may link it to his own assignment and an admin
    to anyone's, but Sari keeps a writer's share; a post 30+ days older than the assignment is refused."""
    yoga, admin = _client(site, "yoga"), _client(site, "admin")
    sari_post = "https://www.instagram.com/p/SYNTH00106/"  # 22 June 2025, on no other test's assignment
    with transaction(site["ws"].engine) as conn:  # type: ignore[attr-defined]
        post_id = conn.execute(sa.select(posts.c.id).where(posts.c.permalink == sari_post)).scalar_one()
        conn.execute(sa.update(posts).where(posts.c.id == post_id).values(credited_staff="Sari Wulandari"))
    token = csrf(yoga, "/assignments")
    headers = {"X-CSRF-Token": token}
    own = yoga.post(
        "/api/assignments",
        json={
            "title": "Video saya",
            "kind": "konten",
            "members": [{"staff_id": site["yoga"], "role": "writer"}],
        },
        headers=headers,
    )
    assert own.status_code == 201  # anyone with staff may create
    own_id = own.json()["id"]
    too_old = yoga.post(f"/api/assignments/{own_id}/outputs", json={"url": sari_post}, headers=headers)
    assert too_old.status_code == 409
    assert "an assignment cannot have produced an older post" in too_old.json()["error"]
    _backdate(site, own_id)  # as if he had created it in June 2025
    linked = yoga.post(f"/api/assignments/{own_id}/outputs", json={"url": sari_post}, headers=headers)
    assert linked.status_code == 200 and linked.json()["outputs"][0]["post_id"] == post_id

    def shares(staff_id: object) -> tuple[float, list[str]]:
        card = admin.get(f"/api/scorecards/{staff_id}", params={"period": "2025-06"}).json()
        found = [
            e
            for i in card["indicators"]
            if i["name"] == "posts_published"
            for e in i["evidence"]
            if e["id"] == post_id
        ]
        return (found[0]["share"], found[0]["roles"]) if found else (0.0, [])

    assert shares(site["writer"]) == (pytest.approx(0.5), ["credited"])  # two writers share it
    assert shares(site["yoga"]) == (pytest.approx(0.5), ["writer"])
    admin_headers = {"X-CSRF-Token": csrf(admin, "/assignments")}
    other = admin.post(
        "/api/assignments",
        json={
            "title": "Dokumentasi",
            "kind": "konten",
            "members": [{"staff_id": site["dimas"], "role": "writer"}],
        },
        headers=admin_headers,
    ).json()["id"]
    _backdate(site, other)
    relinked = admin.post(f"/api/assignments/{other}/outputs", json={"url": sari_post}, headers=admin_headers)
    assert relinked.status_code == 200
    share, roles = shares(site["writer"])
    assert share == pytest.approx(1 / 3) and roles == ["credited"]  # still hers, whoever linked it


def test_publishing_needs_the_approver(site: dict[str, object]) -> None:
    """With Dimas as approver, the writer moves the work along but cannot publish it; Dimas can. The
    writer's page offers no publish button and says who may."""
    sari, dimas = _client(site, "staff"), _client(site, "dimas")
    token = csrf(sari, "/assignments/new")
    done = sari.post(
        "/assignments",
        data={
            "csrf_token": token,
            "kind": "konten",
            "title": "Video festival",
            "member": [str(site["writer"]), str(site["dimas"])],
            "role": ["writer", "approver"],
        },
        follow_redirects=False,
    )
    assignment_id = int(done.headers["location"].rsplit("/", 1)[1])
    path = f"/assignments/{assignment_id}"
    for status in ("dikerjakan", "ditinjau"):
        assert (
            sari.post(
                f"{path}/move", data={"csrf_token": token, "status": status}, follow_redirects=False
            ).status_code
            == 303
        )
    page = sari.get(path).text
    assert 'data-testid="move-dikerjakan"' in page and 'data-testid="move-terbit"' not in page
    assert 'data-testid="publish-hint"' in page
    refused = sari.post(f"{path}/move", data={"csrf_token": token, "status": "terbit"})
    assert refused.status_code == 403 and "needs its approver" in refused.text
    api = sari.post(f"/api{path}/move", json={"status": "terbit"}, headers={"X-CSRF-Token": token})
    assert api.status_code == 403 and "needs its approver" in api.json()["error"]
    assert 'data-testid="move-terbit"' in dimas.get(path).text
    ok = dimas.post(
        f"{path}/move", data={"csrf_token": csrf(dimas, path), "status": "terbit"}, follow_redirects=False
    )
    assert ok.status_code == 303
    with site["ws"].engine.connect() as conn:  # type: ignore[attr-defined]
        item = get_assignment(conn, assignment_id)
    assert item is not None and item["status"] == "terbit" and item["events"][-1]["actor"] == "uji-dimas"
