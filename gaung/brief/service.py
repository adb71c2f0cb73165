"""Making a brief end to end: read the day, render HTML (and PDF), store it. One call for every caller.

The CLI (`gaung brief`), the Laporan page, the JSON API and the monitor's schedule all go through
`make_brief`, so a brief made anywhere is the same document and replaces the same stored row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import lxml.html
from sqlalchemy import Engine

from gaung.brief.data import BriefData, build_brief_data, office_today
from gaung.brief.errors import BriefError
from gaung.brief.render import Logo, load_logo, long_date, render_html, render_pdf
from gaung.brief.speakers import quote_tone_model
from gaung.brief.store import save_brief
from gaung.config import Settings
from gaung.store.db import transaction

log = logging.getLogger(__name__)

# Online news before this day is not something Gaung monitors; asking for it is a typo (1925 for 2025).
FIRST_DAY = date(1990, 1, 1)


@dataclass
class MadeBrief:
    """A rendered brief; `brief_id` is set when it was stored, `warnings` say what was left out and why."""

    data: BriefData
    lang: str
    html: str
    pdf: bytes | None
    brief_id: int | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def day(self) -> date:
        return self.data.day


def parse_day(value: str, *, name: str = "--date") -> date:
    """'2025-06-18' → date; anything else is a BriefError that names the parameter and the format."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BriefError(f"{name} {value!r}: use a date like 2025-06-18 (YYYY-MM-DD)") from None


def check_day(day: date, now: datetime | None = None) -> None:
    """Refuse a day that has not begun in the office's calendar, or one before FIRST_DAY."""
    today = office_today(now)
    if day > today:
        raise BriefError(
            f"{day.isoformat()} has not begun yet (today is {today.isoformat()} in office time, WIB)"
        )
    if day < FIRST_DAY:
        raise BriefError(f"{day.isoformat()} is before {FIRST_DAY.isoformat()}; check the year")


def yesterday(now: datetime | None = None) -> date:
    """Yesterday in the office's calendar: the default day of a brief."""
    return office_today(now) - timedelta(days=1)


def base_url(settings: Settings) -> str:
    """The web app's address for evidence links: [brief] base_url, else [delivery] base_url, else ''."""
    delivery = getattr(settings, "delivery", None)
    return (settings.brief.base_url or getattr(delivery, "base_url", "") or "").rstrip("/")


def configured_logo(settings: Settings) -> Logo:
    """The `[brief] logo`, a relative path taken from the folder of gaung.toml."""
    folder = settings.config_path.parent if settings.config_path is not None else None
    return load_logo(settings.brief.logo, relative_to=folder)


def make_brief(
    engine: Engine,
    settings: Settings,
    day: date,
    *,
    lang: str = "id",
    store: bool = True,
    require_pdf: bool = True,
    trigger: str = "manual",
    generated_by: str | None = None,
    now: datetime | None = None,
) -> MadeBrief:
    """Read `day`, render it in `lang`, make the PDF and (if `store`) keep it, replacing an earlier one.

    Without `require_pdf` a missing PDF engine is a warning (the HTML is still made and stored); with it,
    a BriefError. A missing logo is always a warning.
    """
    check_day(day, now)
    if lang not in ("id", "en"):
        raise BriefError(f"--lang {lang!r}: use id or en")
    logo = configured_logo(settings)
    warnings = [logo.warning] if logo.warning else []
    for warning in warnings:
        log.warning("%s", warning)
    with engine.connect() as conn:
        data = build_brief_data(
            conn,
            day,
            organisation=settings.organisation,
            base_url=base_url(settings),
            max_clippings=settings.brief.max_clippings,
            watchlist=settings.watchlist,
            quote_tone=quote_tone_model(settings.watchlist),
            now=now,
        )
    html = render_html(data, lang=lang, logo=logo)
    pdf: bytes | None = None
    if require_pdf or store:
        try:
            pdf = render_pdf(html)
        except BriefError as exc:
            if require_pdf:
                raise
            warnings.append(str(exc))
    made = MadeBrief(data=data, lang=lang, html=html, pdf=pdf, warnings=warnings)
    if store:
        with transaction(engine) as conn:
            made.brief_id = save_brief(
                conn,
                day=day,
                lang=lang,
                html=html,
                pdf=pdf,
                counts=data.counts(),
                trigger=trigger,
                generated_at=(now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None),
                generated_by=generated_by,
            )
    return made


def brief_subject(made: MadeBrief) -> str:
    """'Laporan Monitoring Media Harian — Rabu, 18 Juni 2025 — <organisation>' (from the rendered title)."""
    title = lxml.html.fromstring(made.html).findtext(".//h1") or "Laporan"
    return f"{title.strip()} — {long_date(made.day, made.lang)} — {made.data.organisation}"


def brief_text(made: MadeBrief, link: str = "") -> str:
    """A plain-text digest of the brief for email bodies and chat messages: konklusi, the main issues and
    the recommendations, in the brief's own (translated) words, then `link` to the full brief."""
    root = lxml.html.fromstring(made.html)
    lines = [
        " ".join((root.findtext(".//h1") or "").split()),
        long_date(made.day, made.lang),
        made.data.organisation,
    ]

    def text(element: lxml.html.HtmlElement) -> str:
        return " ".join(element.text_content().split())

    for section_id in ("konklusi", "isu-utama", "rekomendasi"):
        for section in root.xpath(f'//section[@id="{section_id}"]'):
            heading = section.find("h2")
            lines += ["", text(heading) if heading is not None else section_id]
            if section_id == "konklusi":
                items = section.xpath(".//li") or section.xpath(".//p")
                lines += [f"- {text(item)}" for item in items]
            elif section_id == "isu-utama":
                lines += [text(item) for item in section.xpath(".//h3")]
            else:
                lines += [f"- {text(item)}" for item in section.xpath('.//div[@class="rec"]/p[1]')]
                lines += [text(item) for item in section.xpath('./p[@class="muted"]')]
    if link:
        lines += ["", link]
    return "\n".join(lines).strip() + "\n"
