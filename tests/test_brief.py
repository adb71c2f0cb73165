"""The daily brief: built from real fixture articles, rendered to HTML and an A4 PDF, stored, scheduled.

The archive is the scraped-2025 sample (real Indonesian news, mostly 18 June 2025) plus a few stories
written for this test so that every section has something to say: a negative issue about the office
carried by one outlet (→ hak jawab), one carried by two (→ klarifikasi), a negative issue elsewhere that is
not the office's to answer, a good story about a watched name (→ amplify), a social post, a hostile
headline, and the office's own Facebook export. The PDF is checked with poppler's
pdftoppm/pdftotext, as a reader would see it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from webhelpers import HOSTILE, csrf

from gaung.brief import speakers as speakers_module
from gaung.brief.charts import outlet_share
from gaung.brief.data import OutletShare, build_brief_data, day_window
from gaung.brief.errors import BriefError
from gaung.brief.render import render_html
from gaung.brief.schedule import due_day, run_scheduled_brief
from gaung.brief.service import brief_subject, brief_text, make_brief
from gaung.brief.settings import brief_settings_from_dict
from gaung.brief.speakers import QUOTE_TONE_MAX_PER_SPEAKER, plausible_name
from gaung.brief.store import get_brief, list_briefs
from gaung.cli import app
from gaung.config import settings_from_dict, settings_from_toml
from gaung.content.importers import import_file
from gaung.demo import DEMO_DIR
from gaung.errors import ConfigError
from gaung.ingest.scheduler import Monitor
from gaung.store.db import transaction
from gaung.store.reports import OFFICE_TZ
from gaung.store.schema import (
    assignments,
    briefs,
    deliveries,
    delivery_items,
    issues,
    mention_entities,
    mention_quotes,
    mentions,
)
from gaung.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLES = Path(__file__).parent.parent / "gaung" / "data" / "content_samples"
DAY = date(2025, 6, 18)
EMPTY_DAY = date(2024, 1, 1)
HEADINGS_ID = [
    "Konklusi",
    "Statistik",
    "Isu Utama",
    "Tren Nada Pemberitaan",
    "Eksposur Media",
    "Narasumber",
    "Rekap Kliping",
    "Media Sosial",
    "Kinerja Konten",
    "Rekomendasi",
]
HEADINGS_EN = [
    "Conclusion",
    "Statistics",
    "Main issues",
    "Tone over time",
    "Media exposure",
    "Speakers",
    "Clipping recap",
    "Social media",
    "Content performance",
    "Recommendations",
]
SECTION_IDS = [
    "konklusi",
    "statistik",
    "isu-utama",
    "tone",
    "eksposur",
    "narasumber",
    "kliping",
    "media-sosial",
    "kinerja-konten",
    "rekomendasi",
]
HOSTILE_SITE = "Evil<script>alert(2)</script>.example"
DEMO_BASE_URL = "http://127.0.0.1:8000"  # [brief] base_url of the demo's gaung.toml


def unavailable(reason: str) -> None:
    """Skip with `reason`, or fail under CI=true, where the PDF tools are installed by `make system-deps`."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true makes the PDF tests mandatory: run `make system-deps`)")
    pytest.skip(reason)


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        unavailable(f"{tool} is missing: run `make system-deps` (Debian's poppler-utils)")
    assert path is not None
    return path


def pdf_engine() -> None:
    try:
        import weasyprint  # noqa: F401
    except OSError as exc:  # Pango missing
        unavailable(f"WeasyPrint cannot load Pango ({exc}): run `make system-deps`")


def story(url: str, site: str, title: str, text: str, when: str, **extra: object) -> dict[str, object]:
    return {"url": url, "source": site, "title": title, "text": text, "date": when, **extra}


