"""The brief as HTML (one Jinja2 template) and as an A4 PDF made by WeasyPrint from that same HTML.

The template lives with the web app's (`gaung/web/templates/brief/brief.html`) so its messages are in the
interface catalogue: Indonesian by default (the brief is read by leadership), English on request. Each
language has its own Jinja2 environment with its translations installed, so rendering one language never
changes the language of a web request running at the same time. Autoescape is on: headlines, outlet names
and quotes are web input; only the server-made SVG charts are marked safe (they escape their own text).

The logo is embedded as a data: URI, so the HTML stands alone (web view, email, PDF) and WeasyPrint never
needs the network: its URL fetcher here only accepts data: URIs.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date
from babel.numbers import format_decimal
from markupsafe import Markup

from gaung.brief import charts
from gaung.brief.data import BriefData
from gaung.brief.errors import BriefError
from gaung.store.reports import OFFICE_TZ

log = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "web" / "templates"
TEMPLATE = "brief/brief.html"
LOGO_MAX_BYTES = 2 * 1024 * 1024  # a letterhead logo is tens of kilobytes; a huge file is a mistake
LOGO_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}


@dataclass(frozen=True)
class Logo:
    """The configured logo: a data: URI, or None with the `warning` that says why it is left out."""

    data_uri: str | None
    warning: str | None = None


def load_logo(path_text: str, *, relative_to: Path | None = None) -> Logo:
    """Read the logo file named in `[brief] logo`; a problem is a warning, never an error.

    A relative path is taken from `relative_to` (the folder of gaung.toml), else the working directory.
    """
    if not path_text.strip():
        return Logo(None)
    path = Path(path_text).expanduser()
    if not path.is_absolute() and relative_to is not None:
        path = relative_to / path
    where = f"[brief] logo = {path_text!r} ({path})"
    kind = LOGO_TYPES.get(path.suffix.lower())
    if kind is None:
        return Logo(
            None,
            f"{where}: not an image this brief can embed (use {', '.join(LOGO_TYPES)}); "
            "brief made without a logo",
        )
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        return Logo(None, f"{where}: file not found; brief made without a logo")
    except OSError as exc:
        return Logo(None, f"{where}: cannot be read ({exc.strerror or exc}); brief made without a logo")
    if not content:
        return Logo(None, f"{where}: the file is empty; brief made without a logo")
    if len(content) > LOGO_MAX_BYTES:
        return Logo(
            None, f"{where}: larger than {LOGO_MAX_BYTES // 1024 // 1024} MB; brief made without a logo"
        )
    return Logo(f"data:{kind};base64,{base64.b64encode(content).decode('ascii')}")


# -- formatting -----------------------------------------------------------------------------------


def _formatters(lang: str) -> dict[str, Any]:
    locale = "id_ID" if lang == "id" else "en_GB"

    def num(value: float | int | None) -> str:
        return "-" if value is None else format_decimal(round(float(value)), locale=locale)

    def dec(value: float) -> str:
        return format_decimal(value, format="#,##0.0", locale=locale)

    def pct(value: float) -> str:
        return format_decimal(round(value), locale=locale) + "%"

    def pct2(value: float) -> str:
        return format_decimal(value, format="#,##0.00", locale=locale) + "%"

    def clock(value: datetime | None) -> str:
        if value is None:
            return "-"
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value
        return moment.astimezone(OFFICE_TZ).strftime("%H:%M")

    def when(value: datetime) -> str:
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value
        local = moment.astimezone(OFFICE_TZ)
        return f"{format_date(local.date(), 'd MMMM y', locale=locale)} {local:%H:%M}"

    return {"num": num, "dec": dec, "pct": pct, "pct2": pct2, "clock": clock, "when": when}


@cache
def _environment(lang: str) -> jinja2.Environment:
    from gaung.web.i18n import translations

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,  # a misspelt field is an error in the tests, not a blank
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(_formatters(lang))
    return env


def long_date(day: Any, lang: str) -> str:
    """'Rabu, 18 Juni 2025' / 'Wednesday, 18 June 2025'."""
    # an explicit pattern: babel's "full" Indonesian pattern pads the day ("Senin, 01 Januari 2024")
    return format_date(day, "EEEE, d MMMM y", locale="id_ID" if lang == "id" else "en_GB")


def render_html(data: BriefData, *, lang: str = "id", logo: Logo | None = None) -> str:
    """The brief as one standalone HTML document in `lang` (id or en)."""
    if lang not in ("id", "en"):
        raise BriefError(f"language {lang!r}: use id or en")
    from gaung.web.i18n import translations

    env = _environment(lang)
    gettext = translations(lang).gettext
    tone_labels = {tone: str(gettext(tone)) for tone in ("positive", "neutral", "negative", "unknown")}
    series = data.tone_series
    context = {
        "data": data,
        "lang": lang,
        "logo": logo.data_uri if logo else None,
        "day_long": long_date(data.day, lang),
        # the @page footer: a translated sentence around CSS counters (Markup: kept as CSS, not escaped)
        "page_counter": Markup('" counter(page) "'),
        "pages_counter": Markup('" counter(pages) "'),
        "series_start": long_date(datetime.fromisoformat(series[0].day).date(), lang) if series else "",
        "series_end": long_date(data.day, lang),
        # callables, so the chart titles are written (and translated) in the template
        "tone_chart": lambda title: charts.tone_over_time(series, tone_labels, title=str(title)),
        "outlet_chart": lambda title: charts.outlet_share(data.outlets, title=str(title)),
    }
    return env.get_template(TEMPLATE).render(context)


def render_pdf(html: str) -> bytes:
    """The HTML as an A4 PDF (page size, margins and "Halaman X dari Y" come from the template's @page)."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:  # OSError: Pango or its fonts are missing
        raise BriefError(
            f"cannot make a PDF here: WeasyPrint does not load ({exc}). Install Debian's libpango-1.0-0, "
            "libpangoft2-1.0-0 and fonts-dejavu-core (`make system-deps`), or use --format html"
        ) from None
    # the brief embeds everything it shows; refuse any other URL (a stored link must never be fetched)
    fetcher = URLFetcher(allowed_protocols=("data",), timeout=5)
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    if not pdf:
        raise BriefError("WeasyPrint produced an empty PDF")
    return bytes(pdf)
