"""Pengiriman: the delivery log (analysts), resending a failed delivery, and the delivery settings (admins).

The settings form edits `[delivery]` (SMTP and Telegram) and `[[recipients]]` of gaung.toml the same way
the main settings page edits the watchlist: the whole file is validated first, nothing is saved when a
part is wrong, and the message names the part (and the recipient). An invalid address already in the file
and left unchanged does not block saving other edits. Secret variables must be GAUNG_… names that are not
Gaung's own settings (`gaung.deliver.settings.secret_env_problem`). Secrets are never on the page: the
form holds only the *names* of the environment variables that hold them, and says whether each is set.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

import tomli_w
from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from gaung.config import settings_from_dict
from gaung.deliver import outbox
from gaung.deliver.settings import SECURITY_MODES, DeliverySettings, Recipient, shown_address
from gaung.errors import ConfigError, GaungError
from gaung.store.db import transaction
from gaung.web import auth
from gaung.web.api.common import workspace
from gaung.web.auth import User, require, verify_csrf
from gaung.web.routes.settings import MAX_SECTION_CHARS, config_file, read_config, write_config
from gaung.web.templating import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100


@router.get("/deliveries")
def deliveries_page(
    request: Request,
    status: str | None = Query(None, pattern="^(queued|sending|sent|failed)$"),
    offset: int = Query(0, ge=0, le=10_000_000),
    user: User = Depends(require("analyst")),
) -> Response:
    ws = workspace(request)
    with ws.engine.connect() as conn:
        rows = outbox.list_deliveries(conn, status=status, limit=PAGE_SIZE, offset=offset)
        counts = outbox.status_counts(conn)
        recipients = outbox.active_recipients(conn)
    context = {
        "items": [outbox.for_display(row) for row in rows],  # webhook URLs as scheme://host/… only
        "counts": counts,
        "status": status,
        "offset": offset,
        "page_size": PAGE_SIZE,
        "recipients": recipients,
    }
    return render(request, "deliveries.html", context)


@router.post("/deliveries/{delivery_id}/retry", dependencies=[Depends(verify_csrf)])
def retry_delivery(request: Request, delivery_id: int, user: User = Depends(require("analyst"))) -> Response:
    ws = workspace(request)
    try:
        with transaction(ws.engine) as conn:
            outbox.retry(conn, delivery_id)
            auth.audit(conn, user, "delivery.retry", f"delivery:{delivery_id}", {})
    except GaungError as exc:
        raise HTTPException(404 if "no delivery" in str(exc) else 400, str(exc)) from None
    return RedirectResponse("/deliveries?status=queued", status_code=303)


# -- delivery settings ----------------------------------------------------------------------------


def _env_status(ws: Any) -> list[tuple[str, str, bool]]:
    """(what, variable name, is it set) for every secret the delivery settings refer to."""
    delivery: DeliverySettings = ws.settings.delivery
    found = [
        ("SMTP", delivery.smtp.password_env, bool(os.environ.get(delivery.smtp.password_env))),
        ("Telegram", delivery.telegram.token_env, bool(os.environ.get(delivery.telegram.token_env))),
    ]
    for recipient in ws.settings.recipients:
        if recipient.secret_env:
            found.append((recipient.name, recipient.secret_env, bool(os.environ.get(recipient.secret_env))))
    return found


def _recipients_text(recipients: list[Recipient]) -> str:
    tables = [recipient.to_toml() for recipient in recipients]
    return tomli_w.dumps({"recipients": tables}) if tables else ""


def _form_from(delivery: DeliverySettings, recipients: list[Recipient]) -> dict[str, str]:
    smtp = delivery.smtp
    return {
        "smtp_host": smtp.host,
        "smtp_port": str(smtp.port),
        "smtp_security": smtp.security,
        "smtp_user": smtp.user,
        "smtp_password_env": smtp.password_env,
        "smtp_from": smtp.from_address,
        "smtp_ca_file": smtp.ca_file,
        "telegram_api_url": delivery.telegram.api_url,
        "telegram_token_env": delivery.telegram.token_env,
        "base_url": delivery.base_url,
        "recipients": _recipients_text(recipients),
    }


def _settings_page(
    request: Request,
    *,
    form: dict[str, str] | None = None,
    error: str = "",
    test_error: str = "",
    saved: bool = False,
    status: int = 200,
) -> Response:
    ws = workspace(request)
    context = {
        "form": form or _form_from(ws.settings.delivery, ws.settings.recipients),
        "security_modes": SECURITY_MODES,
        "env_status": _env_status(ws),
        "recipients": ws.settings.recipients,
        "shown": {r.name: shown_address(r.channel, r.address) for r in ws.settings.recipients},
        "config_file": str(config_file(ws)),
        "error": error,
        "test_error": test_error,
        "saved": saved,
    }
    return render(request, "delivery_settings.html", context, status)


@router.get("/settings/delivery")
def delivery_settings_page(
    request: Request, saved: bool = False, user: User = Depends(require("admin"))
) -> Response:
    return _settings_page(request, saved=saved)


def updated_delivery_config(path: Path, form: dict[str, str]) -> dict[str, Any]:
    """The file's data with `[delivery]` (the parts the form edits) and `[[recipients]]` replaced."""
    data = read_config(path)
    try:
        port = int(form["smtp_port"].strip() or "587")
    except ValueError:
        raise ConfigError(f"SMTP port: {form['smtp_port']!r} is not a number") from None
    delivery = dict(data.get("delivery") or {})
    smtp = dict(delivery.get("smtp") or {})
    smtp.update(
        {
            "host": form["smtp_host"].strip(),
            "port": port,
            "security": form["smtp_security"],
            "user": form["smtp_user"].strip(),
            "password_env": form["smtp_password_env"].strip(),
            "from": form["smtp_from"].strip(),
            "ca_file": form["smtp_ca_file"].strip(),
        }
    )
    telegram = dict(delivery.get("telegram") or {})
    telegram.update(
        {"api_url": form["telegram_api_url"].strip(), "token_env": form["telegram_token_env"].strip()}
    )
    delivery.update({"smtp": smtp, "telegram": telegram, "base_url": form["base_url"].strip()})
    data["delivery"] = delivery
    try:
        parsed = tomllib.loads(form["recipients"])
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"recipients: not valid TOML: {exc}") from None
    extra = sorted(set(parsed) - {"recipients"})
    if extra:
        raise ConfigError(f"recipients: only [[recipients]] tables belong here, not {', '.join(extra)}")
    data["recipients"] = parsed.get("recipients", [])
    return data