# Written for this test (no outlet published them); each text is distinct so none is taken for a copy.
EXTRA_STORIES = [
    story(
        "https://kritik.example/banjir-rob-1",
        "kritik.example",
        "Banjir rob rendam Muara Angke, warga kecam Pemprov lamban",
        "Banjir rob kembali merendam permukiman nelayan di Muara Angke sejak subuh. Warga menilai Pemprov DKI "
        "lamban memperbaiki tanggul yang jebol sejak bulan lalu. Ketua RW setempat mengatakan pompa air tidak "
        "berfungsi dan petugas belum datang.",
        "2025-06-18 08:00",
    ),
    story(
        "https://kritik.example/banjir-rob-2",
        "kritik.example",
        "Tanggul jebol belum diperbaiki, nelayan Muara Angke merugi",
        "Nelayan di pesisir utara Jakarta tidak bisa melaut selama tiga hari karena air laut masuk ke "
        "permukiman. Mereka menuntut perbaikan tanggul segera dan menyebut janji pemerintah tidak ditepati.",
        "2025-06-18 09:30",
    ),
    story(
        "https://kritik.example/banjir-rob-3",
        "kritik.example",
        "Pengungsi banjir rob keluhkan minimnya bantuan",
        "Sebanyak dua ratus pengungsi di masjid Al-Ikhlas mengeluhkan bantuan makanan yang datang terlambat. "
        "Relawan menyebut dapur umum baru berdiri sore hari dan stok air bersih menipis.",
        "2025-06-18 11:15",
    ),
    story(
        "https://a.example/kjp-terlambat",
        "a.example",
        "Pencairan KJP terlambat, orang tua siswa kecewa",
        "Sejumlah orang tua siswa penerima Kartu Jakarta Pintar mengeluhkan pencairan dana yang mundur. "
        "Mereka harus meminjam uang untuk membeli seragam menjelang tahun ajaran baru.",
        "2025-06-18 13:00",
    ),
    story(
        "https://b.example/kjp-antrean",
        "b.example",
        "Antrean panjang di bank, penerima KJP menunggu berjam-jam",
        "Antrean penerima KJP mengular di kantor cabang bank sejak pagi. Petugas mengakui sistem sempat "
        "gangguan sehingga transaksi tertunda hingga siang.",
        "2025-06-18 14:30",
    ),
    # a land case far from the office: negative, but no watchlist name (only a place would not count either)
    story(
        "https://daerah.example/mafia-tanah-1",
        "daerah.example",
        "Mafia tanah rampas sawah warga Bantul",
        "Seorang petani lansia di Bantul kehilangan sertifikat sawahnya setelah ditipu sindikat mafia tanah. "
        "Keluarganya kecewa karena laporan ke polisi tidak kunjung ditindaklanjuti.",
        "2025-06-18 12:00",
    ),
    story(
        "https://lain.example/mafia-tanah-2",
        "lain.example",
        "Korban mafia tanah Bantul digugat balik para tersangka",
        "Petani korban sindikat tanah di Bantul justru digugat balik oleh para tersangka di pengadilan negeri. "
        "Kuasa hukumnya menyebut gugatan itu tidak masuk akal dan menyakiti korban.",
        "2025-06-18 12:40",
    ),
    story(
        "https://baik.example/taman-cakung",
        "baik.example",
        "Gubernur Pramono Anung resmikan taman ramah anak di Cakung",
        "Gubernur DKI Jakarta Pramono Anung meresmikan taman ramah anak di Cakung yang dibangun bersama warga. "
        "Taman ini dilengkapi perpustakaan kecil dan lapangan bermain yang aman.",
        "2025-06-18 15:00",
    ),
    story(
        "https://instagram.example/p/transjakarta-nyaman",
        "instagram.com",
        "",
        "Naik Transjakarta pagi ini cepat dan nyaman, halte baru di Kalideres bersih banget!",
        "2025-06-18 07:45",
        platform="instagram",
        author="@warga_kalideres",
        likes=120,
        comments=8,
    ),
    story(
        "https://contoh.example/hostile-brief",
        "contoh.example",
        "Banjir rob hostile",
        "Banjir rob melanda pesisir Jakarta Utara. Warga mengungsi ke masjid terdekat.",
        "2025-06-18 10:00",
    ),
]


def _ids(conn: sa.Connection, fragment: str) -> list[int]:
    return [
        int(i)
        for (i,) in conn.execute(
            sa.select(mentions.c.id)
            .where(mentions.c.canonical_url.contains(fragment))
            .order_by(mentions.c.id)
        )
    ]


def load_archive(ws: Workspace, root: Path) -> dict[str, int]:
    """Import the sample and the extra stories, then fix the tones and issues the scenario needs."""
    ws.import_path(FIXTURES / "archive" / "scraped_2025_sample.csv")
    extra = root / "extra.jsonl"
    extra.write_text("\n".join(json.dumps(s, ensure_ascii=False) for s in EXTRA_STORIES), encoding="utf-8")
    summary = ws.import_path(extra)
    assert summary.new == len(EXTRA_STORIES), summary.problems
    import_file(
        ws.engine,
        SAMPLES / "SYNTHETIC_meta_facebook_posts_2025-06-20.csv",
        exported_at=datetime(2025, 6, 20, 2),
    )
    now = datetime(2025, 6, 18, 12)
    with transaction(ws.engine) as conn:
        found = {}
        for key, label, fragment in (
            ("uji-brief-rob", "Banjir rob Muara Angke", "kritik.example/banjir-rob"),
            ("uji-brief-kjp", "Pencairan KJP terlambat", "kjp-"),
            ("uji-brief-bantul", "Mafia tanah Bantul", "/mafia-tanah-"),
        ):
            issue_id = int(
                conn.execute(
                    issues.insert().values(
                        key=key,
                        label=label,
                        size=0,
                        outlets=0,
                        first_seen_at=now,
                        last_seen_at=now,
                        renamed=True,
                    )
                ).inserted_primary_key[0]  # type: ignore[index]
            )
            conn.execute(
                sa.update(mentions)
                .where(mentions.c.id.in_(_ids(conn, fragment)))
                .values(issue_id=issue_id, tone="negative")
            )
            found[key] = issue_id
        (good,) = _ids(conn, "baik.example/taman-cakung")
        conn.execute(
            sa.update(mentions)
            .where(mentions.c.id == good)
            .values(tone="positive", tone_scores={"positive": 0.97, "neutral": 0.02, "negative": 0.01})
        )
        watched = conn.execute(
            sa.select(mention_entities.c.id).where(
                mention_entities.c.mention_id == good, mention_entities.c.watch_id == "pramono-anung"
            )
        ).first()
        if watched is None:  # the tagger normally finds him; the scenario must not depend on it
            conn.execute(
                mention_entities.insert().values(
                    mention_id=good, text="Pramono Anung", type="PERSON", watch_id="pramono-anung"
                )
            )
        found["good"] = good
        (hostile,) = _ids(conn, "contoh.example/hostile-brief")
        # ingest strips markup, but the brief must not rely on that: store the payload verbatim
        conn.execute(
            sa.update(mentions)
            .where(mentions.c.id == hostile)
            .values(title=f"Banjir rob {HOSTILE}", site=HOSTILE_SITE)
        )
        found["hostile"] = hostile
    return found


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, dict[str, int]]]:
    root = tmp_path_factory.mktemp("brief")
    settings = settings_from_toml(DEMO_DIR / "gaung.toml")  # the demo organisation and watchlist
    settings.home = root / "home"
    settings.database_url = f"sqlite:///{root / 'gaung.db'}"
    settings.config_path = root / "gaung.toml"
    ws = Workspace(settings)
    ids = load_archive(ws, root)
    yield ws, ids
    ws.engine.dispose()


