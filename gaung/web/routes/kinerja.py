"""Kinerja: SKP scorecards, their evidence, targets and reviews, the hall of fame, PDF and XLSX.

    GET  /kinerja?period=&staff=                  my scorecard, my team's, history chart, hall of fame  staff
    GET  /kinerja/{staff_id}/{period}             one scorecard with the evidence behind every number   staff*
    POST /kinerja/{staff_id}/{period}/targets     Rencana Hasil Kerja targets                           super.
    POST /kinerja/{staff_id}/{period}/review      rating perilaku and umpan balik                       super.
    GET  /kinerja/{staff_id}/{period}/scorecard.pdf  the same scorecard, printable (A4)                 staff*
    GET  /kinerja/team.xlsx?period=               the team table with evidence                          staff

*Staff see their own scorecard, supervisors their team's, admins everyone's (`visible_scorecard`, shared
with the JSON API); a supervisor or admin writes targets and reviews, never for themself.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Connection

from gaung.config import KinerjaSettings
from gaung.kinerja.errors import KinerjaError
from gaung.kinerja.periods import Period
from gaung.kinerja.rating import BERAKHLAK, RATINGS
from gaung.kinerja.recognition import CAPAIAN_CAP, hall_of_fame, latest_month
from gaung.kinerja.reviews import (
    NotAllowed,
    can_manage,
    list_targets,
    parse_target,
    reset_target,
    set_review,
    set_target,
)
from gaung.kinerja.scorecards import INDICATORS, default_target, format_number, history
from gaung.kinerja.staff import can_see, get_staff, list_staff, staff_for_user, visible_staff_ids
from gaung.store.db import transaction
from gaung.web.api.common import workspace
from gaung.web.api.kinerja import kinerja_settings, period_or_400, visible_scorecard, visible_team
from gaung.web.auth import User, require, verify_csrf
from gaung.web.i18n import N_
from gaung.web.kinerja_export import scorecard_pdf, team_xlsx
from gaung.web.templating import render

router = APIRouter(include_in_schema=False)

HISTORY_MONTHS = 6
# the targets form's per-indicator choice: "" the box (empty keeps the target in force), no target,
# or back to the office default (the person's own row, and its Rencana Hasil Kerja, is dropped)
TARGET_CHOICES = ("", "none", "default")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

INDICATOR_LABELS = {
    "posts_published": N_("Posts published"),
    "total_reach": N_("Total reach"),
    "median_engagement_rate": N_("Median engagement rate"),
    "negative_answered_within": N_("Negative issues answered in time"),
    "assignments_on_time": N_("Assignments on time"),
}
# The indicators' formulas and default Rencana Hasil Kerja, word for word as in
# gaung.kinerja.scorecards.INDICATORS (tests/test_kinerja_pages.py checks), so they can be translated.
FORMULAS = {
    "posts_published": N_(
        "Posts published in the period that credit the person, each counted by the person's share."
    ),
    "total_reach": N_("Sum over those posts of reach (newest snapshot) × the person's share."),
    "median_engagement_rate": N_(
        "Median over those posts of the engagement rate by reach = engagements ÷ reach × 100 (engagements ="
        " likes + comments + shares + saves, newest snapshot); shares do not weight it."
    ),
    "negative_answered_within": N_(
        "Response assignments (klarifikasi, hak jawab, siaran pers from an issue) the person worked on whose"
        " issue was first mentioned in the period: share published within N hours of the first mention × 100"
        " (still open and not yet late: not counted)."
    ),
    "assignments_on_time": N_(
        "Assignments the person worked on that were due in the period: share that reached terbit or selesai"
        " by the due date × 100 (still open and not yet due: not counted)."
    ),
}
RHK_LABELS = (
    N_("Published content that informs the public about the office's programmes"),
    N_("Content the public engages with"),
    N_("Quick responses to negative coverage"),
    N_("Assignments completed as agreed"),
)
RATING_LABELS = {
    "di atas": N_("above expectations"),
    "sesuai": N_("as expected"),
    "di bawah": N_("below expectations"),
}
# gaung.kinerja.rating's explanations, word for word (checked by a test), for the catalogue.
RATING_REASONS = (
    N_("No indicator has both data and a target yet, so the results cannot be rated."),
    N_(
        "Above expectations: all %(n)s indicators with data reached their target, and %(above)s of them"
        " reached %(threshold)s%% or more (the rule asks for at least %(share)s%%)."
    ),
    N_(
        "Below expectations: %(below)s of %(n)s indicators with data stayed under %(threshold)s%% of"
        " their target (the rule: more than %(share)s%% of them)."
    ),
    N_(
        "As expected: %(reached)s of %(n)s indicators with data reached their target. Above expectations"
        " needs all of them at 100%% or more and at least %(above_share)s%% at %(above_threshold)s%%;"
        " below expectations means more than %(below_share)s%% under %(below_threshold)s%%."
    ),
)
ROLE_LABELS = {
    "writer": N_("writer"),
    "designer": N_("designer"),
    "videographer": N_("videographer"),
    "editor": N_("editor"),
    "approver": N_("approver"),
    "credited": N_("credited"),
}
OUTCOMES = {
    "answered": N_("published %(hours)s h after the first mention"),
    "answered_late": N_("published %(hours)s h after the first mention (late)"),
    "not_published": N_("not published in time"),
    "on_time": N_("done by the due date"),
    "late": N_("done after the due date"),
    "not_done": N_("not done by the due date"),
    "pending": N_("still open, not yet due"),
    "no reach": N_("no reach"),
    "reach is 0": N_("reach is 0"),
    "no engagements": N_("no engagements"),
}
AWARD_LABELS = {
    "top_reach": N_("Top reach"),
    "best_engagement": N_("Best engagement"),
    "fastest_response": N_("Fastest response"),
    "most_improved": N_("Most improved"),
}
BERAKHLAK_LABELS = {
    "berorientasi_pelayanan": N_("Service-oriented"),
    "akuntabel": N_("Accountable"),
    "kompeten": N_("Competent"),
    "harmonis": N_("Harmonious"),
    "loyal": N_("Loyal"),
    "adaptif": N_("Adaptive"),
    "kolaboratif": N_("Collaborative"),
}


def labels_context() -> dict[str, Any]:
    """What the Kinerja templates and macros need besides the data: labels and the number format."""
    return {
        "fmt": format_number,
        "INDICATOR_LABELS": INDICATOR_LABELS,
        "FORMULAS": FORMULAS,
        "RATING_LABELS": RATING_LABELS,
        "ROLE_LABELS": ROLE_LABELS,
        "OUTCOMES": OUTCOMES,
        "AWARD_LABELS": AWARD_LABELS,
        "BERAKHLAK_LABELS": BERAKHLAK_LABELS,
        "CAPAIAN_CAP": CAPAIAN_CAP,
    }


def dashboard_fame(conn: Connection, settings: KinerjaSettings) -> dict[str, Any]:
    """The hall of fame for the dashboard (`latest_month`: the month being judged), with what its macro needs;
    `fame` is None when the office keeps no staff list or has no posts (then the section is not shown)."""
    month = latest_month(conn)
    if month is None or not list_staff(conn):
        return {"fame": None}
    return {"fame": hall_of_fame(conn, month, settings), **labels_context()}


def _months_up_to(period: Period, count: int) -> list[Period]:
    """`count` months ending with the period's last month (the history chart's x axis)."""
    months = [period if period.kind == "month" else period.month_periods()[-1]]
    while len(months) < count:
        months.insert(0, months[0].previous())
    return months


def history_chart(points: list[tuple[Period, Any]]) -> dict[str, Any]:
    """Capaian per indicator per month (null where there is none), read by static/kinerja.js."""
    return {
        "labels": [period.key for period, _ in points],
        "series": {
            key: [
                None
                if card is None or card.indicator(key).capaian is None
                else round(card.indicator(key).capaian, 1)
                for _, card in points
            ]
            for key in INDICATORS
        },
    }


@router.get("/kinerja")
def kinerja_page(
    request: Request,
    period: str | None = Query(None, max_length=10),
    staff: int | None = Query(None),
    user: User = Depends(require("staff")),
) -> Response:
    ws = workspace(request)
    settings = kinerja_settings(request)
    with ws.engine.connect() as conn:
        chosen = period_or_400(period, conn)
        me = staff_for_user(conn, user.id)
        cards = visible_team(conn, user, chosen, settings)
        visible = visible_staff_ids(conn, user)
        mine = next((c for c in cards if me is not None and c.staff_id == me["id"]), None)
        wanted = staff is not None and get_staff(conn, staff) is not None and can_see(conn, user, staff)
        subject_id = staff if wanted else None
        if subject_id is None:
            subject_id = int(me["id"]) if me is not None else (cards[0].staff_id if cards else None)
        subject = next((c for c in cards if c.staff_id == subject_id), None)
        months = _months_up_to(chosen, HISTORY_MONTHS)
        points = history(conn, subject_id, months, settings) if subject_id is not None else []
        fame = hall_of_fame(conn, months[-1], settings)
    context = {
        "period": chosen,
        "me": me,
        "mine": mine,
        "cards": cards,
        "team_view": visible is None or len(visible) > 1,
        "subject": subject,
        "subject_id": subject_id,
        "chart": history_chart(points),
        "fame": fame,
        **labels_context(),
    }
    return render(request, "kinerja.html", context)


def _detail_context(request: Request, user: User, staff_id: int, period: str) -> dict[str, Any]:
    ws = workspace(request)
    settings = kinerja_settings(request)
    with ws.engine.connect() as conn:
        chosen = period_or_400(period, conn)
        card = visible_scorecard(conn, user, staff_id, chosen, settings)
        manage = can_manage(conn, user, staff_id)
        targets = list_targets(conn, staff_id, chosen) if manage else {}
    return {
        "card": card,
        "period": chosen,
        "manage": manage,
        "targets": targets,
        "defaults": {key: default_target(key, chosen, settings) for key in INDICATORS},
        "response_hours": settings.response_hours,
        "ratings": RATINGS,
        "berakhlak": BERAKHLAK,
        **labels_context(),
    }


@router.get("/kinerja/team.xlsx")
def team_export(
    request: Request, period: str | None = Query(None, max_length=10), user: User = Depends(require("staff"))
) -> Response:
    ws = workspace(request)
    settings = kinerja_settings(request)
    with ws.engine.connect() as conn:
        chosen = period_or_400(period, conn)
        cards = visible_team(conn, user, chosen, settings)
    body = team_xlsx(cards, chosen, settings, exported_by=user.name, base_url=str(request.base_url))
    headers = {"Content-Disposition": f'attachment; filename="kinerja-{chosen.key}.xlsx"'}
    return Response(body, media_type=XLSX, headers=headers)


@router.get("/kinerja/{staff_id}/{period}")
def scorecard_page(
    request: Request,
    staff_id: int,
    period: str,
    done: str | None = Query(None),
    user: User = Depends(require("staff")),
) -> Response:
    context = _detail_context(request, user, staff_id, period)
    context["done"] = done if done in ("targets", "review") else None
    return render(request, "kinerja_scorecard.html", context)


@router.get("/kinerja/{staff_id}/{period}/scorecard.pdf")
def scorecard_pdf_page(
    request: Request, staff_id: int, period: str, user: User = Depends(require("staff"))
) -> Response:
    context = _detail_context(request, user, staff_id, period)
    context["manage"] = False  # no forms on paper
    context["base_url"] = str(request.base_url).rstrip("/")  # links in the PDF must work outside the app
    page = render(request, "kinerja_print.html", context)
    pdf = scorecard_pdf(bytes(page.body).decode("utf-8"), base_url=str(request.base_url))
    card = context["card"]
    name = "".join(ch if ch.isalnum() else "-" for ch in card.person.lower()).strip("-") or "pegawai"
    headers = {"Content-Disposition": f'inline; filename="skp-{name}-{card.period.key}.pdf"'}
    return Response(pdf, media_type="application/pdf", headers=headers)


def _refuse_unless_manager(request: Request, user: User, staff_id: int, period: str) -> Period:
    ws = workspace(request)
    with ws.engine.connect() as conn:
        chosen = period_or_400(period, conn)
        visible_scorecard(conn, user, staff_id, chosen, kinerja_settings(request))  # 404 / 403 first
        if not can_manage(conn, user, staff_id):
            raise HTTPException(
                403, "only the person's supervisors or an admin may do this, never for oneself"
            )
    return chosen


@router.post("/kinerja/{staff_id}/{period}/targets", dependencies=[Depends(verify_csrf)])
async def targets_form(
    request: Request, staff_id: int, period: str, user: User = Depends(require("staff"))
) -> Response:
    chosen = _refuse_unless_manager(request, user, staff_id, period)
    settings = kinerja_settings(request)
    form = await request.form()
    try:
        # one transaction: a bad value anywhere stores none of the form (nothing half-saved)
        with transaction(workspace(request).engine) as conn:
            existing = list_targets(conn, staff_id, chosen)
            for key in INDICATORS:
                raw = str(form.get(f"target_{key}", "")).strip()
                rhk = " ".join(str(form.get(f"rhk_{key}", "")).split()) or None
                choice = str(form.get(f"choice_{key}", "")).strip()
                row = existing.get(key)
                if choice not in TARGET_CHOICES:
                    raise KinerjaError(
                        f"choice for {key}: {choice!r} is not one of {', '.join(TARGET_CHOICES)}"
                    )
                if choice == "default":
                    if row is not None:
                        reset_target(conn, staff_id, chosen, key, user=user)
                    continue
                if choice == "none":
                    value = None
                elif raw:
                    value = parse_target(raw, f"target for {key}")
                elif row is None and rhk is None:
                    continue  # nothing typed, nothing stored: the office default goes on applying
                else:
                    # an empty box keeps the target in force: the stored one, else the office default
                    value = row["target"] if row is not None else default_target(key, chosen, settings)
                if row is None or row["target"] != value or (row["rhk"] or None) != rhk:
                    set_target(conn, staff_id, chosen, key, value, user=user, rhk=rhk)
    except NotAllowed as exc:
        raise HTTPException(403, str(exc)) from None
    except KinerjaError as exc:
        raise HTTPException(400, str(exc)) from None
    return RedirectResponse(f"/kinerja/{staff_id}/{chosen.key}?done=targets", status_code=303)


@router.post("/kinerja/{staff_id}/{period}/review", dependencies=[Depends(verify_csrf)])
async def review_form(
    request: Request, staff_id: int, period: str, user: User = Depends(require("staff"))
) -> Response:
    chosen = _refuse_unless_manager(request, user, staff_id, period)
    form = await request.form()
    notes = {value: str(form.get(f"note_{value}", "")) for value in BERAKHLAK}
    try:
        with transaction(workspace(request).engine) as conn:
            set_review(
                conn,
                staff_id,
                chosen,
                rating_perilaku=str(form.get("rating_perilaku", "")) or None,
                feedback=str(form.get("feedback", "")),
                perilaku_notes=notes,
                reviewer_user=user,
            )
    except NotAllowed as exc:
        raise HTTPException(403, str(exc)) from None
    except KinerjaError as exc:
        raise HTTPException(400, str(exc)) from None
    return RedirectResponse(f"/kinerja/{staff_id}/{chosen.key}?done=review", status_code=303)
