"""Pengaturan: organisation profile, watchlist and alert rules; everyone reads, admins edit.

gaung.toml stays the source of truth: an admin's edit rewrites the file the workspace loaded
(`settings.config_path`, else `$GAUNG_HOME/gaung.toml`) after the whole result has been validated by
`settings_from_dict` — a bad entry gets a message naming it and nothing is saved. Keys the page does
not edit (sources, fetch, poll, storage…) are carried over unchanged; comments in the file are not
(tomllib does not keep them), which the page says next to the save button.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from gaung.config import settings_from_dict, to_plain
from gaung.errors import ConfigError
from gaung.store.db import transaction
from gaung.web import auth
from gaung.web.api.common import workspace
from gaung.web.auth import User, require, verify_csrf
from gaung.web.templating import render

router = APIRouter(include_in_schema=False)
MAX_SECTION_CHARS = 200_000


def config_file(ws: Any) -> Path:
    """The TOML file admins' edits are written to."""
    if ws.settings.config_path is not None:
        return Path(ws.settings.config_path)
    return Path(os.environ.get("GAUNG_HOME", str(ws.settings.home))) / "gaung.toml"


def _section_text(key: str, items: list[dict[str, Any]]) -> str:
    return tomli_w.dumps({key: items}) if items else ""


def _page(
    request: Request,
    *,
    error: str = "",
    saved: bool = False,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    ws = workspace(request)
    watchlist = [to_plain(w) for w in ws.settings.watchlist]
    context = {
        "watchlist": ws.settings.watchlist,
        "alert_rules": ws.settings.alerts,
        "config_file": str(config_file(ws)),
        "error": error,
        "saved": saved,
        "form": form
        or {
            "organisation": ws.settings.organisation,
            "watchlist": _section_text("watchlist", watchlist),
            "alerts": _section_text("alerts", list(ws.settings.alerts)),
        },
    }
    return render(request, "settings.html", context, status)


@router.get("/settings")
def settings_page(request: Request, saved: bool = False, user: User = Depends(require("viewer"))) -> Response:
    return _page(request, saved=saved)


def read_config(path: Path) -> dict[str, Any]:
    """The current gaung.toml as data ({} when there is none); a broken file is an error, not overwritten."""
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: the current file is not valid TOML ({exc}); fix it by hand") from None


def write_config(path: Path, data: dict[str, Any]) -> None:
    """Replace gaung.toml atomically: a crash leaves the old file or the new one, never half of each."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".toml.tmp")
    temporary.write_text(tomli_w.dumps(data), encoding="utf-8")
    temporary.replace(path)


def updated_config(path: Path, organisation: str, watchlist_toml: str, alerts_toml: str) -> dict[str, Any]:
    """The file's data with the three edited parts replaced; raises ConfigError naming the bad part."""
    data = read_config(path)
    name = " ".join(organisation.split())
    if not name:
        raise ConfigError("organisation: the name cannot be empty")
    org = data.get("organisation")
    data["organisation"] = {**org, "name": name} if isinstance(org, dict) else {"name": name}
    for key, text in (("watchlist", watchlist_toml), ("alerts", alerts_toml)):
        try:
            parsed = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{key}: not valid TOML: {exc}") from None
        extra = sorted(set(parsed) - {key})
        if extra:
            raise ConfigError(f"{key}: only [[{key}]] tables belong here, not {', '.join(extra)}")
        items = parsed.get(key, [])
        if not isinstance(items, list):
            raise ConfigError(f"{key}: write each entry as a [[{key}]] table")
        data[key] = items
    return data


@router.post("/settings", dependencies=[Depends(verify_csrf)])
def save_settings(
    request: Request,
    organisation: str = Form(..., max_length=300),
    watchlist: str = Form("", max_length=MAX_SECTION_CHARS),
    alerts: str = Form("", max_length=MAX_SECTION_CHARS),
    user: User = Depends(require("admin")),
) -> Response:
    ws = workspace(request)
    path = config_file(ws)
    form = {"organisation": organisation, "watchlist": watchlist, "alerts": alerts}
    try:
        data = updated_config(path, organisation, watchlist, alerts)
        checked = settings_from_dict(data, where="gaung.toml")
    except ConfigError as exc:
        return _page(request, error=str(exc), form=form, status=400)
    before = {
        "organisation": ws.settings.organisation,
        "watchlist": len(ws.settings.watchlist),
        "alerts": len(ws.settings.alerts),
    }
    write_config(path, data)
    # The running app shows the new profile and rules at once; the analyser's watchlist matcher is
    # built at start-up, so new watchlist entries tag new mentions after a restart.
    ws.settings.organisation = checked.organisation
    ws.settings.watchlist = checked.watchlist
    ws.settings.alerts = checked.alerts
    ws.settings.config_path = path
    with transaction(ws.engine) as conn:
        auth.audit(
            conn,
            user,
            "settings.save",
            str(path),
            {
                "before": before,
                "after": {
                    "organisation": checked.organisation,
                    "watchlist": len(checked.watchlist),
                    "alerts": len(checked.alerts),
                },
            },
        )
    return RedirectResponse("/settings?saved=true", status_code=303)
