"""The supervisor's part of a scorecard: targets (Rencana Hasil Kerja) and the review (perilaku, umpan balik).

Who may write, decided here for the CLI, the pages and the API alike:
- a person's supervisors (direct or further up, `gaung.kinerja.staff.team_of`) and admins set targets
  and enter the review;
- nobody reviews themself, not even an admin: a self-rating is refused;
- a period in which the person did not work for the office takes neither;
- a review rates work done, so a period that starts after the current month cannot be reviewed yet
  (targets may be set ahead).
Every change goes to the audit log with who made it.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.kinerja.credit import employed_during
from gaung.kinerja.errors import ForbiddenError, KinerjaError
from gaung.kinerja.periods import Period, month_of, parse_period
from gaung.kinerja.rating import BERAKHLAK, normalize_rating
from gaung.kinerja.scorecards import INDICATORS
from gaung.kinerja.staff import find_staff, staff_for_user, team_of
from gaung.store.schema import skp_reviews, skp_targets
from gaung.store.users import User, audit

__all__ = [
    "NotAllowed",
    "can_manage",
    "get_review",
    "list_targets",
    "reset_target",
    "set_review",
    "set_target",
]

MAX_FEEDBACK = 5000
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
NO_TARGET_WORDS = ("none", "-", "tidak ada")
MAX_RHK = 500


class NotAllowed(ForbiddenError):
    """The user may not set this person's targets or review (not their supervisor, or themself)."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def parse_target(text: str, indicator: str = "target") -> float | None:
    """A target as typed: "20000", "20.000" (Indonesian thousands), "2,5"; "none" means no target."""
    raw = (text or "").strip()
    if raw.lower() in NO_TARGET_WORDS:
        return None
    if THOUSANDS.match(raw):
        raw = raw.replace(".", "")
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        raise KinerjaError(f"{indicator}: {text!r} is not a number (0 or none means no target)") from None


def can_manage(conn: Connection, user: User | None, staff_id: int) -> bool:
    """True when `user` may set targets and reviews for `staff_id`: an admin, or one of their supervisors."""
    if user is None:
        return False
    me = staff_for_user(conn, user.id)
    if me is not None and int(me["id"]) == staff_id:
        return False  # not even an admin rates themself
    if user.role == "admin":
        return True
    return me is not None and staff_id in team_of(conn, int(me["id"]))


def _check(conn: Connection, user: User, staff_id: int, period: Period, what: str) -> dict[str, Any]:
    person = find_staff(conn, staff_id)
    me = staff_for_user(conn, user.id)
    if me is not None and int(me["id"]) == int(person["id"]):
        raise NotAllowed(f"{user.name} cannot set their own {what}: their supervisor or an admin does")
    if not can_manage(conn, user, int(person["id"])):
        raise NotAllowed(
            f"{user.name} is not a supervisor of {person['name']}: only their supervisors or an admin "
            f"may set their {what}"
        )
    if not employed_during(person, period):
        raise KinerjaError(f"{person['name']} did not work for the office in {period.key}: no {what}")
    return person


def set_target(
    conn: Connection,
    staff_id: int,
    period: str | Period,
    indicator: str,
    target: float | None,
    *,
    user: User,
    rhk: str | None = None,
) -> None:
    """Set (or with None or 0, clear to "no target") one indicator's target for a person and period."""
    period = parse_period(period)
    if indicator not in INDICATORS:
        raise KinerjaError(f"unknown indicator {indicator!r}; known: {', '.join(INDICATORS)}")
    if target is not None:
        if isinstance(target, bool) or not math.isfinite(float(target)) or float(target) < 0:
            raise KinerjaError(f"target for {indicator} must be a number ≥ 0, got {target!r}")
        target = float(target)
    clean_rhk = " ".join((rhk or "").split()) or None
    if clean_rhk is not None and len(clean_rhk) > MAX_RHK:
        raise KinerjaError(
            f"the Rencana Hasil Kerja is too long ({len(clean_rhk)} characters, at most {MAX_RHK})"
        )
    person = _check(conn, user, staff_id, period, "targets")
    where = sa.and_(
        skp_targets.c.staff_id == person["id"],
        skp_targets.c.period == period.key,
        skp_targets.c.indicator == indicator,
    )
    values = {"target": target, "rhk": clean_rhk, "set_by": user.name, "set_at": _now()}
    if conn.execute(sa.update(skp_targets).where(where).values(**values)).rowcount == 0:
        conn.execute(
            skp_targets.insert().values(
                staff_id=person["id"], period=period.key, indicator=indicator, **values
            )
        )
    audit(
        conn,
        user,
        "kinerja.target",
        f"staff:{person['id']}",
        {"period": period.key, "indicator": indicator, "target": target, "rhk": clean_rhk},
    )


