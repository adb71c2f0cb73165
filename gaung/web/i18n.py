"""The interface language: Indonesian by default, English on request, from a gettext catalogue.

Messages are written in English in the templates and code (`{{ _("Overview") }}`, `N_("…")`) and
translated by `locale/<lang>/LC_MESSAGES/messages.mo`, built with Babel:

    pybabel extract -F gaung/web/locale/babel.cfg -k N_ -o gaung/web/locale/messages.pot .
    pybabel update -i gaung/web/locale/messages.pot -d gaung/web/locale
    pybabel compile -d gaung/web/locale

The English catalogue is the identity (it exists so a wording fix needs no template change);
`tests/test_i18n.py` checks that every message has an Indonesian translation and that the compiled
.mo files match the .po files.
"""

from __future__ import annotations

from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.support import NullTranslations, Translations
from starlette.requests import Request

LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"  # the office works in Bahasa Indonesia
LANG_COOKIE = "gaung_lang"

_current: ContextVar[str] = ContextVar("gaung_lang", default=DEFAULT_LANGUAGE)


def N_(message: str) -> str:
    """Mark a message for extraction without translating it yet (translated when rendered)."""
    return message


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue for `lang` (loaded once per process)."""
    return Translations.load(str(LOCALE_DIR), [lang], domain="messages")


def negotiate(request: Request) -> str:
    """The cookie `gaung_lang` if valid, else the best of Accept-Language, else Indonesian."""
    chosen = request.cookies.get(LANG_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    ranked: list[tuple[float, str]] = []
    for part in request.headers.get("accept-language", "").split(","):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary == "ms":  # Malay readers read Indonesian, not English
            primary = "id"
        if primary in LANGUAGES and weight > 0:
            ranked.append((weight, primary))
    ranked.sort(key=lambda pair: -pair[0])  # stable: equal weights keep the header's order
    return ranked[0][1] if ranked else DEFAULT_LANGUAGE


def activate(lang: str) -> None:
    """Make `lang` the language of messages rendered in this request's context."""
    _current.set(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)


def current_language() -> str:
    return _current.get()


def gettext(message: str) -> str:
    """Translate `message` into the active language."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate with a count into the active language."""
    return translations(_current.get()).ngettext(singular, plural, n)
