"""A small office for the scorecard tests: a team, posts with snapshots, assignments, a leaver.

Built through the real APIs (content import, staff registry, assignments with permalink matching), so
the scorecards read what the office's own tools wrote. All times are naive UTC; June 2025 in WIB.

    Kabid (login kabid) supervises Budi (budi), Sari (sari) and Joko (left 2025-06-15, no login);
    Rina (rina) is on another team; the admin (admin) has no staff record.

    P1 2025-06-02  reach 1000, ERR 7 %   ← assignment A1 (Budi writer, Sari designer, Kabid approver)
    P2 2025-06-10  reach 2000, ERR 1 %   credited_staff "Budi"
    P3 2025-06-20  reach 400             credited_staff "Joko" (after he left: no credit)
    P4 2025-06-05  reach 800             credited_staff "joko " (before he left; name spelled loosely)
    P5 2025-05-31 18:00 UTC = 1 June WIB, reach 500, ERR 2 %, credited "Budi" (belongs to June)
    P7 2025-04-15  reach 300, credited "Budi"       P6 2025-07-03 reach 700, credited "Budi"

    A1 konten      due 06-03, terbit 06-02              (on time)
    A2 klarifikasi from issue 999 (deleted), first mention 06-08 00:00, terbit 06-08 10:00, due 06-09
    A3 hak_jawab   from an issue, first mention 06-12 00:00, terbit 06-14 00:00 (48 h), due 06-13 (late)
    A4 konten      Sari designer, due 06-25, still dikerjakan (late)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine

from gaung.content.model import ChannelRef, ParsedExport, ParsedPost
from gaung.content.store import save_export, update_post_details
from gaung.kinerja.assignments import add_output, create_assignment, move_assignment
from gaung.kinerja.staff import add_staff, mark_left
from gaung.store.db import transaction
from gaung.store.users import add_user

PASSWORD = "kata-sandi-kinerja-1"
OWN = ChannelRef(platform="instagram", key="diskominfo-uji", name="Diskominfo Uji", handle="diskominfo_uji")
CAPTURED = datetime(2025, 7, 10, 0, 0)


@dataclass
class Office:
    staff: dict[str, int] = field(default_factory=dict)  # name -> staff id
    posts: dict[str, int] = field(default_factory=dict)  # P1.. -> post id
    assignments: dict[str, int] = field(default_factory=dict)  # A1.. -> assignment id


def _post(key: str, published: datetime, metrics: dict[str, int]) -> ParsedPost:
    return ParsedPost(
        channel=OWN,
        external_id=key,
        where=f"uji.csv:{key}",
        permalink=f"https://www.instagram.com/p/{key}/",
        published_at=published,
        caption=f"Unggahan uji {key}",
        format="photo",
        metrics=dict(metrics),
    )


POSTS = {
    "P1": (datetime(2025, 6, 2, 3, 0), {"reach": 1000, "likes": 50, "comments": 10, "shares": 5, "saves": 5}),
    "P2": (datetime(2025, 6, 10, 3, 0), {"reach": 2000, "likes": 20}),
    "P3": (datetime(2025, 6, 20, 3, 0), {"reach": 400, "likes": 4}),
    "P4": (datetime(2025, 6, 5, 3, 0), {"reach": 800, "likes": 8}),
    "P5": (datetime(2025, 5, 31, 18, 0), {"reach": 500, "likes": 10}),
    "P6": (datetime(2025, 7, 3, 3, 0), {"reach": 700, "likes": 7}),
    "P7": (datetime(2025, 4, 15, 3, 0), {"reach": 300, "likes": 3}),
}
CREDITED = {"P2": "Budi", "P3": "Joko", "P4": "joko ", "P5": "Budi", "P6": "Budi", "P7": "Budi"}


def seed_office(engine: Engine) -> Office:
    """Create the office described in the module docstring; returns the ids."""
    office = Office()
    with transaction(engine) as conn:
        for name, role in (("kabid", "staff"), ("budi", "staff"), ("sari", "staff"), ("rina", "staff")):
            add_user(conn, name, PASSWORD, role)
        add_user(conn, "admin", PASSWORD, "admin")
        office.staff["Kabid"] = add_staff(
            conn, "Kabid", user_name="kabid", team="Humas", position="Kepala Bidang"
        )
        office.staff["Budi"] = add_staff(conn, "Budi", user_name="budi", supervisor="Kabid", team="Humas")
        office.staff["Sari"] = add_staff(conn, "Sari", user_name="sari", supervisor="Kabid", team="Humas")
        office.staff["Joko"] = add_staff(conn, "Joko", supervisor="Kabid", team="Humas")
        office.staff["Rina"] = add_staff(conn, "Rina", user_name="rina", team="Protokol")
        export = ParsedExport(
            format="instagram_posts",
            captured_at=CAPTURED,
            rows_read=len(POSTS),
            posts=[_post(key, published, metrics) for key, (published, metrics) in POSTS.items()],
        )
        save_export(conn, export, path="uji.csv")
        from gaung.store.schema import posts

        for key in POSTS:
            office.posts[key] = conn.execute(
                posts.select().with_only_columns(posts.c.id).where(posts.c.external_id == key)
            ).scalar_one()
        for key, name in CREDITED.items():
            update_post_details(conn, office.posts[key], credited_staff=name)

        a1 = create_assignment(
            conn,
            "Konten banjir rob",
            "konten",
            due_at=datetime(2025, 6, 3, 3, 0),
            members=[("Budi", "writer"), ("Sari", "designer"), ("Kabid", "approver")],
            at=datetime(2025, 6, 1, 2, 0),
        )
        add_output(conn, a1, "https://instagram.com/p/P1?igsh=abc", at=datetime(2025, 6, 2, 3, 30))
        move_assignment(conn, a1, "terbit", actor="budi", at=datetime(2025, 6, 2, 4, 0))
        a2 = create_assignment(
            conn,
            "Klarifikasi isu yang kemudian dihapus",
            "klarifikasi",
            origin="issue",
            issue_id=999_999,  # no such issue any more: the assignment must still count
            origin_first_seen_at=datetime(2025, 6, 8, 0, 0),
            due_at=datetime(2025, 6, 9, 0, 0),
            members=[("Budi", "writer")],
            at=datetime(2025, 6, 8, 1, 0),
        )
        move_assignment(conn, a2, "terbit", actor="budi", at=datetime(2025, 6, 8, 10, 0))
        a3 = create_assignment(
            conn,
            "Hak jawab pemberitaan",
            "hak_jawab",
            origin="issue",
            issue_id=999_998,
            origin_first_seen_at=datetime(2025, 6, 12, 0, 0),
            due_at=datetime(2025, 6, 13, 0, 0),
            members=[("Budi", "writer"), ("Sari", "editor")],
            at=datetime(2025, 6, 12, 1, 0),
        )
        move_assignment(conn, a3, "terbit", actor="budi", at=datetime(2025, 6, 14, 0, 0))
        a4 = create_assignment(
            conn,
            "Infografik program",
            "konten",
            due_at=datetime(2025, 6, 25, 0, 0),
            members=[("Sari", "designer")],
            at=datetime(2025, 6, 20, 0, 0),
        )
        move_assignment(conn, a4, "dikerjakan", actor="sari", at=datetime(2025, 6, 21, 0, 0))
        office.assignments.update({"A1": a1, "A2": a2, "A3": a3, "A4": a4})
        mark_left(conn, office.staff["Joko"], datetime(2025, 6, 15).date())
    return office
