"""Regenerate the SYNTHETIC sample exports in this folder: `python gaung/data/content_samples/generate.py`.

Every number, caption, id and account here is invented (seeded random numbers); only the file layouts
follow the real exporters (headers as listed in docs/content-import.md). Deterministic: the same files
every run, zip member times included.
"""

from __future__ import annotations

import csv
import io
import itertools
import random
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent / "gaung" / "data" / "content_samples"
RNG = random.Random(20250601)
SEEDS = itertools.count(1)  # every synthetic post gets its own id, across all files

TOPICS = [
    ("banjir", "Pantau pintu air dan pompa: siaga banjir di {place}. #JakartaSiaga"),
    ("transportasi", "Rute baru Transjakarta {place} mulai beroperasi pekan ini. #JakartaBergerak"),
    ("pendidikan", "Pencairan KJP Plus tahap ini: cek jadwal untuk wilayah {place}. #KJPPlus"),
    ("kesehatan", "Posyandu keliling hadir di {place}, gratis untuk balita dan lansia. #JakartaSehat"),
    ("lingkungan", "Kerja bakti bersih kali di {place} bersama warga. #JakartaBersih"),
    ("layanan", "Urus dokumen kependudukan di {place} kini lebih cepat lewat JAKI. #LayananPublik"),
    ("budaya", "Festival budaya Betawi di {place} akhir pekan ini, yuk datang! #JakartaBerbudaya"),
]
PLACES = [
    "Kampung Melayu",
    "Cengkareng",
    "Kelapa Gading",
    "Tebet",
    "Cilincing",
    "Pasar Minggu",
    "Grogol",
    "Cakung",
    "Kemayoran",
    "Kebayoran Lama",
    "Duren Sawit",
    "Tanjung Priok",
]
PROGRAMS = {"banjir": "Jakarta Siaga Banjir", "pendidikan": "KJP Plus", "kesehatan": "Jakarta Sehat"}
START, END = date(2025, 4, 1), date(2025, 7, 10)


def _posts(count: int, start: date = START, end: date = END) -> list[dict]:
    span = (end - start).days
    posts = []
    for i in range(count):
        day = start + timedelta(days=round(i * span / max(count - 1, 1)))
        if date(2025, 6, 1) <= day <= date(2025, 6, 30) and RNG.random() < 0.5:  # June is busiest
            posts.append(_post(day))
        posts.append(_post(day))
    return sorted(posts, key=lambda p: p["when"])


def _post(day: date) -> dict:
    seed = next(SEEDS)
    topic, template = RNG.choice(TOPICS)
    when = datetime.combine(day, datetime.min.time()) + timedelta(
        hours=RNG.choice([7, 9, 12, 16, 19, 20]), minutes=RNG.randrange(60)
    )
    quality = RNG.lognormvariate(0, 0.8) * (1.6 if topic == "banjir" and day.month == 6 else 1.0)
    return {
        "topic": topic,
        "caption": template.format(place=RNG.choice(PLACES)),
        "when": when,
        "quality": quality,
        "seed": seed,
    }


def _n(value: float) -> int:
    return max(0, round(value))


