"""SKP scorecards on SQLite and PostgreSQL: credit, indicators with evidence, targets, ratings, predikat."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import datetime

import pytest
import sqlalchemy as sa
from kinerjahelpers import Office, seed_office
from sqlalchemy import Engine

from gaung.config import KinerjaSettings, settings_from_dict
from gaung.errors import ConfigError
from gaung.kinerja.errors import KinerjaError
from gaung.kinerja.periods import parse_period
from gaung.kinerja.rating import PREDIKAT, RATINGS, Reason, normalize_rating, predikat, rate_hasil_kerja
from gaung.kinerja.recognition import _most_improved, compare_capaian, hall_of_fame, latest_month
from gaung.kinerja.reviews import NotAllowed, parse_target, set_review, set_target
from gaung.kinerja.scorecards import (
    INDICATORS,
    IndicatorResult,
    NoScorecard,
    Scorecard,
    credit_shares,
    history,
    scorecard,
    team_scorecards,
)
from gaung.store.db import open_engine, transaction
from gaung.store.schema import audit_log, skp_reviews
from gaung.store.users import User, get_user_row

NOW = datetime(2025, 7, 15, 0, 0)  # after every June deadline
JUNE = "2025-06"
WEIGHTS = KinerjaSettings().role_weights


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    made = open_engine(db_url)
    yield made
    made.dispose()


@pytest.fixture
def office(engine: Engine) -> Office:
    return seed_office(engine)


def _user(engine: Engine, name: str) -> User:
    with engine.connect() as conn:
        row = get_user_row(conn, name)
    return User(id=int(row["id"]), name=row["name"], role=row["role"])


def _card(engine: Engine, staff_id: int, period: str = JUNE, settings: KinerjaSettings | None = None):  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return scorecard(conn, staff_id, period, settings or KinerjaSettings(), now=NOW)


# -- the predikat matrix: every cell exactly as in the issue -------------------------------------------

MATRIX = {
    ("di atas", "di bawah"): "Kurang/Misconduct",
    ("di atas", "sesuai"): "Baik",
    ("di atas", "di atas"): "Sangat Baik",
    ("sesuai", "di bawah"): "Kurang/Misconduct",
    ("sesuai", "sesuai"): "Baik",
    ("sesuai", "di atas"): "Baik",
    ("di bawah", "di bawah"): "Sangat Kurang",
    ("di bawah", "sesuai"): "Butuh Perbaikan",
    ("di bawah", "di atas"): "Butuh Perbaikan",
}


@pytest.mark.parametrize(("hasil", "perilaku"), sorted(MATRIX))
def test_predikat_matrix_every_cell(hasil: str, perilaku: str) -> None:
    assert predikat(hasil, perilaku) == MATRIX[(hasil, perilaku)]
    assert PREDIKAT[(hasil, perilaku)] == MATRIX[(hasil, perilaku)]


def test_matrix_has_exactly_nine_cells_and_no_predikat_without_both_ratings() -> None:
    assert set(PREDIKAT) == {(h, p) for h in RATINGS for p in RATINGS}
    assert predikat(None, "sesuai") is None
    assert predikat("sesuai", None) is None
    assert normalize_rating("Di Atas Ekspektasi") == "di atas"
    with pytest.raises(KinerjaError, match="not one of"):
        normalize_rating("luar biasa")


# -- the rating rule -----------------------------------------------------------------------------------


def test_rating_rule_with_its_explanation() -> None:
    rules = KinerjaSettings()
    rating, reason = rate_hasil_kerja([120, 115, 100, None], rules)
    assert rating == "di atas"
    assert "all 3 indicators" in reason.text() and "2 of them reached 110%" in reason.text()
    rating, reason = rate_hasil_kerja([120, 100, 100, 100], rules)  # only 1 of 4 at 110 %
    assert rating == "sesuai"
    assert "4 of 4 indicators" in reason.text()
    rating, reason = rate_hasil_kerja([50, 60, 90], rules)
    assert rating == "di bawah"
    assert "2 of 3 indicators" in reason.text() and "under 80%" in reason.text()
    rating, _ = rate_hasil_kerja([50, 90], rules)  # half below is not "most"
    assert rating == "sesuai"
    rating, reason = rate_hasil_kerja([None, None], rules)
    assert rating is None and "cannot be rated" in reason.text()
    stricter = KinerjaSettings(above_threshold=130.0)
    assert rate_hasil_kerja([120, 115, 100], stricter)[0] == "sesuai"


# -- credit sharing ------------------------------------------------------------------------------------


def test_credit_shares_normalise_over_the_roles_present() -> None:
    all_roles = credit_shares(
        [(1, "writer"), (2, "designer"), (3, "videographer"), (4, "editor"), (5, "approver")], WEIGHTS
    )
    assert all_roles == pytest.approx({1: 0.4, 2: 0.2, 3: 0.2, 4: 0.1, 5: 0.1})
    no_video = credit_shares([(1, "writer"), (2, "designer")], WEIGHTS)  # the videographer is missing
    assert no_video == pytest.approx({1: 0.4 / 0.6, 2: 0.2 / 0.6})
    two_writers = credit_shares([(1, "writer"), (2, "writer"), (3, "designer")], WEIGHTS)
    assert two_writers == pytest.approx({1: 1 / 3, 2: 1 / 3, 3: 1 / 3})
    two_roles = credit_shares([(1, "writer"), (1, "editor"), (2, "designer")], WEIGHTS)
    assert two_roles == pytest.approx({1: 0.5 / 0.7, 2: 0.2 / 0.7})
    unweighted = credit_shares([(1, "intern"), (2, "intern")], WEIGHTS)
    assert unweighted == pytest.approx({1: 0.5, 2: 0.5})
    for shares in (all_roles, no_video, two_writers, two_roles, unweighted):
        assert math.isclose(sum(shares.values()), 1.0)


def test_linked_post_is_shared_by_role_weights(engine: Engine, office: Office) -> None:
    p1 = office.posts["P1"]
    expected = {"Budi": 0.4 / 0.7, "Sari": 0.2 / 0.7, "Kabid": 0.1 / 0.7}  # no videographer, no editor
    for name, share in expected.items():
        card = _card(engine, office.staff[name])
        evidence = [e for e in card.indicator("posts_published").evidence if e.id == p1]
        assert len(evidence) == 1
        assert evidence[0].share == pytest.approx(share)
        assert evidence[0].url == f"/content/posts/{p1}"
        assert evidence[0].permalink == "https://www.instagram.com/p/P1/"


# -- Budi's June, computed by hand ----------------------------------------------------------------------


def test_june_scorecard_realisation_and_evidence(engine: Engine, office: Office) -> None:
    card = _card(engine, office.staff["Budi"])
    share = 0.4 / 0.7
    posts = card.indicator("posts_published")
    assert posts.realisation == pytest.approx(share + 1 + 1)  # P1 share, P2, P5 (1 June in WIB)
    assert {e.id for e in posts.evidence} == {office.posts[k] for k in ("P1", "P2", "P5")}
    reach = card.indicator("total_reach")
    assert reach.realisation == pytest.approx(1000 * share + 2000 + 500)
    assert sum(e.value or 0 for e in reach.evidence) == pytest.approx(reach.realisation)
    err = card.indicator("median_engagement_rate")
    assert err.realisation == pytest.approx(2.0)  # median of 7 %, 1 %, 2 %
    answered = card.indicator("negative_answered_within")
    assert answered.realisation == pytest.approx(50.0)  # A2 in 10 h, A3 in 48 h
    assert {e.url for e in answered.evidence} == {
        f"/assignments/{office.assignments['A2']}",
        f"/assignments/{office.assignments['A3']}",
    }
    on_time = card.indicator("assignments_on_time")
    assert on_time.realisation == pytest.approx(200 / 3)  # A1, A2 on time; A3 late
    # office defaults (per month): 8 posts, 20 000 reach, 3 %, 80 %, 80 %
    assert posts.target == 8 and posts.target_source == "default"
    assert posts.capaian == pytest.approx((share + 2) / 8 * 100)
    assert card.rating_hasil_kerja == "di bawah"  # 4 of 5 under 80 %
    assert "4 of 5 indicators" in card.rating_reason.text()
    assert card.rating_perilaku is None and card.predikat is None
    assert card.to_json()["indicators"][0] == {
        "name": "posts_published",
        "target": 8.0,
        "realisation": round(share + 2, 2),
        "capaian": round((share + 2) / 8 * 100, 1),
    }


def test_assignment_linked_to_a_deleted_issue_still_counts(engine: Engine, office: Office) -> None:
    card = _card(engine, office.staff["Budi"])
    a2 = next(
        e for e in card.indicator("negative_answered_within").evidence if e.id == office.assignments["A2"]
    )
    assert a2.counted and "10.0 h" in a2.note


def test_zero_or_missing_target_means_no_target(engine: Engine, office: Office) -> None:
    budi = office.staff["Budi"]
    with transaction(engine) as conn:
        set_target(conn, budi, JUNE, "posts_published", 0, user=_user(engine, "kabid"))
        set_target(conn, budi, JUNE, "total_reach", 3000, user=_user(engine, "kabid"), rhk="Jangkauan konten")
    settings = KinerjaSettings()
    del settings.targets["median_engagement_rate"]  # no office default either
    card = _card(engine, budi, settings=settings)
    posts = card.indicator("posts_published")
    assert posts.target is None and posts.capaian is None and posts.status == "no_target"
    assert posts.realisation is not None  # the realisation is still shown
    err = card.indicator("median_engagement_rate")
    assert err.target is None and err.status == "no_target"
    reach = card.indicator("total_reach")
    assert reach.target == 3000 and reach.target_source == "set" and reach.rhk == "Jangkauan konten"
    assert reach.capaian == pytest.approx(reach.realisation / 3000 * 100)
    assert card.to_json()["indicators"][0]["target"] is None
    with transaction(engine) as conn, pytest.raises(KinerjaError, match="≥ 0"):
        set_target(conn, budi, JUNE, "total_reach", -5, user=_user(engine, "kabid"))
    with transaction(engine) as conn, pytest.raises(KinerjaError, match="unknown indicator"):
        set_target(conn, budi, JUNE, "attendance", 100, user=_user(engine, "kabid"))


def test_period_with_no_data_shows_none_not_zero(engine: Engine, office: Office) -> None:
    card = _card(engine, office.staff["Budi"], "2024-01")
    assert [i.realisation for i in card.indicators] == [None] * len(INDICATORS)
    assert all(i.status == "no_data" for i in card.indicators)
    assert card.rating_hasil_kerja is None and card.predikat is None
    shape = card.to_json()
    assert all(i["realisation"] is None and i["capaian"] is None for i in shape["indicators"])
    # a month with data, for someone who published nothing: a real 0 posts, but no median of nothing
    rina = _card(engine, office.staff["Rina"])
    assert rina.indicator("posts_published").realisation == 0
    assert rina.indicator("median_engagement_rate").realisation is None


def test_post_credited_to_someone_who_left(engine: Engine, office: Office) -> None:
    joko = _card(engine, office.staff["Joko"])
    evidence = joko.indicator("posts_published").evidence
    assert [e.id for e in evidence] == [office.posts["P4"]]  # P3 was published after he left
    assert joko.indicator("total_reach").realisation == 800
    with engine.connect() as conn, pytest.raises(NoScorecard, match="left on 2025-06-15"):
        scorecard(conn, office.staff["Joko"], "2025-07", KinerjaSettings(), now=NOW)
    with engine.connect() as conn:
        people = [c.person for c in team_scorecards(conn, "2025-07", KinerjaSettings(), now=NOW)]
        assert "Joko" not in people and "Budi" in people
        assert "Joko" in [c.person for c in team_scorecards(conn, JUNE, KinerjaSettings(), now=NOW)]
        # nobody else picked up P3's credit
        june = team_scorecards(conn, JUNE, KinerjaSettings(), now=NOW)
    assert all(
        office.posts["P3"] not in {e.id for e in c.indicator("posts_published").evidence} for c in june
    )


def test_month_and_quarter_sums_agree(engine: Engine, office: Office) -> None:
    budi = office.staff["Budi"]
    quarter = _card(engine, budi, "2025-Q2")
    months = [_card(engine, budi, m.key) for m in parse_period("2025-Q2").month_periods()]
    for key in ("posts_published", "total_reach"):
        assert quarter.indicator(key).realisation == pytest.approx(
            sum(m.indicator(key).realisation or 0 for m in months)
        )
    assert quarter.indicator("posts_published").target == 24  # the monthly default × 3
    assert quarter.indicator("median_engagement_rate").target == 3  # rates are not scaled
    year = _card(engine, budi, "2025")
    assert year.indicator("posts_published").realisation == pytest.approx(
        quarter.indicator("posts_published").realisation + 1  # P6 in July
    )
    with engine.connect() as conn:
        chart = history(conn, budi, parse_period("2025-Q2").month_periods(), KinerjaSettings(), now=NOW)
    assert [p.key for p, _ in chart] == ["2025-04", "2025-05", "2025-06"]


# -- reviews: the supervisor's part ------------------------------------------------------------------


def test_review_by_supervisor_gives_predikat_and_self_review_is_refused(
    engine: Engine, office: Office
) -> None:
    budi = office.staff["Budi"]
    with transaction(engine) as conn:
        set_review(
            conn,
            budi,
            JUNE,
            rating_perilaku="Di Atas Ekspektasi",
            feedback="Respons cepat, tingkatkan jangkauan.",
            perilaku_notes={"berorientasi_pelayanan": "Sigap"},
            reviewer_user=_user(engine, "kabid"),
        )
    card = _card(engine, budi)
    assert card.rating_perilaku == "di atas"
    assert card.feedback == "Respons cepat, tingkatkan jangkauan."
    assert card.predikat == "Butuh Perbaikan"  # di bawah × di atas
    assert card.to_json()["predikat"] == "Butuh Perbaikan"
    for reviewer, person in (("budi", "Budi"), ("sari", "Budi"), ("kabid", "Kabid"), ("rina", "Budi")):
        with transaction(engine) as conn, pytest.raises(NotAllowed):
            set_review(
                conn,
                office.staff[person],
                JUNE,
                rating_perilaku="di atas",
                reviewer_user=_user(engine, reviewer),
            )
    with engine.connect() as conn:  # the refusals stored nothing
        stored = conn.execute(sa.select(skp_reviews.c.staff_id, skp_reviews.c.rating_perilaku)).all()
        assert [(r.staff_id, r.rating_perilaku) for r in stored] == [(budi, "di atas")]
        assert (
            conn.execute(
                sa.select(sa.func.count())
                .select_from(audit_log)
                .where(audit_log.c.action == "kinerja.review")
            ).scalar_one()
            == 1
        )
    with transaction(engine) as conn:  # an admin may review anyone but themself
        set_review(
            conn, office.staff["Kabid"], JUNE, rating_perilaku="sesuai", reviewer_user=_user(engine, "admin")
        )
    with transaction(engine) as conn, pytest.raises(KinerjaError, match="did not work"):
        set_review(
            conn,
            office.staff["Joko"],
            "2025-08",
            rating_perilaku="sesuai",
            reviewer_user=_user(engine, "kabid"),
        )


def test_bad_periods_are_named() -> None:
    for bad, words in (("2025-13", "month 13"), ("2025-Q5", "Q5"), ("Juni", "YYYY-MM"), ("", "YYYY-MM")):
        with pytest.raises(KinerjaError, match=words):
            parse_period(bad)


def test_kinerja_config_is_checked() -> None:
    settings = settings_from_dict({"kinerja": {"response_hours": 12, "role_weights": {"writer": 1}}})
    assert settings.kinerja.response_hours == 12.0
    assert settings.kinerja.role_weights["writer"] == 1.0 and settings.kinerja.role_weights["designer"] == 0.2
    with pytest.raises(ConfigError, match="unknown indicator 'absensi'"):
        settings_from_dict({"kinerja": {"targets": {"absensi": 100}}})
    with pytest.raises(ConfigError, match="response_hours"):
        settings_from_dict({"kinerja": {"response_hours": "sehari"}})


def test_targets_typed_the_indonesian_way() -> None:
    assert parse_target("20.000") == 20000
    assert parse_target("2,5") == 2.5
    assert parse_target("1.5") == 1.5
    assert parse_target("none") is None and parse_target("0") == 0
    with pytest.raises(KinerjaError, match="not a number"):
        parse_target("banyak")


def test_hall_of_fame_most_improved_and_links(engine: Engine, office: Office) -> None:
    budi = office.staff["Budi"]
    with transaction(engine) as conn:  # July targets Budi meets exactly: average capaian 100 % > June's
        for indicator, target in (
            ("posts_published", 1),
            ("total_reach", 700),
            ("median_engagement_rate", 1),
        ):
            set_target(conn, budi, "2025-07", indicator, target, user=_user(engine, "kabid"))
    with engine.connect() as conn:
        july = hall_of_fame(conn, "2025-07", KinerjaSettings(), now=NOW)
        june = hall_of_fame(conn, JUNE, KinerjaSettings(), now=NOW)
        with pytest.raises(KinerjaError, match="monthly"):
            hall_of_fame(conn, "2025-Q2", KinerjaSettings(), now=NOW)
    improved = next(a for a in july.awards if a.key == "most_improved")
    assert improved.people == [(budi, "Budi")]
    assert improved.work[0].url == f"/kinerja/{budi}/2025-07"
    assert f"/content/posts/{office.posts['P6']}" in {w.url for w in improved.work}
    awards = {a.key: a for a in june.awards}
    assert awards["top_reach"].people == [(budi, "Budi")]
    assert (
        awards["top_reach"].work[0].url == f"/content/posts/{office.posts['P2']}"
    )  # the biggest share of reach
    assert awards["best_engagement"].people == [(budi, "Budi")]  # the only one with 3 posts
    fastest = awards["fastest_response"]
    assert (
        fastest.value == pytest.approx(10.0)
        and fastest.work[0].url == f"/assignments/{office.assignments['A2']}"
    )


def test_example_config_documents_the_defaults() -> None:
    from pathlib import Path

    from gaung.config import settings_from_toml

    example = Path(__file__).parent.parent / "gaung" / "data" / "gaung.example.toml"
    assert settings_from_toml(example).kinerja == KinerjaSettings()


# -- fixes: credit kept by the post's maker, like-for-like "most improved", the month to show, reviews --


def test_linking_a_credited_post_never_takes_its_makers_credit(engine: Engine, office: Office) -> None:
    """P2 is Budi's (posts.credited_staff). Linked to Sari's assignment he is no member of, he keeps a
    writer's share; on one he is a member of, he gets his member share once, not twice."""
    from gaung.kinerja.assignments import add_output, create_assignment

    p2, budi, sari, kabid = (
        office.posts["P2"],
        office.staff["Budi"],
        office.staff["Sari"],
        office.staff["Kabid"],
    )
    with transaction(engine) as conn:
        theirs = create_assignment(
            conn, "Diklaim", "konten", members=[("Sari", "writer")], at=datetime(2025, 6, 9, 0, 0)
        )
        add_output(conn, theirs, "https://www.instagram.com/p/P2/")

    def share(staff_id: int) -> tuple[float, list[str]]:
        found = [e for e in _card(engine, staff_id).indicator("posts_published").evidence if e.id == p2]
        return (found[0].share, found[0].roles) if found else (0.0, [])

    assert share(budi) == (pytest.approx(0.5), ["credited"])  # two writers: half each
    assert share(sari) == (pytest.approx(0.5), ["writer"])
    with transaction(engine) as conn:
        joint = create_assignment(
            conn,
            "Bersama",
            "konten",
            members=[("Budi", "designer"), ("Kabid", "approver")],
            at=datetime(2025, 6, 9, 0, 0),
        )
        add_output(conn, joint, "https://www.instagram.com/p/P2/")
    # members of both: Sari writer 0.4, Budi designer 0.2, Kabid approver 0.1 — Budi not added as writer
    assert share(budi) == (pytest.approx(0.2 / 0.7), ["designer"])
    assert share(sari)[0] == pytest.approx(0.4 / 0.7) and share(kabid)[0] == pytest.approx(0.1 / 0.7)


