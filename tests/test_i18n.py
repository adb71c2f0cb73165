"""The interface catalogue: every message translated into Indonesian, compiled files up to date."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from gaung.web.i18n import LANGUAGES, LOCALE_DIR

ROOT = Path(__file__).parent.parent


def _po(lang: str):  # type: ignore[no-untyped-def]
    return read_po(io.BytesIO((LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po").read_bytes()), locale=lang)


def test_every_message_has_an_indonesian_translation() -> None:
    catalog = _po("id")
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert untranslated == []


def test_catalogue_covers_every_message_in_templates_and_code() -> None:
    """A new `_()` in a template or `N_()` in code without a catalogue entry fails here (run pybabel)."""
    known = {m.id for m in _po("id") if m.id}
    method_map = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
    options = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}
    found = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(
            str(ROOT / "gaung" / "web"),
            method_map,
            options_map=options,
            keywords={"_": None, "N_": None, "gettext": None},
        )
    }
    assert sorted(found - known) == []


def test_compiled_files_match_the_po_files() -> None:
    for lang in LANGUAGES:
        po = {m.id: m.string for m in _po(lang) if m.id}
        mo_path = LOCALE_DIR / lang / "LC_MESSAGES" / "messages.mo"
        mo = {m.id: m.string for m in read_mo(io.BytesIO(mo_path.read_bytes())) if m.id}
        assert mo == po, f"{mo_path} is stale: run pybabel compile -d gaung/web/locale"