def _write(
    name: str, header: list[str], rows: list[list], *, sep: str = ",", bom: bool = False, preamble: str = ""
) -> None:
    buffer = io.StringIO()
    buffer.write(preamble)
    writer = csv.writer(buffer, delimiter=sep, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    (HERE / name).write_text(("\ufeff" if bom else "") + buffer.getvalue(), encoding="utf-8")


def _zip(name: str, members: dict[str, tuple[list[str], list[list]]], when: datetime) -> None:
    with zipfile.ZipFile(HERE / name, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, (header, rows) in members.items():
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
            info = zipfile.ZipInfo(member, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, "\ufeff" + buffer.getvalue())


# -- Meta Business Suite ----------------------------------------------------------------------------

FB_HEADER = [
    "Post ID",
    "Page ID",
    "Page name",
    "Title",
    "Description",
    "Duration (sec)",
    "Publish time",
    "Caption type",
    "Permalink",
    "Is crosspost",
    "Is share",
    "Post type",
    "Languages",
    "Custom labels",
    "Funded content status",
    "Data comment",
    "Date",
    "Views",
    "Reach",
    "Reactions, Comments and Shares",
    "Reactions",
    "Comments",
    "Shares",
    "Total clicks",
    "Other Clicks",
    "Matched Audience Targeting Consumption (Photo Click)",
    "Link Clicks",
    "Seconds viewed",
    "Average Seconds viewed",
]
FB_HEADER_ID = [
    "ID Postingan",
    "ID Halaman",
    "Nama Halaman",
    "Judul",
    "Deskripsi",
    "Durasi (detik)",
    "Waktu publikasi",
    "Jenis keterangan",
    "Tautan permanen",
    "Adalah postingan silang",
    "Adalah bagikan",
    "Jenis postingan",
    "Bahasa",
    "Label kustom",
    "Status konten berbayar",
    "Komentar data",
    "Tanggal",
    "Tayangan",
    "Jangkauan",
    "Reaksi, komentar, dan bagikan",
    "Reaksi",
    "Komentar",
    "Dibagikan",
    "Total klik",
    "Klik lainnya",
    "Konsumsi Penargetan Pemirsa yang Cocok (Klik Foto)",
    "Klik tautan",
    "Detik ditonton",
    "Rata-rata detik ditonton",
]
FB_PAGE_ID, FB_PAGE = "100000000000001", "Diskominfotik Jakarta (SYNTHETIC)"
FB_TYPES = [("Photos", None), ("Videos", 95), ("Reels", 38), ("Links", None), ("Photos", None)]


def facebook_rows(
    posts: list[dict], growth: float, *, day_first: bool = False, old: bool = False
) -> list[list]:
    rows = []
    for post in posts:
        post_type, duration = FB_TYPES[post["seed"] % len(FB_TYPES)]
        q = post["quality"] * growth
        views = _n(4200 * q)
        reach = _n(views * 0.62)
        reactions, comments, shares = _n(views * 0.031), _n(views * 0.004), _n(views * 0.006 * q)
        when = post["when"].strftime("%d/%m/%Y %H:%M" if day_first else "%m/%d/%Y %H:%M")
        post_id = f"{FB_PAGE_ID}_{900000 + post['seed']}"
        seconds = _n(views * (duration or 0) * 0.35) if duration else ""
        rows.append(
            [
                post_id,
                FB_PAGE_ID,
                FB_PAGE,
                "",
                post["caption"],
                duration or "",
                when,
                "",
                f"https://www.facebook.com/{FB_PAGE_ID}/posts/pfbid0SYNTH{post['seed']}",
                "No",
                "No",
                post_type,
                "",
                PROGRAMS.get(post["topic"], ""),
                "",
                "",
                "Lifetime",
                views,
                reach,
                reactions + comments + shares,
                reactions,
                comments,
                shares,
                _n(views * 0.02),
                _n(views * 0.012),
                _n(views * 0.003) if post_type == "Photos" else 0,
                _n(views * 0.005) if post_type == "Links" else 0,
                seconds,
                round(duration * 0.35, 1) if duration else "",
            ]
        )
        if old:  # older files: Impressions where newer ones have Views (impressions ≈ 1.3 × reach)
            rows[-1][17] = _n(reach * 1.3)
    return rows


IG_HEADER = [
    "Post ID",
    "Account ID",
    "Account username",
    "Account name",
    "Description",
    "Duration (sec)",
    "Publish time",
    "Permalink",
    "Post type",
    "Data comment",
    "Date",
    "Views",
    "Reach",
    "Likes",
    "Shares",
    "Follows",
    "Comments",
    "Saves",
]
IG_HEADER_ID = [
    "ID Postingan",
    "ID Akun",
    "Nama pengguna akun",
    "Nama akun",
    "Deskripsi",
    "Durasi (detik)",
    "Waktu publikasi",
    "Tautan permanen",
    "Jenis postingan",
    "Komentar data",
    "Tanggal",
    "Tayangan",
    "Jangkauan",
    "Suka",
    "Dibagikan",
    "Mengikuti",
    "Komentar",
    "Disimpan",
]
IG_ID, IG_USER, IG_NAME = "17841400000000001", "synthetic.diskominfotik", "Diskominfotik Jakarta (SYNTHETIC)"
IG_TYPES = [("IG image", None), ("IG reel", 32), ("IG carousel", None), ("IG reel", 58)]


def instagram_rows(posts: list[dict], *, day_first: bool = False) -> list[list]:
    rows = []
    for post in posts:
        post_type, duration = IG_TYPES[post["seed"] % len(IG_TYPES)]
        q = post["quality"] * (2.2 if post_type == "IG reel" else 1.0)
        views = _n(6100 * q)
        when = post["when"].strftime("%d/%m/%Y %H:%M" if day_first else "%m/%d/%Y %H:%M")
        rows.append(
            [
                f"1800000000{post['seed']:05d}",
                IG_ID,
                IG_USER,
                IG_NAME,
                post["caption"],
                duration or 0,
                when,
                f"https://www.instagram.com/p/SYNTH{post['seed']:05d}/",
                post_type,
                "",
                "Lifetime",
                views,
                _n(views * 0.55),
                _n(views * 0.045),
                _n(views * 0.008 * q),
                _n(views * 0.0007),
                _n(views * 0.003),
                _n(views * 0.006),
            ]
        )
    return rows


# -- TikTok Studio ----------------------------------------------------------------------------------

TT_HANDLE = "synthetic.jakarta"


def _tiktok_day(day: date, indonesian: bool) -> str:
    months_id = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    return f"{day.day} {months_id[day.month - 1]}" if indonesian else f"{day:%B} {day.day}"


def tiktok_zip(name: str, first: date, last: date, exported: datetime, *, indonesian: bool = False) -> None:
    posts = _posts(34, first, last)
    content = []
    for post in posts:
        q = post["quality"] * 1.8
        views = _n(9000 * q)
        day = _tiktok_day(post["when"].date(), indonesian)
        content.append(
            [
                day,
                post["caption"],
                f"https://www.tiktok.com/@{TT_HANDLE}/video/75{post['seed']:017d}",
                day,
                _n(views * 0.07),
                _n(views * 0.004),
                _n(views * 0.009 * q),
                views,
            ]
        )
    overview, history = [], []
    followers = 12_400
    day = first
    while day <= last:
        new = RNG.randrange(15, 120)
        lost = RNG.randrange(0, 20)
        followers += new - lost
        label = _tiktok_day(day, indonesian)
        overview.append(
            [
                label,
                RNG.randrange(2000, 30000),
                RNG.randrange(80, 600),
                RNG.randrange(200, 2500),
                RNG.randrange(5, 120),
                RNG.randrange(10, 300),
                new,
            ]
        )
        history.append([label, followers, new - lost])
        day += timedelta(days=1)
    if indonesian:
        members = {
            "Konten.csv": (
                [
                    "Waktu",
                    "Judul video",
                    "Tautan video",
                    "Waktu posting",
                    "Total suka",
                    "Total komentar",
                    "Total bagikan",
                    "Total penayangan",
                ],
                content,
            ),
            "Ikhtisar.csv": (
                [
                    "Tanggal",
                    "Penayangan video",
                    "Penayangan profil",
                    "Suka",
                    "Komentar",
                    "Bagikan",
                    "Pengikut baru",
                ],
                overview,
            ),
            "RiwayatPengikut.csv": (
                ["Tanggal", "Pengikut", "Selisih pengikut dari hari sebelumnya"],
                history,
            ),
        }
    else:
        members = {
            "Content.csv": (
                [
                    "Time",
                    "Video title",
                    "Video link",
                    "Post time",
                    "Total likes",
                    "Total comments",
                    "Total shares",
                    "Total views",
                ],
                content,
            ),
            "Overview.csv": (
                ["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares", "New followers"],
                overview,
            ),
            "FollowerHistory.csv": (
                ["Date", "Followers", "Difference in followers from previous day"],
                history,
            ),
            "FollowerActivity.csv": (
                ["Date", "Hour", "Active followers"],
                [[_tiktok_day(last, False), h, RNG.randrange(200, 3000)] for h in range(24)],
            ),
        }
    _zip(name, members, exported)


# -- YouTube Studio ---------------------------------------------------------------------------------

YT_HEADER = [
    "Content",
    "Video title",
    "Video publish time",
    "Duration",
    "Views",
    "Watch time (hours)",
    "Average view duration",
    "Average percentage viewed (%)",
    "Impressions",
    "Impressions click-through rate (%)",
    "Likes",
    "Shares",
    "Subscribers gained",
]
YT_HEADER_ID = [
    "Konten",
    "Judul video",
    "Waktu publikasi video",
    "Durasi",
    "Penayangan",
    "Waktu tonton (jam)",
    "Durasi rata-rata penayangan",
    "Persentase rata-rata yang ditonton (%)",
    "Tayangan",
    "Rasio klik-tayang tayangan (%)",
    "Suka",
    "Dibagikan",
    "Subscriber yang diperoleh",
]


def youtube_zip(name: str, *, indonesian: bool = False) -> None:
    posts = _posts(16)
    rows, chart = [], []
    months_id = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    for post in posts:
        duration = RNG.choice([45, 58, 180, 420, 900])
        views = _n(1500 * post["quality"] * (2.5 if duration < 60 else 1))
        percent = round(min(95.0, RNG.uniform(25, 60) * (1.6 if duration < 60 else 1)), 2)
        avg = duration * percent / 100
        video_id = f"SYNTH{post['seed']:06d}"
        day = post["when"].date()
        published = (
            f"{day.day} {months_id[day.month - 1]} {day.year}"
            if indonesian
            else f"{day:%b} {day.day}, {day.year}"
        )
        rows.append(
            [
                video_id,
                post["caption"][:70],
                published,
                duration,
                views,
                round(views * avg / 3600, 4),
                f"0:{int(avg) // 60:02d}:{int(avg) % 60:02d}",
                percent,
                _n(views * 9),
                round(RNG.uniform(2, 9), 2),
                _n(views * 0.04),
                _n(views * 0.006),
                _n(views * 0.002),
            ]
        )
    total = [
        "Total",
        "",
        "",
        "",
        sum(r[4] for r in rows),
        round(sum(r[5] for r in rows), 4),
        "",
        "",
        sum(r[8] for r in rows),
        "",
        sum(r[10] for r in rows),
        sum(r[11] for r in rows),
        sum(r[12] for r in rows),
    ]
    day = date(2025, 4, 1)
    while day <= date(2025, 7, 10):
        for r in rows[:3]:
            chart.append([day.isoformat(), r[0], r[1], r[2], r[3], RNG.randrange(0, 200)])
        day += timedelta(days=1)
    header = YT_HEADER_ID if indonesian else YT_HEADER
    chart_header = ["Tanggal" if indonesian else "Date", *header[:4], header[4]]
    members = {
        "Table data.csv": (header, [total, *rows]),
        "Chart data.csv": (chart_header, chart),
        "Totals.csv": (
            [chart_header[0], header[4]],
            [[d, 100 + i] for i, d in enumerate(sorted({c[0] for c in chart}))],
        ),
    }
    _zip(name, members, datetime(2025, 7, 11, 9, 30))


# -- X ----------------------------------------------------------------------------------------------

X_HEADER = [
    "Post id",
    "Date",
    "Post text",
    "Post Link",
    "Impressions",
    "Likes",
    "Engagements",
    "Bookmarks",
    "Shares",
    "New follows",
    "Replies",
    "Reposts",
    "Profile visits",
    "Detail Expands",
    "URL Clicks",
    "Hashtag Clicks",
    "Permalink Clicks",
]
X_HEADER_ID = [
    "ID postingan",
    "Tanggal",
    "Teks postingan",
    "Tautan postingan",
    "Impresi",
    "Suka",
    "Interaksi",
    "Markah",
    "Bagikan",
    "Pengikut baru",
    "Balasan",
    "Posting ulang",
    "Kunjungan profil",
    "Perluasan detail",
    "Klik URL",
    "Klik tagar",
    "Klik permalink",
]
X_HANDLE = "synthetic_jkt"


def x_rows(posts: list[dict], *, indonesian: bool = False) -> list[list]:
    rows = []
    days_id = ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"]
    months_id = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    for post in posts:
        imp = _n(2500 * post["quality"])
        when = post["when"]
        shown = (
            f"{days_id[when.weekday()]}, {when.day:02d} {months_id[when.month - 1]} {when.year}"
            if indonesian
            else when.strftime("%a, %b %d, %Y")
        )
        likes, replies, reposts = _n(imp * 0.02), _n(imp * 0.003), _n(imp * 0.004)
        text = post["caption"] + (" https://t.co/synth" if post["seed"] % 3 == 0 else "")
        rows.append(
            [
                f"19000000000000{post['seed']:05d}",
                shown,
                text,
                f"https://x.com/{X_HANDLE}/status/19000000000000{post['seed']:05d}",
                imp,
                likes,
                likes + replies + reposts + _n(imp * 0.01),
                _n(imp * 0.001),
                _n(imp * 0.0005),
                _n(imp * 0.0004),
                replies,
                reposts,
                _n(imp * 0.004),
                _n(imp * 0.006),
                _n(imp * 0.002),
                _n(imp * 0.001),
                _n(imp * 0.0008),
            ]
        )
    return rows


X_LEGACY_HEADER = [
    "Tweet id",
    "Tweet permalink",
    "Tweet text",
    "time",
    "impressions",
    "engagements",
    "engagement rate",
    "retweets",
    "replies",
    "likes",
    "user profile clicks",
    "url clicks",
    "hashtag clicks",
    "detail expands",
    "permalink clicks",
    "app opens",
    "app installs",
    "follows",
    "email tweet",
    "dial phone",
    "media views",
    "media engagements",
]


def x_legacy_rows(posts: list[dict]) -> list[list]:
    rows = []
    for post in posts:
        imp = _n(1800 * post["quality"])
        eng = _n(imp * 0.03)
        tweet_id = f"16300000000000{post['seed']:05d}"
        rows.append(
            [
                tweet_id,
                f"https://twitter.com/{X_HANDLE}/status/{tweet_id}",
                post["caption"],
                (post["when"] - timedelta(hours=7)).strftime("%Y-%m-%d %H:%M +0000"),
                imp,
                eng,
                round(eng / max(imp, 1), 6),
                _n(imp * 0.004),
                _n(imp * 0.003),
                _n(imp * 0.018),
                _n(imp * 0.004),
                _n(imp * 0.002),
                0,
                _n(imp * 0.005),
                0,
                "-",
                "-",
                0,
                "-",
                "-",
                0,
                0,
            ]
        )
    return rows


# -- GA4 --------------------------------------------------------------------------------------------

GA4_PAGES = [
    "/",
    "/berita",
    "/layanan/kjp-plus",
    "/layanan/ktp-elektronik",
    "/siaga-banjir",
    "/pengumuman",
    "/transportasi/rute-transjakarta",
    "/kesehatan/posyandu-keliling",
    "/agenda",
    "/kontak",
    "/berita/festival-betawi-2025",
    "/berita/pintu-air-manggarai",
    "/ppid",
    "/lowongan",
]


def ga4_file(name: str, start: date, end: date, *, indonesian: bool = False, boost: float = 1.0) -> None:
    if indonesian:
        preamble = (
            "# ----------------------------------------\n# Halaman dan layar: Jalur halaman dan kelas layar\n"
            "# Akun: Diskominfotik DKI (SYNTHETIC)\n# Properti: jakarta.go.id (SYNTHETIC)\n"
            "# ----------------------------------------\n#\n"
            f"# Tanggal mulai: {start:%Y%m%d}\n# Tanggal akhir: {end:%Y%m%d}\n"
        )
        header = [
            "Jalur halaman dan kelas layar",
            "Tampilan",
            "Pengguna aktif",
            "Tampilan per pengguna aktif",
            "Waktu interaksi rata-rata per pengguna aktif",
            "Jumlah peristiwa",
            "Peristiwa utama",
            "Total pendapatan",
        ]
    else:
        preamble = (
            "# ----------------------------------------\n# Pages and screens: Page path and screen class\n"
            "# Account: Diskominfotik DKI (SYNTHETIC)\n# Property: jakarta.go.id (SYNTHETIC)\n"
            "# ----------------------------------------\n#\n"
            f"# Start date: {start:%Y%m%d}\n# End date: {end:%Y%m%d}\n"
        )
        header = [
            "Page path and screen class",
            "Views",
            "Active users",
            "Views per active user",
            "Average engagement time per active user",
            "Event count",
            "Key events",
            "Total revenue",
        ]
    rows = []
    for i, page in enumerate(GA4_PAGES):
        views = _n(60000 / (i + 1) * RNG.uniform(0.7, 1.3) * (boost if "banjir" in page else 1))
        users = _n(views / RNG.uniform(1.3, 2.4))
        rows.append(
            [
                page,
                views,
                users,
                round(views / max(users, 1), 2),
                round(RNG.uniform(12, 140), 2),
                _n(views * 3.1),
                _n(views * 0.02),
                0,
            ]
        )
    rows.sort(key=lambda r: -r[1])
    # GA4 puts the report's totals first, with an empty dimension cell
    total = [
        "",
        sum(r[1] for r in rows),
        sum(r[2] for r in rows),
        "",
        "",
        sum(r[5] for r in rows),
        sum(r[6] for r in rows),
        0,
    ]
    _write(name, header, [total, *rows], preamble=preamble + "\n")


def main() -> None:
    fb_posts = _posts(42)
    _write(
        "SYNTHETIC_meta_facebook_posts_2025-06-20.csv",
        FB_HEADER,
        facebook_rows([p for p in fb_posts if p["when"] < datetime(2025, 6, 20)], 0.72),
        bom=True,
    )
    _write("SYNTHETIC_meta_facebook_posts_2025-07-15.csv", FB_HEADER, facebook_rows(fb_posts, 1.0), bom=True)
    _write(
        "SYNTHETIC_id_meta_facebook_posts.csv",
        FB_HEADER_ID,
        facebook_rows(_posts(8, date(2025, 6, 13), date(2025, 6, 28)), 1.0, day_first=True),
        bom=True,
    )
    old_fb = facebook_rows(_posts(10, date(2024, 3, 1), date(2024, 6, 28)), 1.0, old=True)
    _write(
        "SYNTHETIC_meta_facebook_posts_2024_impressions.csv",
        [h if h != "Views" else "Impressions" for h in FB_HEADER],
        old_fb,
        bom=True,
    )
    ig_posts = _posts(40)
    _write("SYNTHETIC_meta_instagram_posts_2025-07-15.csv", IG_HEADER, instagram_rows(ig_posts), bom=True)
    old_ig = instagram_rows(_posts(12, date(2024, 3, 1), date(2024, 6, 30)))
    _write(
        "SYNTHETIC_meta_instagram_posts_2024_impressions.csv",
        [h if h != "Views" else "Impressions" for h in IG_HEADER],
        old_ig,
        bom=True,
    )
    _write(
        "SYNTHETIC_id_meta_instagram_posts.csv",
        IG_HEADER_ID,
        instagram_rows(_posts(8, date(2025, 6, 2), date(2025, 6, 27)), day_first=True),
        bom=True,
    )
    tiktok_zip(
        "SYNTHETIC_tiktok_studio_export.zip", date(2025, 4, 1), date(2025, 6, 30), datetime(2025, 7, 1, 8, 0)
    )
    tiktok_zip(
        "SYNTHETIC_id_tiktok_studio_export.zip",
        date(2025, 12, 10),
        date(2026, 1, 8),
        datetime(2026, 1, 9, 10, 0),
        indonesian=True,
    )  # crosses the new year: years are inferred
    youtube_zip("SYNTHETIC_youtube_studio_content.zip")
    youtube_zip("SYNTHETIC_id_youtube_studio_content.zip", indonesian=True)
    _write("SYNTHETIC_x_post_analytics.csv", X_HEADER, x_rows(_posts(50)))
    _write(
        "SYNTHETIC_id_x_post_analytics.csv",
        X_HEADER_ID,
        x_rows(_posts(8, date(2025, 6, 1), date(2025, 6, 29)), indonesian=True),
    )
    _write(
        "SYNTHETIC_x_tweet_activity_legacy.csv",
        X_LEGACY_HEADER,
        x_legacy_rows(_posts(20, date(2023, 3, 1), date(2023, 3, 31))),
    )
    _write(
        "SYNTHETIC_id_x_tweet_activity_legacy.csv",
        [
            "ID tweet",
            "Permalink tweet",
            "Teks tweet",
            "Waktu",
            "Impresi",
            "Interaksi",
            "Tingkat interaksi",
            "Retweet",
            "Balasan",
            "Suka",
            "Klik profil pengguna",
            "Klik URL",
            "Klik tagar",
            "Perluasan detail",
            "Klik permalink",
            "Aplikasi dibuka",
            "Aplikasi dipasang",
            "Mengikuti",
            "Kirim email tweet",
            "Panggil telepon",
            "Tayangan media",
            "Interaksi media",
        ],
        x_legacy_rows(_posts(5, date(2023, 4, 1), date(2023, 4, 20))),
    )
    ga4_file("SYNTHETIC_ga4_pages_and_screens_2025-05.csv", date(2025, 5, 1), date(2025, 5, 31))
    ga4_file("SYNTHETIC_ga4_pages_and_screens_2025-06.csv", date(2025, 6, 1), date(2025, 6, 30), boost=2.5)
    ga4_file("SYNTHETIC_id_ga4_pages_and_screens.csv", date(2025, 6, 1), date(2025, 6, 30), indonesian=True)
    bad_inputs()


def bad_inputs() -> None:
    bad = HERE / "bad"
    # BOM + semicolons + Excel quoting (doubled quotes, ="…" ids, a multi-line caption) + local numbers
    text = (
        '\ufeffsep=;\n"Post ID";"Account ID";"Account username";"Account name";"Description";"Duration (sec)";'  # noqa: E501  (a CSV row's exact text)
        '"Publish time";"Permalink";"Post type";"Data comment";"Date";"Views";"Reach";"Likes";"Shares";"Follows";'  # noqa: E501  (a CSV row's exact text)
        '"Comments";"Saves"\n'
        '="18000000000000001";="17841400000000009";"synthetic.excel";"Excel (SYNTHETIC)";"Kata ""banjir"" '
        'dan\nbaris kedua";"0";"15/06/2025 09:15";"https://www.instagram.com/p/SYNTHX1/";"IG image";"";"Lifetime";'  # noqa: E501  (a CSV row's exact text)
        '"1.234";"1,2K";"3,4 rb";"12";"1";"1.050";"7"\n'
        '="18000000000000002";="17841400000000009";"synthetic.excel";"Excel (SYNTHETIC)";"Reel; pakai titik koma";'  # noqa: E501  (a CSV row's exact text)
        '"45";"16/06/2025 19:00";"https://www.instagram.com/p/SYNTHX2/";"IG reel";"";"Lifetime";"1,5 jt";"1.2M";'  # noqa: E501  (a CSV row's exact text)
        '"25.000";"1.234";"3";"98";"1.001"\n'
        '="18000000000000003";="17841400000000009";"synthetic.excel";"Excel (SYNTHETIC)";"Baris rusak";"0";'
        '"bukan tanggal";"";"IG image";"";"Lifetime";"12";"10";"1";"0";"0";"0";"0"\n'
    )
    (bad / "SYNTHETIC_bad_bom_semicolon_excel_instagram.csv").write_text(text, encoding="utf-8")
    (bad / "SYNTHETIC_bad_missing_columns_facebook.csv").write_text(
        '"Post ID","Page ID","Page name",Title,Description,Views,Reach\n'
        "100000000000001_1,100000000000001,Synthetic,,Tanpa waktu publikasi,10,5\n",
        encoding="utf-8",
    )
    (bad / "SYNTHETIC_bad_unrelated.csv").write_text(
        "nama,alamat,nomor_telepon\nBudi (SYNTHETIC),Jl. Contoh 1,0800000000\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