def reset_target(
    conn: Connection, staff_id: int, period: str | Period, indicator: str, *, user: User
) -> bool:
    """Drop a person's own target for an indicator (the office default applies again); True if one existed."""
    period = parse_period(period)
    if indicator not in INDICATORS:
        raise KinerjaError(f"unknown indicator {indicator!r}; known: {', '.join(INDICATORS)}")
    person = _check(conn, user, staff_id, period, "targets")
    deleted = conn.execute(
        sa.delete(skp_targets).where(
            skp_targets.c.staff_id == person["id"],
            skp_targets.c.period == period.key,
            skp_targets.c.indicator == indicator,
        )
    ).rowcount
    if deleted:
        audit(
            conn,
            user,
            "kinerja.target",
            f"staff:{person['id']}",
            {"period": period.key, "indicator": indicator, "reset": True},
        )
    return bool(deleted)


def set_review(
    conn: Connection,
    staff_id: int,
    period: str | Period,
    *,
    rating_perilaku: str | None,
    feedback: str | None = None,
    perilaku_notes: dict[str, str] | None = None,
    reviewer_user: User,
    now: datetime | None = None,
) -> None:
    """Enter the supervisor's review: rating perilaku (di atas | sesuai | di bawah), umpan balik, notes.

    Refused for oneself, for anyone who is not the reviewer's report (admins may review anyone else) and
    for a period after the current month (`now`, default the clock).
    """
    period = parse_period(period)
    rating = normalize_rating(rating_perilaku) if rating_perilaku not in (None, "") else None
    text = (feedback or "").strip() or None
    if text is not None and len(text) > MAX_FEEDBACK:
        raise KinerjaError(f"umpan balik too long ({len(text)} characters, at most {MAX_FEEDBACK})")
    notes = {}
    for key, value in (perilaku_notes or {}).items():
        if key not in BERAKHLAK:
            raise KinerjaError(f"unknown BerAKHLAK value {key!r}; known: {', '.join(BERAKHLAK)}")
        if str(value or "").strip():
            notes[key] = str(value).strip()[:MAX_RHK]
    current = month_of(now or datetime.now(UTC))
    if period.start > current.start:
        raise KinerjaError(
            f"{period.key} has not started yet (this month is {current.key}): a review rates work done, "
            "so it is entered during or after the period"
        )
    person = _check(conn, reviewer_user, staff_id, period, "review")
    me = staff_for_user(conn, reviewer_user.id)
    values = {
        "rating_perilaku": rating,
        "perilaku_notes": notes or None,
        "feedback": text,
        "reviewer_staff_id": int(me["id"]) if me else None,
        "reviewed_by": reviewer_user.name,
        "reviewed_at": _now(),
    }
    where = sa.and_(skp_reviews.c.staff_id == person["id"], skp_reviews.c.period == period.key)
    if conn.execute(sa.update(skp_reviews).where(where).values(**values)).rowcount == 0:
        conn.execute(skp_reviews.insert().values(staff_id=person["id"], period=period.key, **values))
    audit(
        conn,
        reviewer_user,
        "kinerja.review",
        f"staff:{person['id']}",
        {"period": period.key, "rating_perilaku": rating, "feedback": bool(text)},
    )


def get_review(conn: Connection, staff_id: int, period: str | Period) -> dict[str, Any] | None:
    """The review row for a person and period, or None."""
    key = parse_period(period).key
    row = (
        conn.execute(
            sa.select(skp_reviews).where(skp_reviews.c.staff_id == staff_id, skp_reviews.c.period == key)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def list_targets(conn: Connection, staff_id: int, period: str | Period) -> dict[str, dict[str, Any]]:
    """The explicit target rows of a person and period, by indicator."""
    key = parse_period(period).key
    rows = conn.execute(
        sa.select(skp_targets).where(skp_targets.c.staff_id == staff_id, skp_targets.c.period == key)
    ).mappings()
    return {row["indicator"]: dict(row) for row in rows}