@pytest.fixture(scope="module")
def made(archive: tuple[Workspace, dict[str, int]]) -> object:
    """The brief of DAY in Indonesian (stored), made once for the tests that only read it."""
    pdf_engine()
    ws, _ = archive
    return make_brief(ws.engine, ws.settings, DAY, lang="id", generated_by="pytest")


def stories_on(ws: Workspace, day: date) -> int:
    """Canonical stories whose publication time falls on `day` in Jakarta, counted in Python."""
    with ws.engine.connect() as conn:
        times = conn.execute(
            sa.select(mentions.c.published_at).where(mentions.c.is_canonical.is_(True))
        ).scalars()
        return sum(
            1 for t in times if t is not None and t.replace(tzinfo=UTC).astimezone(OFFICE_TZ).date() == day
        )


# -- the data -------------------------------------------------------------------------------------


def test_a_day_of_real_articles_fills_every_section(
    archive: tuple[Workspace, dict[str, int]], made: object
) -> None:
    ws, ids = archive
    data = made.data  # type: ignore[attr-defined]
    assert data.stories == stories_on(ws, DAY) > 30
    assert data.articles >= data.stories and data.outlets_count >= 8
    assert sum(data.tones[t] for t in ("positive", "neutral", "negative", "unknown")) == data.stories
    assert data.tones["negative"] >= 7  # the seven negative stories of the scenario
    # konklusi compares with the days before; the tone series is the last 14 days, ending on DAY
    assert [v.day for v in data.tone_series][-1] == "2025-06-18" and len(data.tone_series) == 14
    assert data.previous_day == data.tone_series[-2].total
    # isu utama: at most five, biggest first, each summarised from its articles and linked to its page
    assert 1 <= len(data.issues) <= 5
    assert [i.stories for i in data.issues] == sorted((i.stories for i in data.issues), reverse=True)
    rob = next(i for i in data.issues if i.id == ids["uji-brief-rob"])
    assert rob.stories == 3 and rob.tones["negative"] == 3 and rob.trend_word == "new"
    assert rob.summary and all(s.strip() for s in rob.summary)
    assert rob.link == f"{DEMO_BASE_URL}/issues/{rob.id}"  # the demo configures where it is served
    assert any("Muara Angke" in sentence or "tanggul" in sentence.lower() for sentence in rob.summary)
    # the watchlist marks the issues that concern the office ("Pemprov DKI" is an alias)
    assert rob.related == ["Pemerintah Provinsi DKI Jakarta"]
    assert data.watchlist_active and data.watch_issues == []  # a top issue touches it: no extra list
    # eksposur: shares of the day's articles, largest first
    assert data.outlets[0].articles == max(o.articles for o in data.outlets)
    assert sum(o.share for o in data.outlets) <= 100.0 + 1e-9
    assert any(o.site == "kritik.example" and o.negative == 3 for o in data.outlets)
    # narasumber: real quotes from the real articles, only names of people, their statements classified
    assert data.speakers and all(plausible_name(s.name) for s in data.speakers)
    assert data.speakers_count >= len(data.speakers)
    assert data.speakers_tone_of == "statements"
    for speaker in data.speakers:
        assert 1 <= sum(speaker.tones.values()) <= speaker.stories * 50
    # rekap kliping: the news stories of the day, most important first; the social post is listed apart
    listed = data.clippings
    assert len(listed) + data.clippings_more == data.stories - 1
    assert len({c.id for c in listed}) == len(listed)
    with ws.engine.connect() as conn:
        rob_ids, kjp_ids, bantul_ids = (_ids(conn, f) for f in ("banjir-rob-", "kjp-", "/mafia-tanah-"))
    watched = [c for c in listed if c.related]
    assert {ids["good"], rob_ids[0], *kjp_ids} <= {c.id for c in watched}  # rob: only the first names Pemprov
    assert listed[: len(watched)] == watched  # the watchlist first ...
    rest = listed[len(watched) :]
    negative = [c for c in rest if c.tone == "negative"]
    assert rest[: len(negative)] == negative and {*bantul_ids, *rob_ids[1:]} <= {
        c.id for c in negative
    }  # ... then negative
    plain = [c for c in rest[len(negative) :] if c.copies == 0]
    assert rest[len(rest) - len(plain) :] == plain  # ... then the widely carried, then the rest by time
    assert [c.published_at for c in plain] == sorted(c.published_at for c in plain)
    assert [c.platform for c in data.social] == ["instagram"] and data.social[0].engagement == 128
    # kinerja konten: the office's Facebook post of that morning
    assert data.posts and "Kemayoran" in data.posts[0].title and data.posts[0].platform == "facebook"


