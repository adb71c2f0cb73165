"""Ratings and the final predikat of an SKP scorecard (PermenPAN-RB 6/2022).

Two ratings meet in a matrix:
- rating hasil kerja (the results) is computed from the indicators' capaian by a rule the office can
  tune in gaung.toml `[kinerja]` (`rate_hasil_kerja` says which rule fired and why, in a sentence);
- rating perilaku kerja (BerAKHLAK behaviour) is entered by the person's supervisor.
Both use the three levels "di atas", "sesuai" and "di bawah" (ekspektasi). Nothing here, or anywhere
in the package, reads attendance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gaung.config import KinerjaSettings
from gaung.kinerja.errors import KinerjaError

__all__ = [
    "ABOVE",
    "AS_EXPECTED",
    "BELOW",
    "BERAKHLAK",
    "PREDIKAT",
    "PREDIKAT_LEVELS",
    "RATINGS",
    "Reason",
    "normalize_rating",
    "predikat",
    "rate_hasil_kerja",
]

ABOVE, AS_EXPECTED, BELOW = "di atas", "sesuai", "di bawah"
RATINGS = (ABOVE, AS_EXPECTED, BELOW)

SANGAT_BAIK = "Sangat Baik"
BAIK = "Baik"
BUTUH_PERBAIKAN = "Butuh Perbaikan"
KURANG = "Kurang/Misconduct"
SANGAT_KURANG = "Sangat Kurang"
PREDIKAT_LEVELS = (SANGAT_BAIK, BAIK, BUTUH_PERBAIKAN, KURANG, SANGAT_KURANG)

# (rating hasil kerja, rating perilaku) → predikat kinerja, the PermenPAN-RB 6/2022 matrix as the
# issue gives it: behaviour below expectations can never be outweighed by results.
PREDIKAT: dict[tuple[str, str], str] = {
    (ABOVE, BELOW): KURANG,
    (ABOVE, AS_EXPECTED): BAIK,
    (ABOVE, ABOVE): SANGAT_BAIK,
    (AS_EXPECTED, BELOW): KURANG,
    (AS_EXPECTED, AS_EXPECTED): BAIK,
    (AS_EXPECTED, ABOVE): BAIK,
    (BELOW, BELOW): SANGAT_KURANG,
    (BELOW, AS_EXPECTED): BUTUH_PERBAIKAN,
    (BELOW, ABOVE): BUTUH_PERBAIKAN,
}

# The seven BerAKHLAK core values the supervisor may comment on (SE Menteri PANRB 20/2021).
BERAKHLAK = (
    "berorientasi_pelayanan",
    "akuntabel",
    "kompeten",
    "harmonis",
    "loyal",
    "adaptif",
    "kolaboratif",
)

# The sentences that explain a rating hasil kerja. They are message ids: the web layer translates
# them (gaung.web.routes.kinerja lists the same strings for the catalogue; a test checks they match).
REASON_NO_DATA = "No indicator has both data and a target yet, so the results cannot be rated."
REASON_ABOVE = (
    "Above expectations: all %(n)s indicators with data reached their target, and %(above)s of them"
    " reached %(threshold)s%% or more (the rule asks for at least %(share)s%%)."
)
REASON_BELOW = (
    "Below expectations: %(below)s of %(n)s indicators with data stayed under %(threshold)s%% of"
    " their target (the rule: more than %(share)s%% of them)."
)
REASON_AS_EXPECTED = (
    "As expected: %(reached)s of %(n)s indicators with data reached their target. Above expectations"
    " needs all of them at 100%% or more and at least %(above_share)s%% at %(above_threshold)s%%;"
    " below expectations means more than %(below_share)s%% under %(below_threshold)s%%."
)
REASONS = (REASON_NO_DATA, REASON_ABOVE, REASON_BELOW, REASON_AS_EXPECTED)


@dataclass(frozen=True)
class Reason:
    """Why a rating came out as it did: a message id and its values (translated by the web layer)."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        """The sentence in English."""
        return self.msgid % self.params if self.params else self.msgid.replace("%%", "%")


def _number(value: float) -> str:
    return f"{value:g}"


def rate_hasil_kerja(capaian: Sequence[float | None], settings: KinerjaSettings) -> tuple[str | None, Reason]:
    """The rating hasil kerja from the capaian (percent) of the indicators that have data and a target.

    None entries (no data, or no target) are left out: a missing number is not a failure. With none
    left the rating is None ("cannot be rated yet"), never "di bawah".
    """
    rated = [value for value in capaian if value is not None]
    n = len(rated)
    if n == 0:
        return None, Reason(REASON_NO_DATA)
    above = sum(1 for value in rated if value >= settings.above_threshold)
    below = sum(1 for value in rated if value < settings.below_threshold)
    reached = sum(1 for value in rated if value >= 100)
    if reached == n and above >= settings.above_share * n:
        params = {
            "n": n,
            "above": above,
            "threshold": _number(settings.above_threshold),
            "share": _number(settings.above_share * 100),
        }
        return ABOVE, Reason(REASON_ABOVE, params)
    if below > settings.below_share * n:
        params = {
            "n": n,
            "below": below,
            "threshold": _number(settings.below_threshold),
            "share": _number(settings.below_share * 100),
        }
        return BELOW, Reason(REASON_BELOW, params)
    params = {
        "n": n,
        "reached": reached,
        "above_share": _number(settings.above_share * 100),
        "above_threshold": _number(settings.above_threshold),
        "below_share": _number(settings.below_share * 100),
        "below_threshold": _number(settings.below_threshold),
    }
    return AS_EXPECTED, Reason(REASON_AS_EXPECTED, params)


def predikat(hasil_kerja: str | None, perilaku: str | None) -> str | None:
    """The predikat kinerja from the matrix; None until both ratings exist."""
    if hasil_kerja is None or perilaku is None:
        return None
    return PREDIKAT[(normalize_rating(hasil_kerja), normalize_rating(perilaku))]


def normalize_rating(value: str) -> str:
    """`di atas`, `sesuai` or `di bawah` from how people write it ("Di Atas Ekspektasi", "di_bawah")."""
    clean = " ".join(str(value).replace("_", " ").replace("-", " ").lower().split())
    clean = clean.removesuffix(" ekspektasi").removesuffix(" harapan")
    if clean in RATINGS:
        return clean
    raise KinerjaError(f"rating {value!r} is not one of: {', '.join(RATINGS)} (ekspektasi)")
