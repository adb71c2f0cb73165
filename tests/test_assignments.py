"""Penugasan: the workflow and its refusals, history, comments, outputs matched by permalink (also when
the post is imported later), time to respond, an issue merged or gone, and a member who left.

Runs on SQLite and PostgreSQL (`ws` is parametrised over both). The content is the real importer reading
a shipped sample export; issues and mentions are written as the analysis stage writes them.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from gaung.content.importers import import_file
from gaung.content.samples import SAMPLES_DIR
from gaung.kinerja import assignments as work
from gaung.kinerja.board import board, get_assignment, list_assignments
from gaung.kinerja.errors import KinerjaError
from gaung.kinerja.permalinks import normalize_permalink, relink_outputs
from gaung.kinerja.staff import add_staff, mark_left
from gaung.store.db import transaction
from gaung.store.schema import assignment_events, issues, mentions
from gaung.workspace import Workspace

IG_EXPORT = SAMPLES_DIR / "SYNTHETIC_meta_instagram_posts_2025-07-15.csv"
IG_POST = "https://www.instagram.com/p/SYNTH00107/"  # published 2025-06-22 13:28 UTC in that export
FIRST_MENTION = datetime(2025, 6, 21, 1, 0)


def add_issue(conn: sa.Connection, label: str, times: list[datetime], tone: str = "negative") -> int:
    """An issue with one stored mention per time, as the issue clusterer leaves them."""
    issue_id = int(
        conn.execute(
            issues.insert().values(
                key=f"uji-{label}",
                label=label,
                first_seen_at=min(times) + timedelta(hours=2),  # the clusterer saw it a little later
                last_seen_at=max(times),
                size=len(times),
                outlets=len(times),
                renamed=False,
            )
        ).inserted_primary_key[0]
    )
    for n, moment in enumerate(times):
        text = f"{label} berita {n}"
        conn.execute(
            mentions.insert().values(
                canonical_url=f"https://berita.example/{label}/{n}",
                url=f"https://berita.example/{label}/{n}",
                content_hash=hashlib.sha256(text.encode()).hexdigest(),
                title=text,
                text=text,
                published_at=moment,
                site="berita.example",
                platform="news",
                is_canonical=True,
                ingested_at=moment,
                tone=tone,
                issue_id=issue_id,
            )
        )
    return issue_id


@pytest.fixture
def team(ws: Workspace) -> dict[str, int]:
    with transaction(ws.engine) as conn:
        head = add_staff(conn, "Rina Kusuma", position="Kepala Seksi")
        return {
            "head": head,
            "writer": add_staff(conn, "Sari Wulandari", supervisor=head),
            "designer": add_staff(conn, "Bayu Pratama", supervisor=head),
        }


def test_workflow_history_and_refused_moves(ws: Workspace, team: dict[str, int]) -> None:
    with transaction(ws.engine) as conn:
        issue_id = add_issue(conn, "banjir-rob", [FIRST_MENTION + timedelta(hours=3), FIRST_MENTION])
        assignment_id = work.create_from_issue(
            conn,
            issue_id,
            "klarifikasi",
            members=[("Sari Wulandari", "writer"), (team["designer"], "designer")],
            created_by="rina",
            at=FIRST_MENTION + timedelta(hours=4),
            due_at=FIRST_MENTION + timedelta(hours=24),
        )
    t = FIRST_MENTION + timedelta(hours=5)
    with transaction(ws.engine) as conn:
        with pytest.raises(KinerjaError, match="published \\(terbit\\) before it is done"):
            work.move_assignment(conn, assignment_id, "selesai", actor="sari", at=t)
        work.move_assignment(conn, assignment_id, "dikerjakan", actor="sari", at=t)
        work.move_assignment(conn, assignment_id, "ditinjau", actor="sari", at=t + timedelta(hours=2))
        with pytest.raises(KinerjaError, match="back one step at a time: from ditinjau only to dikerjakan"):
            work.move_assignment(conn, assignment_id, "ide", actor="rina", at=t + timedelta(hours=3))
        work.move_assignment(
            conn, assignment_id, "dikerjakan", actor="rina", note="revisi", at=t + timedelta(hours=3)
        )
        with pytest.raises(KinerjaError, match="already dikerjakan"):
            work.move_assignment(conn, assignment_id, "dikerjakan", actor="rina", at=t + timedelta(hours=3))
        with pytest.raises(KinerjaError, match="unknown status 'published'"):
            work.move_assignment(conn, assignment_id, "published", actor="rina")
        with pytest.raises(KinerjaError, match="history stays in order"):
            work.move_assignment(conn, assignment_id, "ditinjau", actor="rina", at=t)
        work.move_assignment(conn, assignment_id, "ditinjau", actor="sari", at=t + timedelta(hours=5))
        work.move_assignment(conn, assignment_id, "terbit", actor="rina", at=t + timedelta(hours=6))
        work.move_assignment(conn, assignment_id, "ditinjau", actor="rina", at=t + timedelta(hours=7))
        work.move_assignment(conn, assignment_id, "terbit", actor="rina", at=t + timedelta(hours=8))
        work.move_assignment(conn, assignment_id, "selesai", actor="rina", at=t + timedelta(hours=9))
        work.add_comment(conn, assignment_id, "rina", "Tambahkan data posko pengungsian.")
        with pytest.raises(KinerjaError, match="comment is empty"):
            work.add_comment(conn, assignment_id, "rina", "   ")
    with ws.engine.connect() as conn:
        item = get_assignment(conn, assignment_id)
    assert item is not None
    steps = [(e["from_status"], e["to_status"], e["actor"]) for e in item["events"]]
    assert steps == [
        (None, "ide", "rina"),
        ("ide", "dikerjakan", "sari"),
        ("dikerjakan", "ditinjau", "sari"),
        ("ditinjau", "dikerjakan", "rina"),
        ("dikerjakan", "ditinjau", "sari"),
        ("ditinjau", "terbit", "rina"),
        ("terbit", "ditinjau", "rina"),
        ("ditinjau", "terbit", "rina"),
        ("terbit", "selesai", "rina"),
    ]
    assert item["events"][3]["note"] == "revisi"
    # published_at is the first time it reached terbit, kept through the later revision
    assert item["published_at"] == t + timedelta(hours=6)
    assert item["closed_at"] == t + timedelta(hours=9)
    # time to respond counts from the earliest mention (not the clusterer's later first_seen_at)
    assert item["origin_first_seen_at"] == FIRST_MENTION
    assert work.time_to_respond(item) == timedelta(hours=11)
    assert [c["body"] for c in item["comments"]] == ["Tambahkan data posko pengungsian."]
    assert {(m["name"], m["role"]) for m in item["members"]} == {
        ("Sari Wulandari", "writer"),
        ("Bayu Pratama", "designer"),
    }
    assert item["moves"] == ["terbit"]  # reopening goes back one step only
    with transaction(ws.engine) as conn:
        work.move_assignment(conn, assignment_id, "terbit", actor="rina", at=t + timedelta(hours=10))
        assert get_assignment(conn, assignment_id)["closed_at"] is None  # type: ignore[index]


def test_kind_without_public_output_may_close_without_terbit(ws: Workspace) -> None:
    with transaction(ws.engine) as conn:
        report = work.create_assignment(conn, "Laporan mingguan pimpinan", "lainnya")
        work.move_assignment(conn, report, "ditinjau", actor="a")
        work.move_assignment(conn, report, "selesai", actor="a")
        assert work.step_back("lainnya", "selesai", published=False) == "ditinjau"
        item = get_assignment(conn, report)
    assert item is not None and item["status"] == "selesai" and item["published_at"] is None
    assert work.time_to_respond(item) is None  # no origin, nothing to measure from


def test_bad_input_is_refused_with_what_and_where(ws: Workspace, team: dict[str, int]) -> None:
    with transaction(ws.engine) as conn:
        with pytest.raises(KinerjaError, match="unknown kind 'pamflet'"):
            work.create_assignment(conn, "X", "pamflet")
        with pytest.raises(KinerjaError, match="title is empty"):
            work.create_assignment(conn, "  ", "konten")
        with pytest.raises(KinerjaError, match="no issue with id 999"):
            work.create_from_issue(conn, 999, "klarifikasi")
        issue_id = add_issue(conn, "macet", [FIRST_MENTION])
        with pytest.raises(KinerjaError, match="not 'konten'"):
            work.create_from_issue(conn, issue_id, "konten")
        with pytest.raises(KinerjaError, match="no story"):
            work.create_from_story(conn, 123456)
        assignment_id = work.create_assignment(conn, "Infografis KJP", "konten")
        with pytest.raises(KinerjaError, match="unknown role 'penulis'"):
            work.add_member(conn, assignment_id, "Sari Wulandari", "penulis")
        with pytest.raises(KinerjaError, match="no staff member named 'Nobody'"):
            work.add_member(conn, assignment_id, "Nobody", "writer")
        with pytest.raises(KinerjaError, match="not a web link"):
            work.add_output(conn, assignment_id, "ftp://files.example/x.pdf", kind="document")
        with pytest.raises(KinerjaError, match="unknown output kind"):
            work.add_output(conn, assignment_id, "https://x.example/a", kind="video")
        with pytest.raises(KinerjaError, match="not a date"):
            work.parse_due("besok")
    with pytest.raises(KinerjaError, match="no assignment with id 4242"), transaction(ws.engine) as conn:
        work.move_assignment(conn, 4242, "dikerjakan", actor="x")
    with ws.engine.connect() as conn:  # nothing stored by the refused calls but the one good assignment
        items, total = list_assignments(conn)
    assert total == 1 and items[0]["title"] == "Infografis KJP"


def test_permalink_normalisation() -> None:
    same = [
        "https://www.instagram.com/p/SYNTH00107/",
        "http://instagram.com/p/SYNTH00107",
        "HTTPS://M.Instagram.com/p/SYNTH00107/?igsh=abc&utm_source=ig_web_copy_link",
        "instagram.com/p/SYNTH00107/#comments",
    ]
    assert {normalize_permalink(u) for u in same} == {"https://instagram.com/p/SYNTH00107"}
    assert normalize_permalink("https://m.facebook.com/100000000000001/posts/pfbid0SYNTH9/?mibextid=xyz") == (
        normalize_permalink("https://www.facebook.com/100000000000001/posts/pfbid0SYNTH9")
    )
    assert normalize_permalink("https://twitter.com/synthetic_jkt/status/19?s=20&t=abc") == (
        "https://x.com/synthetic_jkt/status/19"
    )
    assert normalize_permalink("https://youtube.com/shorts/AbC123?feature=share") == (
        "https://youtube.com/watch?v=AbC123"
    )
    # the path keeps its case: Instagram short codes differ by case
    assert normalize_permalink("https://instagram.com/p/abc") != normalize_permalink(
        "https://instagram.com/p/ABC"
    )
    # meaningful parameters stay, sorted; on other sites `s` may choose the page and is kept
    assert normalize_permalink("https://www.facebook.com/permalink.php?id=1&story_fbid=2") == (
        "https://facebook.com/permalink.php?id=1&story_fbid=2"
    )
    assert (
        normalize_permalink("https://jakarta.go.id/cari/?s=banjir&utm_medium=x")
        == "https://jakarta.go.id/cari?s=banjir"
    )
    assert normalize_permalink("/lowongan/") == "/lowongan"


def test_outputs_match_posts_now_and_after_a_late_import(ws: Workspace, team: dict[str, int]) -> None:
    with transaction(ws.engine) as conn:
        issue_id = add_issue(conn, "pintu-air", [FIRST_MENTION])
        early = work.create_from_issue(
            conn, issue_id, "siaran_pers", members=[(team["writer"], "writer")], at=FIRST_MENTION
        )
        # linked from a phone before the export that holds the post was imported
        pending = work.add_output(conn, early, "https://m.instagram.com/p/SYNTH00107?igsh=xyz")
        work.add_output(
            conn, early, "https://jakarta.go.id/siaran-pers/123.pdf", kind="document", title="Siaran pers"
        )
        with pytest.raises(KinerjaError, match="already has the output"):
            work.add_output(conn, early, "http://instagram.com/p/SYNTH00107/")
    assert pending["post_id"] is None and pending["url"] == "https://instagram.com/p/SYNTH00107"
    with ws.engine.connect() as conn:
        item = get_assignment(conn, early)
    assert item is not None and work.time_to_respond(item) is None  # not published, no dated output yet

    report = import_file(ws.engine, IG_EXPORT)  # the importer re-matches pending outputs itself
    assert any("1 assignment output(s) matched" in note for note in report.notes)
    with ws.engine.connect() as conn:
        item = get_assignment(conn, early)
        assert relink_outputs(conn) == 0  # nothing left to match
    assert item is not None
    post_output = next(o for o in item["outputs"] if o["kind"] == "post")
    assert post_output["post_id"] is not None and post_output["platform"] == "instagram"
    assert post_output["reach"] == 22502  # the export's reach for that post
    assert post_output["published_at"] == datetime(2025, 6, 22, 13, 28)
    # the output's publication is the response moment while the card has not reached terbit
    assert work.time_to_respond(item) == datetime(2025, 6, 22, 13, 28) - FIRST_MENTION

    with transaction(ws.engine) as conn:  # linked after the import: matched at once
        later = work.create_assignment(conn, "Konten ulang", "konten", at=FIRST_MENTION + timedelta(days=30))
        linked = work.add_output(conn, later, IG_POST)
    assert linked["post_id"] == post_output["post_id"]


def test_a_post_much_older_than_the_assignment_is_not_its_output(ws: Workspace) -> None:
    """An assignment cannot have produced a post published over 30 days before it was created: linking
    one is refused (now or when the export arrives later), so nobody moves old credit onto new work."""
    created = datetime(2025, 6, 22, 13, 28) + timedelta(days=31)  # IG_POST is 31 days older
    with transaction(ws.engine) as conn:
        pending = work.create_assignment(conn, "Linked before the import", "konten", at=created)
        work.add_output(conn, pending, IG_POST)  # not imported yet: kept, unmatched
    import_file(ws.engine, IG_EXPORT)
    with ws.engine.connect() as conn:
        item = get_assignment(conn, pending)
    assert item is not None and item["outputs"][0]["post_id"] is None  # the import did not match it
    with transaction(ws.engine) as conn:
        late = work.create_assignment(conn, "Konten lama diklaim", "konten", at=created)
        with pytest.raises(KinerjaError, match=r"published on 2025-06-22, more than 30 days before"):
            work.add_output(conn, late, IG_POST)
        work.add_output(conn, late, "https://jakarta.go.id/laporan/1", kind="document")  # not a post: fine
        recent = work.create_assignment(conn, "Konten baru", "konten", at=created - timedelta(days=2))
        assert work.add_output(conn, recent, IG_POST)["post_id"] is not None  # 29 days: allowed


def test_assignment_outlives_a_merged_or_deleted_issue(ws: Workspace) -> None:
    with transaction(ws.engine) as conn:
        source = add_issue(conn, "banjir-a", [FIRST_MENTION])
        target = add_issue(conn, "banjir-b", [FIRST_MENTION + timedelta(hours=1)])
        merged = work.create_from_issue(conn, source, "hak_jawab")
        gone = work.create_from_issue(conn, target, "klarifikasi")
        conn.execute(sa.update(issues).where(issues.c.id == source).values(merged_into=target))
        conn.execute(sa.update(mentions).where(mentions.c.issue_id == target).values(issue_id=None))
        conn.execute(sa.delete(issues).where(issues.c.id == target))
        # a new response to the merged issue is filed under the issue it lives on in... which is gone now
        with pytest.raises(KinerjaError, match=f"no issue with id {source}"):
            work.create_from_issue(conn, source, "klarifikasi")
    with ws.engine.connect() as conn:
        first = get_assignment(conn, merged)
        second = get_assignment(conn, gone)
    assert first is not None and second is not None
    assert first["origin_info"]["state"] == "missing" and second["origin_info"]["state"] == "missing"
    assert second["origin_first_seen_at"] == FIRST_MENTION + timedelta(hours=1)  # kept with the assignment

    with transaction(ws.engine) as conn:
        a = add_issue(conn, "jalan-a", [FIRST_MENTION])
        b = add_issue(conn, "jalan-b", [FIRST_MENTION])
        answered = work.create_from_issue(conn, a, "klarifikasi")
        conn.execute(sa.update(issues).where(issues.c.id == a).values(merged_into=b))
        via_merge = work.create_from_issue(conn, a, "siaran_pers")
        info = get_assignment(conn, answered)["origin_info"]  # type: ignore[index]
        assert info == {
            "kind": "issue",
            "state": "merged",
            "issue_id": a,
            "label": "jalan-a",
            "target_id": b,
            "target_label": "jalan-b",
        }
        assert get_assignment(conn, via_merge)["issue_id"] == b  # type: ignore[index]


def test_member_who_left_stays_on_old_work_but_cannot_join_new(ws: Workspace, team: dict[str, int]) -> None:
    with transaction(ws.engine) as conn:
        old = work.create_assignment(
            conn, "Video festival Betawi", "konten", members=[(team["designer"], "designer")]
        )
        mark_left(conn, team["designer"], date(2025, 7, 1))
        new = work.create_assignment(conn, "Video baru", "konten")
        with pytest.raises(KinerjaError, match="Bayu Pratama left on 2025-07-01"):
            work.add_member(conn, new, "Bayu Pratama", "videographer")
    with ws.engine.connect() as conn:
        item = get_assignment(conn, old)
        mine, total = list_assignments(conn, staff_id=team["designer"])
    assert item is not None and item["members"][0]["left_on"] == date(2025, 7, 1)
    assert total == 1 and mine[0]["id"] == old


def test_filters_board_and_overdue(ws: Workspace, team: dict[str, int]) -> None:
    now = datetime(2025, 6, 25, 12, 0)
    with transaction(ws.engine) as conn:
        late = work.create_assignment(
            conn, "Terlambat", "konten", due_at=now - timedelta(days=1), members=[(team["writer"], "writer")]
        )
        on_time = work.create_assignment(conn, "Tepat", "kampanye", due_at=now - timedelta(days=1))
        work.move_assignment(conn, on_time, "terbit", actor="x")
        work.create_from_program(conn, "KJP Plus", due_at=now + timedelta(days=3))
    with ws.engine.connect() as conn:
        overdue, n = list_assignments(conn, overdue=True, now=now)
        assert n == 1 and overdue[0]["id"] == late and overdue[0]["overdue"]
        assert list_assignments(conn, kind="kampanye", now=now)[1] == 2
        assert list_assignments(conn, status="terbit", now=now)[0][0]["id"] == on_time
        assert list_assignments(conn, staff_id=team["writer"], now=now)[1] == 1
        columns = board(conn, now=now)
        with pytest.raises(KinerjaError, match="unknown status"):
            list_assignments(conn, status="done")
    assert list(columns) == list(work.STATUSES)
    assert [len(columns[s]) for s in work.STATUSES] == [2, 0, 0, 1, 0]
    program = next(i for i in columns["ide"] if i["origin"] == "program")
    assert program["title"] == "Kampanye: KJP Plus" and program["program"] == "KJP Plus"


def test_due_dates_are_office_time() -> None:
    assert work.parse_due("2025-06-20") == datetime(2025, 6, 20, 16, 59)  # 23:59 WIB
    assert work.parse_due("2025-06-20 17:00") == datetime(2025, 6, 20, 10, 0)
    assert work.parse_due("") is None


def test_cli_add_move_link_and_list(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    from gaung import cli

    monkeypatch.setattr(cli, "workspace", lambda: ws)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli.app, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    run("staff", "add", "Rina Kusuma", "--position", "Kepala Seksi")
    run("staff", "add", "Sari Wulandari", "--supervisor", "Rina Kusuma")
    assert "Sari Wulandari" in run("staff", "list")
    with transaction(ws.engine) as conn:
        issue_id = add_issue(conn, "sampah", [FIRST_MENTION])
    out = run(
        "assignments",
        "add",
        "--issue",
        str(issue_id),
        "--kind",
        "klarifikasi",
        "--member",
        "Sari Wulandari:writer",
        "--due",
        "2025-06-22",
        "--by",
        "rina",
    )
    assert "created" in out
    assignment_id = int(out.split()[1])
    run("assignments", "move", str(assignment_id), "dikerjakan", "--by", "sari")
    run("assignments", "comment", str(assignment_id), "Draf siap", "--by", "sari")
    assert "will be matched" in run("assignments", "link", str(assignment_id), IG_POST)
    listing = run("assignments", "list", "--json")
    assert '"status": "dikerjakan"' in listing and "Sari Wulandari" in listing
    refused = runner.invoke(cli.app, ["assignments", "move", str(assignment_id), "selesai"])
    assert refused.exit_code != 0 and isinstance(refused.exception, KinerjaError)
    with pytest.raises(KinerjaError, match="loop"):
        runner.invoke(
            cli.app, ["staff", "supervisor", "Rina Kusuma", "Sari Wulandari"], catch_exceptions=False
        )
    with ws.engine.connect() as conn:
        events = (
            conn.execute(
                sa.select(assignment_events.c.actor).where(assignment_events.c.assignment_id == assignment_id)
            )
            .scalars()
            .all()
        )
    assert events == ["rina", "sari"]


def test_who_may_change_and_who_may_publish(ws: Workspace) -> None:
    """One rule (gaung.kinerja.access) for pages and API: creator, members, their supervisors (direct or
    further up), analysts and admins change an assignment; terbit/selesai need its approver, a
    supervisor of a member, an analyst or an admin — or, with no approver named, a member."""
    from gaung.kinerja.access import can_edit, check_edit, check_move, may_move
    from gaung.kinerja.errors import ForbiddenError
    from gaung.store.users import User, add_user

    people: dict[str, User] = {}
    with transaction(ws.engine) as conn:
        for name, role in (
            ("kabid", "staff"),
            ("kasi", "staff"),
            ("sari", "staff"),
            ("dimas", "staff"),
            ("yoga", "staff"),
            ("pembuat", "staff"),
            ("analis", "analyst"),
            ("admin", "admin"),
            ("pembaca", "viewer"),
        ):
            people[name] = User(add_user(conn, name, "kata-sandi-uji-123", role), name, role)
        add_staff(conn, "Kabid", user_name="kabid")
        add_staff(conn, "Kasi", user_name="kasi", supervisor="Kabid")
        add_staff(conn, "Sari", user_name="sari", supervisor="Kasi")
        add_staff(conn, "Dimas", user_name="dimas", supervisor="Kasi")
        add_staff(conn, "Yoga", user_name="yoga")  # another team
        add_staff(conn, "Pembuat", user_name="pembuat")
        approved = work.create_assignment(
            conn,
            "Dengan penyetuju",
            "konten",
            members=[("Sari", "writer"), ("Dimas", "approver")],
            created_by="pembuat",
        )
        open_one = work.create_assignment(conn, "Tanpa penyetuju", "konten", members=[("Sari", "writer")])
    expected_edit = {
        "kabid": True,  # supervisor of a member, two levels up
        "kasi": True,
        "sari": True,
        "dimas": True,
        "yoga": False,
        "pembuat": True,  # the creator
        "analis": True,
        "admin": True,
        "pembaca": False,
    }
    expected_publish = {**expected_edit, "sari": False, "pembuat": False}  # not the approver
    with ws.engine.connect() as conn:
        for name, user in people.items():
            assert can_edit(conn, user, approved) is expected_edit[name], name
            assert may_move(conn, user, approved, "dikerjakan") is expected_edit[name], name
            for status in ("terbit", "selesai"):
                assert may_move(conn, user, approved, status) is expected_publish[name], (name, status)
        # no approver on it: its member may publish; someone else's creator rights do not reach it
        assert may_move(conn, people["sari"], open_one, "terbit")
        assert not can_edit(conn, people["pembuat"], open_one)
        assert not may_move(conn, people["dimas"], open_one, "terbit")  # not a member, not a supervisor
        assert can_edit(conn, None, approved) is False
        with pytest.raises(ForbiddenError, match="yoga may not change assignment"):
            check_edit(conn, people["yoga"], approved)
        with pytest.raises(ForbiddenError, match="needs its approver"):
            check_move(conn, people["sari"], approved, "terbit")
        with pytest.raises(KinerjaError, match="no assignment with id 999999"):
            check_edit(conn, people["admin"], 999_999)