def _synthetic(staff_id: int, person: str, period: str, capaian: dict[str, float]) -> Scorecard:
    """A scorecard whose indicators have exactly these capaian (target 100, realisation = capaian)."""
    indicators = [
        IndicatorResult(
            key,
            d.label,
            d.rhk,
            d.unit,
            d.formula,
            100.0 if key in capaian else None,
            "set",
            capaian.get(key),
            [],
            "",
        )
        for key, d in INDICATORS.items()
    ]
    return Scorecard(
        staff_id,
        person,
        None,
        None,
        None,
        None,
        None,
        parse_period(period),
        indicators,
        None,
        Reason("no_data", {}),
    )


def test_most_improved_compares_like_with_like_and_caps_capaian() -> None:
    a, b, c = "posts_published", "total_reach", "median_engagement_rate"
    then = _synthetic(1, "Ani", "2025-06", {a: 50, b: 50})
    # a new indicator with a huge capaian is not an improvement: only a and b are in both months
    assert compare_capaian(_synthetic(1, "Ani", "2025-07", {a: 60, b: 40, c: 1000}), then) == (50, 50, 2)
    # one runaway number counts as 150 %
    runaway = compare_capaian(_synthetic(1, "Ani", "2025-07", {a: 1000, b: 100}), then)
    assert runaway == (50, 125, 2)
    # one shared indicator is not a comparison
    assert compare_capaian(_synthetic(1, "Ani", "2025-07", {a: 90, c: 90}), then) is None
    cards = [
        _synthetic(1, "Ani", "2025-07", {a: 1000, b: 50}),  # uncapped +475, capped +50
        _synthetic(2, "Budi", "2025-07", {a: 120, b: 120}),  # +70 on both
        _synthetic(3, "Citra", "2025-07", {a: 100, c: 5000}),  # only one indicator in both months
    ]
    previous = [
        _synthetic(1, "Ani", "2025-06", {a: 50, b: 50}),
        _synthetic(2, "Budi", "2025-06", {a: 50, b: 50}),
        _synthetic(3, "Citra", "2025-06", {a: 10, b: 10}),
    ]
    award = _most_improved(cards, previous)
    assert award is not None and award.people == [(2, "Budi")]
    assert award.value == pytest.approx(70) and award.compared == 2
    assert "2 indicators measured in both months, each capped at 150%" in award.detail
    assert _most_improved(cards[2:], previous) is None