@router.post("/settings/delivery", dependencies=[Depends(verify_csrf)])
def save_delivery_settings(
    request: Request,
    smtp_host: str = Form("", max_length=300),
    smtp_port: str = Form("587", max_length=10),
    smtp_security: str = Form("starttls", max_length=20),
    smtp_user: str = Form("", max_length=300),
    smtp_password_env: str = Form("GAUNG_SMTP_PASSWORD", max_length=100),
    smtp_from: str = Form("", max_length=300),
    smtp_ca_file: str = Form("", max_length=1000),
    telegram_api_url: str = Form("https://api.telegram.org", max_length=1000),
    telegram_token_env: str = Form("GAUNG_TELEGRAM_TOKEN", max_length=100),
    base_url: str = Form("", max_length=1000),
    recipients: str = Form("", max_length=MAX_SECTION_CHARS),
    user: User = Depends(require("admin")),
) -> Response:
    ws = workspace(request)
    path = config_file(ws)
    form = {
        "smtp_host": smtp_host,
        "smtp_port": smtp_port,
        "smtp_security": smtp_security,
        "smtp_user": smtp_user,
        "smtp_password_env": smtp_password_env,
        "smtp_from": smtp_from,
        "smtp_ca_file": smtp_ca_file,
        "telegram_api_url": telegram_api_url,
        "telegram_token_env": telegram_token_env,
        "base_url": base_url,
        "recipients": recipients,
    }
    try:
        data = updated_delivery_config(path, form)
        checked = settings_from_dict(data, where="gaung.toml")
        # A new or changed address that is invalid is refused (the admin is there to fix it), naming the
        # recipient. One that was already in the hand-edited file, unchanged, does not block every other
        # edit: it is kept and keeps failing only its own deliveries, flagged on this page and the log.
        known = {r.name.casefold(): (r.channel, r.address) for r in ws.settings.recipients}
        problems = [
            r.problem
            for r in checked.recipients
            if r.problem and known.get(r.name.casefold()) != (r.channel, r.address)
        ]
        if problems:
            raise ConfigError("; ".join(p for p in problems if p))
    except ConfigError as exc:
        return _settings_page(request, form=form, error=str(exc), status=400)
    write_config(path, data)
    before = [r.name for r in ws.settings.recipients]
    ws.settings.delivery = checked.delivery
    ws.settings.recipients = checked.recipients
    ws.settings.config_path = path
    with transaction(ws.engine) as conn:
        outbox.sync_recipients(conn, checked.recipients)  # the monitor fans out to the new list at once
        auth.audit(
            conn,
            user,
            "settings.delivery",
            str(path),
            {"recipients_before": before, "recipients_after": [r.name for r in checked.recipients]},
        )
    return RedirectResponse("/settings/delivery?saved=true", status_code=303)


@router.post("/settings/delivery/test", dependencies=[Depends(verify_csrf)])
def send_test_message(
    request: Request, recipient: str = Form(..., max_length=100), user: User = Depends(require("admin"))
) -> Response:
    from gaung.deliver.service import send_test

    ws = workspace(request)
    try:
        summary = send_test(ws.engine, ws.settings, recipient)
    except GaungError as exc:
        return _settings_page(request, test_error=str(exc), status=400)
    with transaction(ws.engine) as conn:
        auth.audit(conn, user, "delivery.test", f"recipient:{recipient}", {"sent": summary.sent})
    if summary.sent != 1:
        return _settings_page(request, test_error="; ".join(summary.errors) or recipient, status=502)
    return RedirectResponse("/deliveries", status_code=303)
