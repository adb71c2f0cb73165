"""Kinerja exports: the team table as XLSX and a printable scorecard as PDF.

XLSX (as `gaung.web.export` does for mentions): sheet "Kinerja" has one row per person with each
indicator's target, realisation and capaian, the ratings and the predikat; sheet "Bukti dukung" lists
the evidence behind every number with its link; sheet "Tentang" says which period, when, for whom and
by which rule. Text cells are written as strings, so a title starting with "=" never runs as a formula.
Empty cells mean "no data" / "no target", never 0.

PDF: WeasyPrint renders the same scorecard HTML as the page (`_kinerja_scorecard.html`), on A4.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from gaung.config import KinerjaSettings
from gaung.kinerja.periods import Period
from gaung.kinerja.scorecards import INDICATORS, Scorecard
from gaung.web.templating import local_time


def _row(sheet: WriteOnlyWorksheet, values: Sequence[Any]) -> list[Any]:
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever a title starts with
        cells.append(cell)
    return cells


def _number(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def team_xlsx(
    cards: Sequence[Scorecard],
    period: Period,
    settings: KinerjaSettings,
    *,
    exported_by: str,
    base_url: str = "",
    now: datetime | None = None,
) -> bytes:
    """The team's scorecards for one period as an XLSX workbook (Kinerja, Bukti dukung, Tentang)."""
    now = now or datetime.now(UTC)
    book = Workbook(write_only=True)
    table = book.create_sheet("Kinerja")
    header = ["staff_id", "pegawai", "tim", "periode"]
    for key in INDICATORS:
        header += [f"{key}_target", f"{key}_realisasi", f"{key}_capaian_persen"]
    header += ["rating_hasil_kerja", "rating_perilaku", "predikat", "umpan_balik"]
    table.append(_row(table, header))
    for card in cards:
        values: list[Any] = [card.staff_id, card.person, card.team or "", card.period.key]
        for indicator in card.indicators:
            values += [
                indicator.target or None,
                _number(indicator.realisation),
                _number(indicator.capaian, 1),
            ]
        values += [
            card.rating_hasil_kerja or "",
            card.rating_perilaku or "",
            card.predikat or "",
            card.feedback or "",
        ]
        table.append(_row(table, values))
    evidence = book.create_sheet("Bukti dukung")
    evidence.append(
        _row(
            evidence,
            [
                "pegawai",
                "indikator",
                "jenis",
                "id",
                "judul",
                "tautan",
                "permalink",
                "porsi",
                "nilai",
                "dihitung",
                "catatan",
            ],
        )
    )
    for card in cards:
        for indicator in card.indicators:
            for item in indicator.evidence:
                evidence.append(
                    _row(
                        evidence,
                        [
                            card.person,
                            indicator.key,
                            item.kind,
                            item.id,
                            item.title,
                            base_url.rstrip("/") + item.url,
                            item.permalink or "",
                            round(item.share, 4),
                            _number(item.value),
                            "ya" if item.counted else "tidak",
                            item.note,
                        ],
                    )
                )
    about = book.create_sheet("Tentang")
    about.append(_row(about, ["nama", "nilai"]))
    rule = (
        f"di atas: semua indikator berdata >= 100% dan >= {settings.above_share:.0%} indikator >= "
        f"{settings.above_threshold:g}%; di bawah: > {settings.below_share:.0%} indikator < "
        f"{settings.below_threshold:g}%; selain itu sesuai"
    )
    for name, value in (
        ("periode", period.key),
        ("rentang_wib", f"{period.start.isoformat()} s.d. {period.end.isoformat()} (eksklusif)"),
        ("diekspor_utc", now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")),
        ("diekspor_wib", local_time(now, "%Y-%m-%d %H:%M:%S")),
        ("diekspor_oleh", exported_by),
        ("jumlah_pegawai", str(len(cards))),
        ("aturan_rating_hasil_kerja", rule),
        ("kosong_berarti", "tidak ada data atau tidak ada target (bukan 0)"),
        ("absensi", "tidak dipakai: kinerja dinilai dari hasil kerja"),
    ):
        about.append(_row(about, [name, value]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def scorecard_pdf(html: str, base_url: str) -> bytes:
    """The printable scorecard: the page's own HTML rendered by WeasyPrint on A4 (size set in the CSS)."""
    from weasyprint import HTML  # imported late: it loads Pango, which the rest of the app never needs

    return bytes(HTML(string=html, base_url=base_url).write_pdf())