def test_the_month_to_show_is_the_one_being_judged(engine: Engine, office: Office) -> None:
    """Not the newest post's month (July, with no targets yet), but the newest month with monthly
    targets or reviews, up to the current month; without any, the newest post's month."""
    now = datetime(2025, 7, 15)
    kabid = _user(engine, "kabid")
    with engine.connect() as conn:
        assert latest_month(conn, now=now) == parse_period("2025-07")  # P6, 3 July
    with transaction(engine) as conn:
        set_target(conn, office.staff["Budi"], "2025-05", "posts_published", 4, user=kabid)
        set_target(conn, office.staff["Budi"], "2025-Q3", "posts_published", 20, user=kabid)  # not a month
        set_target(conn, office.staff["Budi"], "2025-08", "posts_published", 9, user=kabid)  # ahead
    with engine.connect() as conn:
        assert latest_month(conn, now=now) == parse_period("2025-05")
    with transaction(engine) as conn:
        set_review(conn, office.staff["Sari"], JUNE, rating_perilaku="sesuai", reviewer_user=kabid, now=now)
    with engine.connect() as conn:
        assert latest_month(conn, now=now) == parse_period(JUNE)
        assert latest_month(conn, now=datetime(2025, 8, 2)) == parse_period("2025-08")


def test_a_review_of_a_period_not_yet_begun_is_refused(engine: Engine, office: Office) -> None:
    kabid, budi = _user(engine, "kabid"), office.staff["Budi"]
    now = datetime(2025, 6, 20)
    for period in ("2025-07", "2025-Q3", "2026", "2099-01"):
        with transaction(engine) as conn, pytest.raises(KinerjaError, match="has not started yet"):
            set_review(conn, budi, period, rating_perilaku="sesuai", reviewer_user=kabid, now=now)
    with transaction(engine) as conn:  # the current month, quarter and year may be reviewed
        for period in (JUNE, "2025-Q2", "2025"):
            set_review(conn, budi, period, rating_perilaku="sesuai", reviewer_user=kabid, now=now)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(skp_reviews.c.period).order_by(skp_reviews.c.period)).scalars().all()
    assert stored == ["2025", JUNE, "2025-Q2"]


def test_quarter_without_its_own_target_is_built_from_the_monthly_plans(
    engine: Engine, office: Office
) -> None:
    """Counts add up over the months (a month without a row takes the office default), rates average; a
    target set for the quarter itself still wins."""
    budi = office.staff["Budi"]
    admin = _user(engine, "admin")
    with transaction(engine) as conn:
        set_target(conn, budi, "2025-06", "posts_published", 12, user=admin)
        set_target(conn, budi, "2025-05", "median_engagement_rate", 5, user=admin)
    quarter = _card(engine, budi, "2025-Q2")
    posts = quarter.indicator("posts_published")
    assert posts.target == 8 + 8 + 12 and posts.target_source == "months"
    rate = quarter.indicator("median_engagement_rate")
    assert rate.target == pytest.approx((3 + 5 + 3) / 3) and rate.target_source == "months"
    assert quarter.indicator("total_reach").target_source == "default"  # no monthly rows: unchanged
    with transaction(engine) as conn:
        set_target(conn, budi, "2025-Q2", "posts_published", 30, user=admin)
    assert _card(engine, budi, "2025-Q2").indicator("posts_published").target == 30
