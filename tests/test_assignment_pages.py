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
from fastapi.testclient import TestClient
from test_assignments import FIRST_MENTION, IG_EXPORT, IG_POST, add_issue
from webhelpers import HOSTILE, PASSWORD, csrf, login

from gaung.config import settings_from_toml
from gaung.content.importers import import_file
from gaung.demo import DEMO_DIR
from gaung.kinerja.staff import add_staff, mark_left
from gaung.store.db import transaction
from gaung.store.users import add_user, create_token, list_audit
from gaung.web.app import create_app
from gaung.workspace import Workspace

ROLES = ("viewer", "staff", "analyst", "admin")


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
        head = add_staff(conn, "Rina Kusuma", user_name="uji-analyst", position="Kepala Seksi")
        writer = add_staff(conn, "Sari Wulandari", user_name="uji-staff", supervisor=head)
        leaver = add_staff(conn, "Bayu Pratama", supervisor=head)
        mark_left(conn, leaver, datetime(2025, 6, 30).date())
        issue_id = add_issue(conn, f"banjir {HOSTILE}", [FIRST_MENTION, FIRST_MENTION + timedelta(hours=2)])
        story_id = add_issue(conn, "festival", [FIRST_MENTION], tone="positive")
    app = create_app(ws)
    clients = {role: login(TestClient(app), f"uji-{role}") for role in ROLES}
    yield {
        "ws": ws,
        "clients": clients,
        "app": app,
        "token": token,
        "viewer_token": viewer_token,
        "issue": issue_id,
        "story_issue": story_id,
        "writer": writer,
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
    return int(done.headers["location"].rsplit("/", 1)[1])


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
    assert re.search(rf'data-testid="issue-assignments".*?href="/assignments/{assignment_id}"', answered, re.S)

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
