"""The demo organisation's team: staff with logins, assignments in every state, credits, SKP targets and
supervisor reviews — built from the demo's own issues, good stories and imported posts.

`load_demo_team(engine, settings)` runs after the demo's news and content samples are loaded
(`gaung.demo.load_demo`). What it adds is anchored in that data, so the scorecards computed from it
are real numbers:
- response assignments (klarifikasi, hak jawab, siaran pers) answer the archive's most negative
  issues of mid-2025, with response times measured from each issue's first mention — two within
  24 hours, one beyond, one still in review;
- content assignments come from the kebaikan feed, campaign assignments from the programmes the
  office's posts talk about (KJP Plus, Transjakarta, ...); their outputs are the imported posts,
  linked by their real permalinks, so reach flows from the sample exports;
- the other posts of May–July 2025 are credited (`posts.credited_staff`) to the person who made them,
  including Bayu Saputra, who left on 2025-06-30 and keeps his credits and his place on old work;
- SKP targets for 2025-06 and 2025-Q2 (some deliberately missing or zero, the bad-input cases the
  scorecards must show as "no target"), and the head of section's reviews for most, not all, people.

Deterministic (everything is chosen by sorted queries over the loaded data, times are fixed) and
idempotent: people and logins are added when missing; the work itself is added once, marked by an
audit-log entry `demo.kinerja`, so running the demo again adds nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from gaung.kinerja import assignments as work
from gaung.kinerja.rating import BERAKHLAK
from gaung.kinerja.staff import add_staff, find_staff, mark_left
from gaung.store.db import transaction
from gaung.store.schema import (
    assignment_outputs,
    assignments,
    audit_log,
    issues,
    mention_entities,
    mentions,
    posts,
    skp_reviews,
    skp_targets,
    staff,
)
from gaung.store.users import add_user, audit, get_user_row, set_password, verify_password

MARKER = "demo.kinerja"
TEAM_NAME = "Seksi Pengelolaan Media"
HEAD = "Rina Kusumawati"
LEAVER = "Bayu Saputra"
LEFT_ON = date(2025, 6, 30)
WINDOW = (datetime(2025, 5, 1), datetime(2025, 8, 1))  # the demo's news and posts (UTC, naive)
REVIEWED_ON = datetime(2025, 7, 4, 2, 0)  # 09:00 WIB, the first working days after the period


@dataclass(frozen=True)
class Person:
    name: str
    login: str
    role: str  # login role: the head and the media analyst read and correct; the others are staff
    position: str
    joined_on: date


TEAM: tuple[Person, ...] = (
    Person(HEAD, "rina", "analyst", "Kepala Seksi Pengelolaan Media", date(2019, 3, 1)),
    Person("Sari Wulandari", "sari", "staff", "Pranata Humas Ahli Pertama", date(2021, 2, 1)),
    Person("Putri Anggraini", "putri", "staff", "Pengelola Media Sosial", date(2023, 1, 9)),
    Person("Dimas Prasetyo", "dimas", "staff", "Desainer Grafis", date(2022, 8, 1)),
    Person("Yoga Firmansyah", "yoga", "staff", "Videografer", date(2023, 7, 3)),
    Person("Andi Nugroho", "andi", "analyst", "Analis Media", date(2020, 5, 4)),
    Person(LEAVER, "bayu", "staff", "Pranata Humas (PPPK)", date(2022, 1, 3)),
)

# -- the work ------------------------------------------------------------------------------------------

# Responses to the most negative issues: (kind, hours from the first mention to publication or None,
# final status, members). Due 24 hours after the first mention, the office's service standard.
RESPONSES: tuple[tuple[str, int | None, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "klarifikasi",
        6,
        "selesai",
        (("Andi Nugroho", "writer"), ("Dimas Prasetyo", "designer"), (HEAD, "approver")),
    ),
    ("hak_jawab", 20, "terbit", (("Sari Wulandari", "writer"), (HEAD, "approver"))),
    ("siaran_pers", 40, "selesai", ((LEAVER, "writer"), ("Putri Anggraini", "editor"), (HEAD, "approver"))),
    ("klarifikasi", None, "ditinjau", (("Andi Nugroho", "writer"), (HEAD, "approver"))),
)
RESPONSE_DOCS = {
    "klarifikasi": "https://jakarta.go.id/klarifikasi/2025/{n}",
    "hak_jawab": "https://jakarta.go.id/hak-jawab/2025/{n}",
    "siaran_pers": "https://jakarta.go.id/siaran-pers/2025/{n}",
}

# Campaigns: (programme, caption keyword, posts from, until, how many, final status, members, title).
CAMPAIGNS: tuple[tuple[str, str, datetime, datetime, int, str, tuple[tuple[str, str], ...], str], ...] = (
    (
        "KJP Plus",
        "kjp plus",
        datetime(2025, 6, 1),
        datetime(2025, 7, 1),
        3,
        "selesai",
        (("Sari Wulandari", "writer"), ("Dimas Prasetyo", "designer"), (HEAD, "approver")),
        "Kampanye jadwal pencairan KJP Plus Juni 2025",
    ),
    (
        "Transjakarta",
        "transjakarta",
        datetime(2025, 6, 20),
        datetime(2025, 7, 1),
        3,
        "terbit",
        (("Putri Anggraini", "writer"), ("Yoga Firmansyah", "videographer"), ("Dimas Prasetyo", "designer")),
        "Sosialisasi rute baru Transjakarta",
    ),
    (
        "Jakarta Berbudaya",
        "festival budaya",
        datetime(2025, 5, 1),
        datetime(2025, 6, 1),
        2,
        "selesai",
        ((LEAVER, "writer"), ("Yoga Firmansyah", "videographer")),
        "Publikasi festival budaya Betawi Mei 2025",
    ),
)

# Work made by hand: (title, kind, brief, hours of each step from its start, members, comment).
MANUAL: tuple[
    tuple[str, str, str, datetime, tuple[str, ...], tuple[tuple[str, str], ...], str | None], ...
] = (
    (
        "Laporan bulanan kinerja media sosial Juni 2025",
        "lainnya",
        "Rekap jangkauan dan interaksi per kanal untuk pimpinan, dengan tiga konten terbaik.",
        datetime(2025, 7, 1, 1, 0),
        ("dikerjakan", "ditinjau", "selesai"),
        (("Andi Nugroho", "writer"), (HEAD, "approver")),
        "Tambahkan perbandingan dengan Mei.",
    ),
    (
        "Infografis tahap pencairan KJP Plus berikutnya",
        "konten",
        "Infografis jadwal dan syarat pencairan untuk Instagram dan Facebook.",
        datetime(2025, 7, 7, 2, 0),
        (),
        (("Dimas Prasetyo", "designer"),),
        None,
    ),
    (
        "Konten edukasi siaga banjir musim hujan",
        "konten",
        "Seri tiga konten: cek pintu air, nomor darurat, titik pengungsian.",
        datetime(2025, 7, 8, 2, 0),
        ("dikerjakan",),
        (("Putri Anggraini", "writer"), ("Dimas Prasetyo", "designer")),
        "Data titik pengungsian menunggu BPBD.",
    ),
    (
        "Video profil layanan JAKI",
        "konten",
        "Video 60 detik: mengurus dokumen kependudukan lewat JAKI.",
        datetime(2025, 7, 2, 2, 0),
        ("dikerjakan", "ditinjau", "dikerjakan", "ditinjau"),
        (("Yoga Firmansyah", "videographer"), ("Putri Anggraini", "editor"), (HEAD, "approver")),
        "Durasi dipangkas jadi 60 detik, mohon cek ulang.",
    ),
)

# -- credits and SKP ---------------------------------------------------------------------------------

# Who made the posts not tied to an assignment, by platform (round-robin over the people listed).
CREDIT_ROTATION = {
    "facebook": ("Sari Wulandari", "Putri Anggraini", "Dimas Prasetyo", "Andi Nugroho"),
    "instagram": ("Putri Anggraini", "Sari Wulandari", "Dimas Prasetyo"),
    "x": ("Andi Nugroho", "Sari Wulandari"),
    "tiktok": ("Yoga Firmansyah",),
    "youtube": ("Yoga Firmansyah",),
}
RHK = {
    "posts_published": "Terpublikasinya konten informasi layanan publik di kanal media sosial resmi",
    "total_reach": "Meningkatnya jangkauan informasi publik Pemprov DKI Jakarta",
    "median_engagement_rate": "Meningkatnya keterlibatan warga pada konten resmi",
    "negative_answered_within": "Tertanganinya isu negatif dengan klarifikasi atau hak jawab tepat waktu",
    "assignments_on_time": "Terselesaikannya penugasan sesuai tenggat",
}
# June targets per person; None = no row (the office default applies), 0 = "no target" on purpose.
# Quarter targets are three months' worth. Numbers are the head of section's, rounded as offices do.
TARGETS: dict[str, dict[str, float | None]] = {
    # the head of section answers for the team's responses, not for posting: content indicators get an
    # explicit 0 ("no target", not the office default)
    HEAD: {
        "posts_published": 0,
        "total_reach": 0,
        "median_engagement_rate": 0,
        "negative_answered_within": 80,
        "assignments_on_time": 90,
    },
    "Sari Wulandari": {
        "posts_published": 12,
        "total_reach": 25_000,
        "median_engagement_rate": 6,
        "negative_answered_within": 80,
        "assignments_on_time": 90,
    },
    "Putri Anggraini": {
        "posts_published": 12,
        "total_reach": 60_000,
        "median_engagement_rate": 8,
        "assignments_on_time": 90,
    },
    "Dimas Prasetyo": {
        "posts_published": 8,
        "total_reach": 40_000,
        "median_engagement_rate": 6,
        "assignments_on_time": 90,
    },
    "Yoga Firmansyah": {"posts_published": 25, "median_engagement_rate": 0, "assignments_on_time": 90},
    "Andi Nugroho": {
        "posts_published": 14,
        "total_reach": 10_000,
        "negative_answered_within": 80,
        "assignments_on_time": 90,
    },
    LEAVER: {"posts_published": 4, "total_reach": 5_000, "negative_answered_within": 80},
}
# (person, period, rating perilaku, notes on some BerAKHLAK values, umpan balik). Yoga's June review and
# most quarter reviews are not written yet: a scorecard must show that, not invent a rating.
REVIEWS: tuple[tuple[str, str, str, dict[str, str], str], ...] = (
    (
        "Sari Wulandari",
        "2025-06",
        "di atas",
        {
            "berorientasi_pelayanan": "Cepat menanggapi pertanyaan warga di kolom komentar.",
            "kolaboratif": "Membantu Putri menyusun kalender konten.",
        },
        "Pertahankan; mulai bimbing rekan baru menulis hak jawab.",
    ),
    (
        "Putri Anggraini",
        "2025-06",
        "sesuai",
        {"adaptif": "Cepat menyesuaikan format reels.", "akuntabel": "Laporan mingguan tepat waktu."},
        "Perbanyak konten yang mengajak warga berinteraksi.",
    ),
    (
        "Dimas Prasetyo",
        "2025-06",
        "sesuai",
        {"kompeten": "Kualitas desain konsisten dengan panduan identitas visual."},
        "Kirim draf lebih awal agar ada waktu revisi.",
    ),
    (
        "Andi Nugroho",
        "2025-06",
        "di atas",
        {
            "berorientasi_pelayanan": "Klarifikasi isu banjir terbit dalam 6 jam.",
            "loyal": "Siaga di akhir pekan.",
        },
        "Tulis panduan singkat klarifikasi untuk tim.",
    ),
    (
        LEAVER,
        "2025-06",
        "di bawah",
        {"akuntabel": "Siaran pers terbit melewati batas 24 jam.", "harmonis": "Baik dengan rekan."},
        "Catatan serah terima pekerjaan sudah diterima. Terima kasih atas kontribusinya.",
    ),
    (
        "Sari Wulandari",
        "2025-Q2",
        "di atas",
        {"kompeten": "Menguasai penulisan hak jawab sesuai Pedoman Dewan Pers."},
        "Kandidat mentor penulisan untuk semester berikutnya.",
    ),
)


def _demo_password(home: Path) -> str:
    """The demo's shared password (gaung/demo.py writes it to demo-login.txt); created the same way."""
    path = home / "demo-login.txt"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        path.write_text(f"password {secrets.token_urlsafe(9)}\n", encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").split()[-1]


def _ensure_team(conn: Connection, password: str) -> dict[str, int]:
    """Logins and staff records, added when missing; returns staff ids by name."""
    ids: dict[str, int] = {}
    for person in TEAM:
        try:
            row = get_user_row(conn, person.login)
        except Exception:  # UserError: not there yet
            add_user(conn, person.login, password, person.role)
        else:
            if not verify_password(row["password_hash"], password)[0]:
                set_password(conn, person.login, password)  # demo-login.txt was lost and re-made
        found = conn.execute(sa.select(staff.c.id).where(staff.c.name == person.name)).scalar_one_or_none()
        if found is None:
            found = add_staff(
                conn,
                person.name,
                user_name=person.login,
                supervisor=None if person.name == HEAD else HEAD,
                team=TEAM_NAME,
                position=person.position,
                joined_on=person.joined_on,
            )
        ids[person.name] = int(found)
    return ids


def _play(
    conn: Connection, assignment_id: int, steps: Sequence[tuple[str, datetime, str]], note: str | None = None
) -> None:
    """Move through `steps` (status, when, who); `note` goes with a move back (a revision)."""
    for status, when, actor in steps:
        current = conn.execute(
            sa.select(assignments.c.status).where(assignments.c.id == assignment_id)
        ).scalar_one()
        back = work.STATUSES.index(status) < work.STATUSES.index(current)
        work.move_assignment(conn, assignment_id, status, actor=actor, at=when, note=note if back else None)


def _posts(
    conn: Connection,
    since: datetime,
    until: datetime,
    *,
    platforms: Sequence[str] = ("instagram", "facebook"),
    keyword: str | None = None,
    exclude: set[int] | frozenset[int] = frozenset(),
) -> list[Any]:
    """The office's posts published in [since, until), oldest first (ties by id): the demo's stable picks."""
    query = (
        sa.select(posts.c.id, posts.c.permalink, posts.c.published_at, posts.c.platform, posts.c.caption)
        .where(
            posts.c.published_at >= since,
            posts.c.published_at < until,
            posts.c.permalink.is_not(None),
            posts.c.platform.in_(list(platforms)),
        )
        .order_by(posts.c.published_at, posts.c.id)
    )
    if keyword:
        text = sa.func.lower(sa.func.coalesce(posts.c.caption, posts.c.title, ""))
        query = query.where(text.contains(keyword.lower()))
    return [row for row in conn.execute(query) if row.id not in exclude]


def _linked_posts(conn: Connection) -> set[int]:
    return {
        int(p)
        for p in conn.execute(
            sa.select(assignment_outputs.c.post_id).where(assignment_outputs.c.post_id.is_not(None))
        )
        .scalars()
        .all()
    }


def negative_issues(conn: Connection, limit: int) -> list[Any]:
    """The issues of mid-2025 an office would answer: negative stories naming its own people, agencies or
    programmes first (a place alone does not count: "JAKARTA -" datelines name the city in most national
    stories), then the most negative stories, the largest, the oldest id.
    """
    negative = sa.func.sum(sa.case((mentions.c.tone == "negative", 1), else_=0)).label("negative")
    first = sa.func.min(mentions.c.published_at).label("first")
    watched_mentions = (
        sa.select(mention_entities.c.mention_id)
        .where(mention_entities.c.watch_id.is_not(None), mention_entities.c.type != "PLACE")
        .distinct()
        .subquery()
    )
    watched = sa.func.count(watched_mentions.c.mention_id).label("watched")
    rows = conn.execute(
        sa.select(issues.c.id, issues.c.label, negative, first, watched)
        .join(mentions, mentions.c.issue_id == issues.c.id)
        .outerjoin(watched_mentions, watched_mentions.c.mention_id == mentions.c.id)
        .where(issues.c.merged_into.is_(None), mentions.c.published_at.is_not(None))
        .group_by(issues.c.id, issues.c.label, issues.c.size)
        .having(negative > 0)
        .order_by(sa.case((watched > 0, 0), else_=1), negative.desc(), issues.c.size.desc(), issues.c.id)
    ).all()
    return [r for r in rows if WINDOW[0] <= r.first < WINDOW[1]][:limit]


def good_story_ids(conn: Connection, limit: int) -> list[int]:
    """Good stories of mid-2025 from the kebaikan feed (its ranking), over the archive's last month."""
    from gaung.store.monitoring import good_stories, latest_mention_time

    latest = latest_mention_time(conn)
    if latest is None:
        return []
    ranked = good_stories(conn, latest, days=31, limit=50)
    inside = [
        int(r.story.id)
        for r in ranked
        if WINDOW[0] <= r.story.published_at.astimezone(UTC).replace(tzinfo=None) < WINDOW[1]
    ]
    return inside[:limit]


def _responses(conn: Connection, summary: dict[str, Any]) -> None:
    for n, (issue, (kind, hours, final, members)) in enumerate(
        zip(negative_issues(conn, len(RESPONSES)), RESPONSES, strict=False), start=1
    ):
        origin = issue.first
        writer = members[0][0].split()[0].lower()
        assignment_id = work.create_from_issue(
            conn,
            issue.id,
            kind,
            brief="Tanggapi pemberitaan negatif dengan data resmi dari dinas terkait.",
            due_at=origin + timedelta(hours=24),
            members=members,
            created_by="rina",
            at=origin + timedelta(hours=1),
        )
        published = origin + timedelta(hours=hours) if hours is not None else None
        steps = [("dikerjakan", origin + timedelta(hours=2), writer)]
        review_at = (published - timedelta(hours=2)) if published else origin + timedelta(hours=5)
        steps.append(("ditinjau", max(review_at, origin + timedelta(hours=3)), writer))
        if published is not None:
            steps.append(("terbit", published, "rina"))
        if final == "selesai":
            steps.append(("selesai", published + timedelta(hours=24) if published else origin, "rina"))
        _play(conn, assignment_id, steps)
        if published is not None:
            work.add_output(
                conn,
                assignment_id,
                RESPONSE_DOCS[kind].format(n=n),
                kind="document",
                title=f"Dokumen {kind.replace('_', ' ')}",
                published_at=published,
                added_by=writer,
                at=published,
            )
            # the office's own post of the answer, when one of its posts in the next days is about the issue
            words = [w.strip() for w in issue.label.split("—")[0].split("·") if len(w.strip()) > 3]
            follow = [
                p
                for p in _posts(conn, published, published + timedelta(days=3), exclude=_linked_posts(conn))
                if any(w.lower() in (p.caption or "").lower() for w in words)
            ]
            if follow:
                work.add_output(conn, assignment_id, follow[0].permalink, added_by=writer, at=published)
            work.add_comment(
                conn,
                assignment_id,
                "rina",
                "Sudah dicek dengan dinas terkait, silakan terbitkan.",
                at=published - timedelta(minutes=30),
            )
        summary["responses"] += 1


def _stories(conn: Connection, summary: dict[str, Any]) -> None:
    plans = (
        ("terbit", (("Putri Anggraini", "writer"), ("Dimas Prasetyo", "designer"))),
        ("dikerjakan", (("Yoga Firmansyah", "videographer"), ("Putri Anggraini", "writer"))),
    )
    for story_id, (final, members) in zip(good_story_ids(conn, len(plans)), plans, strict=False):
        published = conn.execute(
            sa.select(mentions.c.published_at).where(mentions.c.id == story_id)
        ).scalar_one()
        start = published + timedelta(hours=3)
        assignment_id = work.create_from_story(
            conn,
            story_id,
            brief="Angkat kabar baik ini menjadi konten singkat untuk Instagram.",
            due_at=start + timedelta(days=3),
            members=members,
            created_by="rina",
            at=start,
        )
        steps = [("dikerjakan", start + timedelta(hours=2), members[0][0].split()[0].lower())]
        if final == "terbit":
            pick = _posts(
                conn,
                start + timedelta(hours=4),
                start + timedelta(days=3),
                platforms=("instagram",),
                exclude=_linked_posts(conn),
            )
            if pick:
                steps.append(("terbit", pick[0].published_at, "rina"))
                _play(conn, assignment_id, steps)
                work.add_output(
                    conn, assignment_id, pick[0].permalink, added_by="putri", at=pick[0].published_at
                )
                summary["stories"] += 1
                continue
        _play(conn, assignment_id, steps)
        summary["stories"] += 1


def _campaigns(conn: Connection, summary: dict[str, Any]) -> None:
    for program, keyword, since, until, count, final, members, title in CAMPAIGNS:
        picks = _posts(conn, since, until, keyword=keyword, exclude=_linked_posts(conn))[:count]
        start = since + timedelta(hours=1)
        if picks:
            start = min(start, picks[0].published_at - timedelta(days=2))
        assignment_id = work.create_from_program(
            conn,
            program,
            title=title,
            brief=f"Materi kampanye {program}: kalender unggahan, desain, dan naskah keterangan.",
            due_at=until - timedelta(hours=15),  # 16:00 WIB on the period's last day
            members=members,
            created_by="rina",
            at=start,
        )
        writer = members[0][0].split()[0].lower()
        steps = [
            ("dikerjakan", start + timedelta(hours=3), writer),
            ("ditinjau", start + timedelta(days=1), writer),
        ]
        if picks:
            steps.append(("terbit", picks[0].published_at, "rina"))
            if final == "selesai":
                steps.append(("selesai", picks[-1].published_at + timedelta(days=1), "rina"))
        _play(conn, assignment_id, steps)
        for post in picks:
            work.add_output(conn, assignment_id, post.permalink, added_by=writer, at=post.published_at)
        summary["campaigns"] += 1


def _manual(conn: Connection, summary: dict[str, Any]) -> None:
    for title, kind, brief, start, moves, members, comment in MANUAL:
        assignment_id = work.create_assignment(
            conn,
            title,
            kind,
            brief=brief,
            due_at=start + timedelta(days=5) if moves else None,
            members=members,
            created_by="rina",
            at=start,
        )
        steps = [
            (status, start + timedelta(hours=6 * (k + 1)), "rina" if k else members[0][0].split()[0].lower())
            for k, status in enumerate(moves)
        ]
        _play(conn, assignment_id, steps, note="revisi")
        if comment:
            work.add_comment(conn, assignment_id, "rina", comment, at=start + timedelta(hours=1))
        summary["manual"] += 1


def _credit_posts(conn: Connection) -> int:
    """Credit the unlinked posts of May–July 2025 to their makers; never overwrite a hand-set credit."""
    linked = _linked_posts(conn)
    turn: dict[str, int] = {}
    credited = 0
    rows = conn.execute(
        sa.select(posts.c.id, posts.c.platform, posts.c.published_at)
        .where(
            posts.c.published_at >= WINDOW[0],
            posts.c.published_at < WINDOW[1],
            posts.c.credited_staff.is_(None),
        )
        .order_by(posts.c.published_at, posts.c.id)
    ).all()
    for row in rows:
        rotation = CREDIT_ROTATION.get(row.platform)
        if not rotation or row.id in linked:
            continue
        if row.published_at < datetime(2025, 6, 1) and row.platform == "facebook":
            name = LEAVER  # before he left, Bayu ran the Facebook page
        else:
            index = turn.get(row.platform, 0)
            turn[row.platform] = index + 1
            name = rotation[index % len(rotation)]
        conn.execute(sa.update(posts).where(posts.c.id == row.id).values(credited_staff=name))
        credited += 1
    return credited


def _skp(conn: Connection, ids: dict[str, int]) -> tuple[int, int]:
    set_at = datetime(2025, 5, 2, 2, 0)
    targets = 0
    for name, indicators in TARGETS.items():
        for indicator, june in indicators.items():
            if june is None:
                continue
            scale = (
                1
                if indicator in ("median_engagement_rate", "negative_answered_within", "assignments_on_time")
                else 3
            )
            for period, value in (("2025-06", june), ("2025-Q2", june * scale)):
                conn.execute(
                    skp_targets.insert().values(
                        staff_id=ids[name],
                        period=period,
                        indicator=indicator,
                        rhk=RHK[indicator],
                        target=float(value),
                        set_by="rina",
                        set_at=set_at,
                    )
                )
                targets += 1
    for name, period, rating, notes, feedback in REVIEWS:
        conn.execute(
            skp_reviews.insert().values(
                staff_id=ids[name],
                period=period,
                rating_perilaku=rating,
                perilaku_notes={key: notes[key] for key in BERAKHLAK if key in notes},
                feedback=feedback,
                reviewer_staff_id=ids[HEAD],
                reviewed_by="rina",
                reviewed_at=REVIEWED_ON,
            )
        )
    return targets, len(REVIEWS)


def load_demo_team(engine: Engine, settings: Any) -> dict[str, Any]:
    """Add the demo team and its work (once); returns what was added, counted by kind."""
    password = _demo_password(Path(settings.home))
    summary: dict[str, Any] = {
        "staff": 0,
        "responses": 0,
        "stories": 0,
        "campaigns": 0,
        "manual": 0,
        "credited_posts": 0,
        "targets": 0,
        "reviews": 0,
        "already_loaded": False,
    }
    with transaction(engine) as conn:
        before = int(conn.execute(sa.select(sa.func.count()).select_from(staff)).scalar_one())
        ids = _ensure_team(conn, password)
        summary["staff"] = (
            int(conn.execute(sa.select(sa.func.count()).select_from(staff)).scalar_one()) - before
        )
        if conn.execute(sa.select(audit_log.c.id).where(audit_log.c.action == MARKER)).first() is not None:
            summary["already_loaded"] = True
            return summary
        _responses(conn, summary)
        _stories(conn, summary)
        _campaigns(conn, summary)
        _manual(conn, summary)
        summary["credited_posts"] = _credit_posts(conn)
        summary["targets"], summary["reviews"] = _skp(conn, ids)
        leaver = find_staff(conn, LEAVER)
        if leaver["left_on"] is None:  # after his work is recorded: leavers cannot join new work
            mark_left(conn, int(leaver["id"]), LEFT_ON)
        audit(conn, None, MARKER, "demo", {k: v for k, v in summary.items() if k != "already_loaded"})
    return summary