def test_recommendations_point_at_their_evidence(
    archive: tuple[Workspace, dict[str, int]], made: object
) -> None:
    ws, ids = archive
    by_kind = {r.kind: r for r in made.data.recommendations}  # type: ignore[attr-defined]
    hak_jawab = by_kind["hak_jawab"]  # one outlet carries all three negative stories
    assert hak_jawab.outlet == "kritik.example" and hak_jawab.negative == 3
    assert hak_jawab.evidence[0] == (
        "Banjir rob Muara Angke",
        f"{DEMO_BASE_URL}/issues/{ids['uji-brief-rob']}",
    )
    assert all((link or "").startswith(f"{DEMO_BASE_URL}/mentions/") for _, link in hak_jawab.evidence[1:])
    assert hak_jawab.related == ["Pemerintah Provinsi DKI Jakarta"]
    klarifikasi = by_kind["klarifikasi"]  # two outlets: no single outlet to answer
    assert klarifikasi.title == "Pencairan KJP terlambat" and klarifikasi.outlet is None
    assert klarifikasi.related == ["Kartu Jakarta Pintar"]
    # the land case in Bantul is negative enough, but names nobody the office watches
    assert "Mafia tanah Bantul" not in [r.title for r in made.data.recommendations]  # type: ignore[attr-defined]
    amplify = by_kind["amplify"]
    assert amplify.evidence == [(amplify.title, f"{DEMO_BASE_URL}/mentions/{ids['good']}")]
    assert "Pramono" in amplify.title and amplify.related == ["Pramono Anung"]
    html = made.html  # type: ignore[attr-defined]
    assert "Terkait instansi melalui: Pemerintah Provinsi DKI Jakarta." in html

    # once the office is answering the KJP issue, the brief stops asking for it
    with transaction(ws.engine) as conn:
        stamp = datetime(2025, 6, 18, 16)
        conn.execute(
            assignments.insert().values(
                title="Klarifikasi KJP",
                kind="klarifikasi",
                origin="issue",
                issue_id=ids["uji-brief-kjp"],
                status="dikerjakan",
                created_at=stamp,
                updated_at=stamp,
            )
        )
    try:
        with ws.engine.connect() as conn:
            again = build_brief_data(conn, DAY, organisation="x", base_url="https://gaung.example.go.id/")
        # without a watchlist every negative issue may concern the office (the behaviour before relevance)
        assert not again.watchlist_active
        assert [(r.kind, r.title) for r in again.recommendations if r.kind != "amplify"] == [
            ("hak_jawab", "Banjir rob Muara Angke"),
            ("klarifikasi", "Mafia tanah Bantul"),
        ]
        assert all(r.related == [] for r in again.recommendations)
        assert (
            again.recommendations[0].evidence[0][1]
            == f"https://gaung.example.go.id/issues/{ids['uji-brief-rob']}"
        )
    finally:
        with transaction(ws.engine) as conn:
            conn.execute(sa.delete(assignments).where(assignments.c.issue_id == ids["uji-brief-kjp"]))


def test_without_a_base_url_evidence_is_plain_text_not_dead_links(
    archive: tuple[Workspace, dict[str, int]], made: object
) -> None:
    ws, ids = archive
    assert (
        settings_from_toml(DEMO_DIR / "gaung.toml").brief.base_url == DEMO_BASE_URL
    )  # `make demo` serves there
    bare = replace(ws.settings, brief=replace(ws.settings.brief, base_url=""))
    plain = make_brief(ws.engine, bare, DAY, lang="id", store=False, require_pdf=False)
    data = plain.data
    assert all(i.link is None for i in data.issues) and all(c.link is None for c in data.clippings)
    assert all(link is None for r in data.recommendations for _, link in r.evidence)
    root = lxml.html.fromstring(plain.html)
    hrefs = root.xpath("//a/@href")
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs), hrefs  # originals only
    kliping = root.xpath('//section[@id="kliping"]')[0]
    assert "Gaung" not in kliping.text_content()  # no " · Gaung" after every headline
    rekomendasi = " ".join(root.xpath('//section[@id="rekomendasi"]')[0].text_content().split())
    assert "Banjir rob Muara Angke" in rekomendasi and not root.xpath('//section[@id="rekomendasi"]//a')
    # configured (the demo): the same evidence as absolute links, and the Gaung page next to each original
    root = lxml.html.fromstring(made.html)  # type: ignore[attr-defined]
    gaung_links = root.xpath('//section[@id="kliping"]//a[text()="Gaung"]/@href')
    assert gaung_links and all(h.startswith(f"{DEMO_BASE_URL}/mentions/") for h in gaung_links)
    assert f'href="{DEMO_BASE_URL}/issues/{ids["uji-brief-rob"]}"' in made.html  # type: ignore[attr-defined]
    assert not [h for h in root.xpath("//a/@href") if h.startswith("/")]


def test_rendered_marks_watchlist_issues_ordering_and_statement_tone(made: object) -> None:
    root = lxml.html.fromstring(made.html)  # type: ignore[attr-defined]
    rob = next(h for h in root.xpath('//section[@id="isu-utama"]//h3') if "Banjir rob" in h.text_content())
    assert "terkait: Pemerintah Provinsi DKI Jakarta" in " ".join(rob.text_content().split())
    note = root.xpath('string(//*[@data-testid="brief-clipping-order"])')
    assert note.startswith("Diurutkan menurut kepentingan: berita yang menyebut daftar pantau")
    header = [" ".join(th.text_content().split()) for th in root.xpath('//section[@id="narasumber"]//th')]
    assert "Nada pernyataan" in header and "Nada berita" not in header


def test_isu_terkait_instansi_when_no_top_issue_touches_the_watchlist(
    archive: tuple[Workspace, dict[str, int]],
) -> None:
    ws, ids = archive
    kjp = [entry for entry in ws.settings.watchlist if entry.id == "kjp"]
    with ws.engine.connect() as conn:
        data = build_brief_data(conn, DAY, organisation="x", watchlist=kjp)
    assert ids["uji-brief-kjp"] not in [i.id for i in data.issues]  # two stories: not a top-five issue
    assert all(i.related == [] for i in data.issues)
    assert [(w.id, w.stories, w.negative, w.related) for w in data.watch_issues] == [
        (ids["uji-brief-kjp"], 2, 2, ["Kartu Jakarta Pintar"])
    ]
    html = render_html(data)
    section = lxml.html.fromstring(html).xpath('//*[@data-testid="brief-watch-issues"]')[0]
    text = " ".join(section.text_content().split())
    assert "Isu terkait instansi" in text and "Pencairan KJP terlambat: 2 berita, 2 negatif" in text
    # with a top issue that touches the watchlist the extra list is not needed (see the first test)


@pytest.mark.parametrize(
    ("name", "plausible"),
    [
        ("Pramono Anung", True),
        ("M Ismail Riyadi", True),  # an initial before a longer token
        ("Muhammad bin Salman", True),
        ("Ahmad Dhani", True),
        ("dr", False),  # a lower-case abbreviation
        ("Dr", False),  # a title, not a name
        ("Nasir Ktelat.Nasir", False),  # glued by the scraper
        ("Pernyataan Menteri KebudayaanFadli Zonyang", False),
        ("juru bicara militer Israel", False),
        ("6 persen responden", False),
        ("Riyadi M", False),  # a lone letter is not a name's last token
        ("", False),
    ],
)
def test_plausible_speaker_names(name: str, plausible: bool) -> None:
    assert plausible_name(name) is plausible


def test_speakers_are_people_and_their_statements_carry_the_tone(
    archive: tuple[Workspace, dict[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, ids = archive
    monkeypatch.setattr(speakers_module, "TOP_SPEAKERS", 10_000)  # list every speaker, not just ten
    with ws.engine.connect() as conn:
        before = build_brief_data(conn, DAY, organisation="x", watchlist=ws.settings.watchlist)
        stories = _ids(conn, "kritik.example/") + _ids(conn, "kjp-") + _ids(conn, "/mafia-tanah-")
    assert len(stories) == 7
    # what the attributor stores when it finds no person: a title, a place, glued words; and a watched
    # governor named by his office (no PERSON tag needed: the watchlist vouches for him)
    junk = ("dr", "Iran", "Nasir Ktelat.Nasir")
    with transaction(ws.engine) as conn:
        for number, mention_id in enumerate(stories):
            for speaker in junk:
                conn.execute(
                    mention_quotes.insert().values(
                        mention_id=mention_id,
                        speaker=speaker,
                        text=f"Pernyataan uji nomor {number} yang cukup panjang.",
                    )
                )
            kind = "PERSON" if number == 0 else "PLACE"  # tagged a person once, a place six times
            conn.execute(
                mention_entities.insert().values(
                    mention_id=mention_id, text="Iran", type=kind, normalized="iran"
                )
            )
        conn.execute(
            mention_quotes.insert().values(
                mention_id=ids["good"],
                speaker="Gubernur Pramono",
                speaker_watch_id="pramono-anung",
                text="Taman ini kami bangun bersama warga agar anak-anak punya tempat bermain yang aman.",
            )
        )
    try:
        with ws.engine.connect() as conn:
            after = build_brief_data(conn, DAY, organisation="x", watchlist=ws.settings.watchlist)
            by_story = build_brief_data(
                conn, DAY, organisation="x", watchlist=ws.settings.watchlist, quote_tone=None
            )

            def broken(texts: object) -> list[str]:
                raise RuntimeError("model file is corrupt")

            fallback = build_brief_data(conn, DAY, organisation="x", quote_tone=broken)
            negative = build_brief_data(
                conn, DAY, organisation="x", quote_tone=lambda texts: ["negative"] * len(texts)
            )
    finally:
        with transaction(ws.engine) as conn:
            conn.execute(
                sa.delete(mention_quotes).where(mention_quotes.c.speaker.in_([*junk, "Gubernur Pramono"]))
            )
            conn.execute(sa.delete(mention_entities).where(mention_entities.c.normalized == "iran"))
    names = {s.name for s in after.speakers}
    assert after.speakers_count == len(after.speakers) and not set(junk) & names
    assert names - {s.name for s in before.speakers} == {"Pramono Anung"}  # named as on the watchlist
    assert [s.watch_id for s in after.speakers if s.name == "Pramono Anung"] == ["pramono-anung"]
    assert after.speakers_count == before.speakers_count + 1
    # no model: the tone of the stories quoting them, labelled so
    assert by_story.speakers_tone_of == "stories"
    assert all(sum(s.tones.values()) == s.stories for s in by_story.speakers)
    assert fallback.speakers_tone_of == "stories"
    assert "Nada berita" in render_html(by_story) and "model nada tidak tersedia" in render_html(by_story)
    # a model: each listed speaker's distinct statements (at most QUOTE_TONE_MAX_PER_SPEAKER) are classified
    assert negative.speakers_tone_of == "statements"
    for speaker in negative.speakers:
        assert 1 <= speaker.tones["negative"] <= QUOTE_TONE_MAX_PER_SPEAKER
        assert speaker.tones["positive"] == speaker.tones["neutral"] == 0


def test_a_day_without_mentions_gives_the_short_brief(archive: tuple[Workspace, dict[str, int]]) -> None:
    pdf_engine()
    ws, _ = archive
    short = make_brief(ws.engine, ws.settings, EMPTY_DAY, lang="id", store=False)
    assert short.data.empty and short.data.issues == [] and short.data.recommendations == []
    root = lxml.html.fromstring(short.html)
    assert root.xpath('//*[@data-testid="brief-empty"]')
    assert "Tidak ada pemberitaan yang terpantau pada Senin, 1 Januari 2024." in short.html
    assert not root.xpath('//section[@id="isu-utama"]') and short.pdf and short.pdf.startswith(b"%PDF")
    assert short.brief_id is None  # store=False


# -- rendering ------------------------------------------------------------------------------------


def test_every_section_is_in_the_html_in_both_languages(
    archive: tuple[Workspace, dict[str, int]], made: object
) -> None:
    ws, _ = archive
    root = lxml.html.fromstring(made.html)  # type: ignore[attr-defined]
    assert [s.get("id") for s in root.xpath("//section")] == SECTION_IDS
    headings = [" ".join(h.text_content().split()) for h in root.xpath("//section/h2")]
    assert [re.sub(r"^\d+\. ", "", h) for h in headings] == HEADINGS_ID
    assert root.findtext(".//h1") == "Laporan Monitoring Media Harian"
    assert "Rabu, 18 Juni 2025" in root.xpath('string(//*[@data-testid="brief-day"])')
    assert root.xpath("count(//svg)") == 2  # tone over time, outlet share
    english = make_brief(ws.engine, ws.settings, DAY, lang="en", store=False, require_pdf=False)
    headings = [
        " ".join(h.text_content().split()) for h in lxml.html.fromstring(english.html).xpath("//section/h2")
    ]
    assert [re.sub(r"^\d+\. ", "", h) for h in headings] == HEADINGS_EN
    assert "Wednesday, 18 June 2025" in english.html


def test_hostile_headline_and_outlet_are_escaped(
    archive: tuple[Workspace, dict[str, int]], made: object
) -> None:
    html = made.html  # type: ignore[attr-defined]
    assert HOSTILE not in html and "<script>alert(2)" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html  # the headline, shown as text
    root = lxml.html.fromstring(html)
    assert root.xpath("//script") == [] and root.xpath("//*[@onerror]") == []
    # the outlet's name is shown as text in the clippings, and drawn as text in the SVG chart
    assert HOSTILE_SITE in root.xpath('//section[@id="kliping"]//td/text()')
    svg = outlet_share([OutletShare(HOSTILE_SITE, 3, 50.0, 1)], title='Judul "<b>"')
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&lt;b&gt;" in svg


def test_missing_logo_is_a_warning_and_a_logo_is_embedded(
    archive: tuple[Workspace, dict[str, int]], tmp_path: Path
) -> None:
    ws, _ = archive
    pdf_engine()
    settings = replace(ws.settings, brief=replace(ws.settings.brief, logo="logo-tidak-ada.png"))
    missing = make_brief(ws.engine, settings, EMPTY_DAY, store=False)
    assert len(missing.warnings) == 1
    assert "logo-tidak-ada.png" in missing.warnings[0] and "not found" in missing.warnings[0]
    assert 'data-testid="brief-logo"' not in missing.html and missing.pdf

    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 40), (31, 78, 121)).save(logo)
    settings = replace(
        settings, brief=replace(settings.brief, logo="logo.png"), config_path=tmp_path / "gaung.toml"
    )
    present = make_brief(ws.engine, settings, EMPTY_DAY, store=False)  # relative to gaung.toml's folder
    assert present.warnings == [] and 'src="data:image/png;base64,' in present.html


def test_pdf_page_one_is_not_blank_and_has_every_heading(made: object, tmp_path: Path) -> None:
    pdftoppm, pdftotext, pdfinfo = poppler("pdftoppm"), poppler("pdftotext"), poppler("pdfinfo")
    pdf = tmp_path / "laporan.pdf"
    pdf.write_bytes(made.pdf)  # type: ignore[attr-defined]
    info = subprocess.run([pdfinfo, str(pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info), info
    subprocess.run(
        [pdftoppm, "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    from PIL import Image

    with Image.open(next(tmp_path.glob("page*.png"))) as page:
        grey = page.convert("L")
        width, height = grey.size
        assert abs(width / height - 210 / 297) < 0.01  # A4 portrait
        histogram = grey.histogram()
    ink = sum(histogram[:200]) / (width * height)
    assert ink > 0.02, f"page one is almost blank ({ink:.2%} of pixels have ink)"
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.count("\f") or 1
    for heading in ["Laporan Monitoring Media Harian", *HEADINGS_ID]:
        assert heading in text, heading
    assert "Halaman 1 dari" in text and f"Halaman {pages} dari {pages}" in text
    assert "Diskominfotik Provinsi DKI Jakarta (demo)" in text  # the organisation, on every page's header
    first_page = text.split("\f")[0]
    assert "Konklusi" in first_page and "Rabu, 18 Juni 2025" in first_page


# -- storage and schedule -------------------------------------------------------------------------


def test_regenerating_replaces_the_stored_brief(
    archive: tuple[Workspace, dict[str, int]], made: object
) -> None:
    ws, _ = archive
    with ws.engine.connect() as conn:
        first = get_brief(conn, DAY, "id")
    assert first is not None and first.trigger == "manual" and first.generated_by == "pytest"
    assert first.html == made.html and first.pdf == made.pdf  # type: ignore[attr-defined]
    assert first.counts["stories"] == made.data.stories  # type: ignore[attr-defined]
    later = datetime.now(UTC) + timedelta(seconds=1)
    again = make_brief(ws.engine, ws.settings, DAY, lang="id", generated_by="analis", now=later)
    assert again.brief_id == first.id
    with ws.engine.connect() as conn:
        rows = conn.execute(sa.select(briefs.c.id).where(briefs.c.day == DAY, briefs.c.lang == "id")).all()
        second = get_brief(conn, DAY, "id")
    assert len(rows) == 1 and second is not None and second.generated_by == "analis"
    assert second.generated_at > first.generated_at


def test_the_day_must_have_begun(archive: tuple[Workspace, dict[str, int]]) -> None:
    ws, _ = archive
    tomorrow = datetime.now(OFFICE_TZ).date() + timedelta(days=1)
    with pytest.raises(BriefError, match="has not begun"):
        make_brief(ws.engine, ws.settings, tomorrow, store=False)
    with pytest.raises(BriefError, match="before 1990"):
        make_brief(ws.engine, ws.settings, date(1925, 6, 18), store=False)


def test_the_scheduled_brief_is_made_and_queued_once_a_day(ws: Workspace) -> None:
    pdf_engine()
    ws.settings.recipients = settings_from_dict(
        {
            "recipients": [
                {
                    "name": "Kepala Dinas",
                    "channel": "webhook",
                    "url": "http://127.0.0.1:9/laporan",
                    "kinds": ["brief"],
                }
            ]
        }
    ).recipients
    before = datetime(2025, 6, 19, 6, 59, tzinfo=OFFICE_TZ)
    after = datetime(2025, 6, 19, 7, 5, tzinfo=OFFICE_TZ)
    assert due_day(ws.settings, before) is None and due_day(ws.settings, after) == DAY
    assert run_scheduled_brief(ws.engine, ws.settings, before) is None

    # an analyst made a brief of that day early; the scheduled one replaces it and is the one sent
    make_brief(ws.engine, ws.settings, DAY, generated_by="analis", now=after - timedelta(hours=1))
    events: list[str] = []
    monitor = Monitor(ws.settings, ws.pipeline, on_event=events.append)
    monitor.check_brief(after)
    assert events == ["LAPORAN / BRIEF 2025-06-18: dibuat dan diantrekan / made and queued"]
    with ws.engine.connect() as conn:
        (stored,), total = list_briefs(conn)
        item = (
            conn.execute(sa.select(delivery_items).where(delivery_items.c.kind == "brief")).mappings().one()
        )
        queued = conn.execute(sa.select(deliveries.c.recipient, deliveries.c.status)).all()
    assert total == 1 and stored.trigger == "scheduled" and stored.queued_at is not None and stored.has_pdf
    assert item["ref"] == "2025-06-18" and item["attachment_name"] == "laporan-2025-06-18.pdf"
    assert item["attachment_mime"] == "application/pdf" and bytes(item["attachment"]).startswith(b"%PDF")
    assert (
        "Laporan Monitoring Media Harian" in item["subject"] and "Tidak ada pemberitaan" in item["body_text"]
    )
    assert queued == [("Kepala Dinas", "queued")]

    # the same monitor later that day, and a restarted one, find the day done
    monitor.check_brief(after + timedelta(hours=3))
    restarted = Monitor(ws.settings, ws.pipeline, on_event=events.append)
    restarted.check_brief(after + timedelta(hours=5))
    assert run_scheduled_brief(ws.engine, ws.settings, after + timedelta(hours=6)) is None
    with ws.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(delivery_items)).scalar_one() == 1
        assert conn.execute(sa.select(sa.func.count()).select_from(deliveries)).scalar_one() == 1
        assert conn.execute(sa.select(briefs.c.generated_at)).scalar_one() == stored.generated_at
    assert len(events) == 1

    # an analyst remaking the day afterwards does not make the monitor send it again
    make_brief(ws.engine, ws.settings, DAY, generated_by="analis")
    assert run_scheduled_brief(ws.engine, ws.settings, after + timedelta(hours=7)) is None
    # the next day is due the next morning
    assert due_day(ws.settings, after + timedelta(days=1)) == DAY + timedelta(days=1)
    ws.settings.brief.enabled = False
    assert due_day(ws.settings, after + timedelta(days=1)) is None


def test_brief_text_is_a_digest_in_the_briefs_language(made: object) -> None:
    text = brief_text(made, "https://gaung.example.go.id/reports/2025-06-18")  # type: ignore[arg-type]
    assert text.startswith("Laporan Monitoring Media Harian\nRabu, 18 Juni 2025\n")
    assert "1. Konklusi" in text and "3. Isu Utama" in text and "10. Rekomendasi" in text
    assert "Hak jawab" in text and text.rstrip().endswith("/reports/2025-06-18")
    assert brief_subject(made).startswith("Laporan Monitoring Media Harian — Rabu, 18 Juni 2025 — ")  # type: ignore[arg-type]


def test_brief_settings_are_checked_with_the_key_named() -> None:
    assert brief_settings_from_dict({"time": "06:30", "lang": "en"}, "gaung.toml").scheduled_time().hour == 6
    for bad, message in (
        ({"time": "7 pagi"}, r"\[brief\] time: expected a time of day"),
        ({"time": "25:00"}, r"\[brief\] time"),
        ({"lang": "fr"}, r"\[brief\] lang: use one of id, en"),
        ({"logo": 3}, r"\[brief\] logo: expected str"),
        ({"jam": "07:00"}, r"\[brief\]: unknown key 'jam'"),
        ({"max_clippings": 0}, r"max_clippings"),
        ({"base_url": "/gaung"}, r"\[brief\] base_url: expected the web app's full address"),
        ({"base_url": "gaung.example.go.id"}, r"\[brief\] base_url"),
    ):
        with pytest.raises(ConfigError, match=message):
            settings_from_dict({"brief": bad}, "gaung.toml")


# -- the command ----------------------------------------------------------------------------------


def test_cli_writes_pdf_and_html_and_names_bad_input(
    archive: tuple[Workspace, dict[str, int]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pdf_engine()
    ws, _ = archive
    config = tmp_path / "gaung.toml"
    config.write_text(
        f'[organisation]\nname = "Diskominfo Uji"\n[storage]\ndatabase_url = "{ws.settings.db_url}"\n'
        '[brief]\nlogo = "kop-surat.png"\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GAUNG_DATABASE_URL", raising=False)
    runner = CliRunner()
    result = runner.invoke(app, ["--config", str(config), "brief", "--date", "2025-06-17", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "brief-2025-06-17.pdf").read_bytes().startswith(b"%PDF")
    assert "kop-surat.png" in result.stderr and "without a logo" in result.stderr  # the warning, not an error
    html = tmp_path / "out" / "laporan.html"
    html.parent.mkdir()
    result = runner.invoke(
        app,
        [
            "--config",
            str(config),
            "brief",
            "-d",
            "2025-06-18",
            "--format",
            "html",
            "--out",
            str(html),
            "--no-store",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Diskominfo Uji" in html.read_text(encoding="utf-8")
    for args, message in (
        (["--date", "18-06-2025"], "--date '18-06-2025': use a date like 2025-06-18"),
        (["--date", "2025-06-18", "--format", "docx"], "--format 'docx': use pdf or html"),
        (["--date", "2025-06-18", "--lang", "jv"], "--lang 'jv': use id or en"),
        (["--date", "2999-01-01"], "has not begun yet"),
        (["--date", "2025-06-18", "--out", str(tmp_path / "tidak-ada" / "x.pdf")], "does not exist"),
    ):
        result = runner.invoke(app, ["--config", str(config), "brief", *args])
        assert result.exit_code != 0 and isinstance(result.exception, BriefError), (args, result.output)
        assert message in str(result.exception)


def test_cli_entry_point_prints_one_line_errors(tmp_path: Path) -> None:
    gaung = Path(sys.executable).parent / "gaung"  # the installed console script, run as a user would
    result = subprocess.run(
        [str(gaung), "brief", "--date", "kemarin"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "GAUNG_HOME": str(tmp_path / "home")},
        check=False,
    )
    assert result.returncode == 1
    assert "error: --date 'kemarin': use a date like 2025-06-18" in result.stderr
    assert "Traceback" not in result.stderr


# -- both databases -------------------------------------------------------------------------------


def test_brief_on_sqlite_and_postgresql(ws: Workspace, tmp_path: Path) -> None:
    pdf_engine()
    ws.settings.watchlist = settings_from_toml(DEMO_DIR / "gaung.toml").watchlist
    load_archive(ws, tmp_path)
    made_here = make_brief(ws.engine, ws.settings, DAY)
    data = made_here.data
    assert data.stories == stories_on(ws, DAY) and data.issues and data.clippings and data.speakers
    assert {r.kind for r in data.recommendations} >= {"hak_jawab", "klarifikasi"}
    start, end = day_window(DAY)
    assert (start, end) == (datetime(2025, 6, 17, 17), datetime(2025, 6, 18, 17))
    with ws.engine.connect() as conn:
        stored = get_brief(conn, DAY)
    assert stored is not None and stored.pdf == made_here.pdf and stored.counts["stories"] == data.stories


# -- the Laporan page and the API -----------------------------------------------------------------


def test_reports_page_permissions_and_documents(clients: dict[str, TestClient]) -> None:
    pdf_engine()
    viewer, analyst = clients["viewer"], clients["analyst"]
    page = viewer.get("/reports")
    assert page.status_code == 200 and "<h1>Laporan</h1>" in page.text
    assert 'data-testid="brief-form"' not in page.text  # viewers read, analysts make
    refused = viewer.post(
        "/reports", data={"day": "2025-06-18", "lang": "id", "csrf_token": csrf(viewer, "/reports")}
    )
    assert refused.status_code == 403
    assert 'data-testid="brief-form"' in analyst.get("/reports").text
    token = csrf(analyst, "/reports")
    bad = analyst.post("/reports", data={"day": "18/06/2025", "lang": "id", "csrf_token": token})
    assert bad.status_code == 400 and "use a date like 2025-06-18" in bad.text
    no_token = analyst.post("/reports", data={"day": "2025-06-18", "lang": "id"})
    assert no_token.status_code == 403
    done = analyst.post(
        "/reports", data={"day": "2025-06-18", "lang": "id", "csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/reports?made=2025-06-18"
    listed = viewer.get("/reports?made=2025-06-18")
    assert (
        'data-testid="brief-made"' in listed.text and 'href="/reports/2025-06-18.pdf?lang=id"' in listed.text
    )

    html = viewer.get("/reports/2025-06-18?lang=id")
    assert html.status_code == 200 and "Laporan Monitoring Media Harian" in html.text
    assert "default-src 'none'" in html.headers["content-security-policy"]
    assert HOSTILE not in html.text  # the session archive's hostile headline, escaped
    pdf = viewer.get("/reports/2025-06-18.pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and "laporan-2025-06-18.pdf" in pdf.headers["content-disposition"]
    assert viewer.get("/reports/2025-01-01").status_code == 404
    assert viewer.get("/reports/2025-01-01.pdf").status_code == 404
    assert viewer.get("/reports/bukan-tanggal").status_code == 404

    anonymous = TestClient(viewer.app)
    assert anonymous.get("/reports/2025-06-18", follow_redirects=False).status_code in (303, 307, 401)
    assert anonymous.get("/api/briefs").status_code == 401


def test_briefs_api(clients: dict[str, TestClient]) -> None:
    pdf_engine()
    viewer, analyst = clients["viewer"], clients["analyst"]
    token = csrf(analyst, "/reports")
    created = analyst.post(
        "/api/briefs", json={"date": "2025-06-18", "lang": "en"}, headers={"X-CSRF-Token": token}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["day"] == "2025-06-18" and body["lang"] == "en" and body["trigger"] == "manual"
    assert body["pdf_url"] == "/reports/2025-06-18.pdf?lang=en" and body["counts"]["stories"] > 0
    assert body["generated_at"].endswith("Z") or body["generated_at"].endswith("+00:00")
    listed = viewer.get("/api/briefs").json()
    assert listed["total"] >= 1 and any(item["lang"] == "en" for item in listed["items"])
    assert viewer.get("/api/briefs/2025-06-18?lang=en").json()["html_url"] == "/reports/2025-06-18?lang=en"
    assert viewer.get("/api/briefs/2001-01-01").status_code == 404
    refused = viewer.post(
        "/api/briefs", json={"date": "2025-06-18"}, headers={"X-CSRF-Token": csrf(viewer, "/")}
    )
    assert refused.status_code == 403
    future = analyst.post("/api/briefs", json={"date": "2999-01-01"}, headers={"X-CSRF-Token": token})
    assert future.status_code == 409 and "has not begun" in future.json()["detail"]
    assert (
        analyst.post("/api/briefs", json={"date": "kemarin"}, headers={"X-CSRF-Token": token}).status_code
        == 422
    )
    english = viewer.get("/reports/2025-06-18?lang=en")
    assert "Daily media monitoring brief" in english.text
