"""Sumber: sources with their health; admins add, edit, pause, resume, remove and test-fetch them.

From the web only network sources (feed, sitemap, page) with http(s) URLs can be added, and never with
`allow_private`: a form must not become a way to read the server's files or its private network
(local archives and private hosts stay a CLI/gaung.toml decision).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from gaung.config import SourceConfig
from gaung.errors import ConfigError, FetchError, GaungError
from gaung.store import sources as source_store
from gaung.store.db import transaction
from gaung.web import auth
from gaung.web.api.common import workspace
from gaung.web.auth import User, require, verify_csrf
from gaung.web.templating import render

router = APIRouter(include_in_schema=False)
WEB_KINDS = ("feed", "sitemap", "page")
TEST_FETCH_RETRIES = 0  # an admin waiting on a button wants the first answer, not three


def sources_with_health(request: Request) -> list[dict[str, Any]]:
    """Every stored source with its health verdict (status, reason, items per day)."""
    ws = workspace(request)
    out = []
    with ws.engine.connect() as conn:
        for row in source_store.list_sources(conn):
            health = source_store.source_health(
                row, source_store.items_per_day(conn, row["id"]), ws.settings.poll
            )
            out.append({**row, "health": health})
    return out


def _page(
    request: Request,
    user: User,
    *,
    error: str = "",
    test: dict[str, Any] | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    context = {
        "items": sources_with_health(request),
        "kinds": WEB_KINDS,
        "error": error,
        "test": test,
        "form": form or {},
    }
    return render(request, "sources.html", context, status)


@router.get("/sources")
def sources_page(request: Request, user: User = Depends(require("viewer"))) -> Response:
    return _page(request, user)


def _validated(name: str, kind: str, url: str, site: str) -> SourceConfig:
    name, url, site = name.strip(), url.strip(), site.strip()
    if not name:
        raise ConfigError("a source needs a name")
    if kind not in WEB_KINDS:
        raise ConfigError(f"kind must be one of {', '.join(WEB_KINDS)}")
    if not url.lower().startswith(("http://", "https://")):
        raise ConfigError(f"{url!r}: the URL must start with http:// or https://")
    return SourceConfig(name=name, kind=kind, url=url, site=site or None)


@router.post("/sources", dependencies=[Depends(verify_csrf)])
def add_source(
    request: Request,
    name: str = Form(..., max_length=200),
    kind: str = Form(..., max_length=20),
    url: str = Form(..., max_length=2000),
    site: str = Form("", max_length=200),
    user: User = Depends(require("admin")),
) -> Response:
    ws = workspace(request)
    form = {"name": name, "kind": kind, "url": url, "site": site}
    try:
        source = _validated(name, kind, url, site)
        with transaction(ws.engine) as conn:
            source_id = source_store.add_source(conn, source)
            auth.audit(conn, user, "source.add", f"source:{source_id}", dataclasses.asdict(source))
    except GaungError as exc:
        return _page(request, user, error=str(exc), form=form, status=400)
    return RedirectResponse("/sources", status_code=303)


def _require_source(request: Request, source_id: int) -> dict[str, Any]:
    with workspace(request).engine.connect() as conn:
        row = source_store.get_source(conn, source_id)
    if row is None:
        raise HTTPException(404, f"no source with id {source_id}")
    return row


@router.get("/sources/{source_id}")
def edit_page(request: Request, source_id: int, user: User = Depends(require("viewer"))) -> Response:
    row = _require_source(request, source_id)
    health = next(s["health"] for s in sources_with_health(request) if s["id"] == source_id)
    return render(request, "source.html", {"s": row, "health": health, "kinds": WEB_KINDS, "error": ""})


@router.post("/sources/{source_id}/edit", dependencies=[Depends(verify_csrf)])
def edit_source(
    request: Request,
    source_id: int,
    kind: str = Form(..., max_length=20),
    url: str = Form(..., max_length=2000),
    site: str = Form("", max_length=200),
    user: User = Depends(require("admin")),
) -> Response:
    row = _require_source(request, source_id)
    ws = workspace(request)
    try:
        source = _validated(row["name"], kind, url, site)
        source.enabled = bool(row["enabled"])
        source.allow_private = bool(row["allow_private"])
        with transaction(ws.engine) as conn:
            source_store.add_source(conn, source, replace=True)
            auth.audit(
                conn,
                user,
                "source.edit",
                f"source:{source_id}",
                {"before": {k: row[k] for k in ("kind", "url", "site")}, "after": dataclasses.asdict(source)},
            )
    except GaungError as exc:
        health = next(s["health"] for s in sources_with_health(request) if s["id"] == source_id)
        context = {
            "s": {**row, "kind": kind, "url": url, "site": site},
            "health": health,
            "kinds": WEB_KINDS,
            "error": str(exc),
        }
        return render(request, "source.html", context, 400)
    return RedirectResponse("/sources", status_code=303)


def _switch(request: Request, source_id: int, user: User, action: str) -> Response:
    row = _require_source(request, source_id)
    with transaction(workspace(request).engine) as conn:
        if action == "remove":
            source_store.remove_source(conn, row["name"])
        else:
            source_store.set_enabled(conn, row["name"], action == "resume")
        auth.audit(conn, user, f"source.{action}", f"source:{source_id}", {"name": row["name"]})
    return RedirectResponse("/sources", status_code=303)


@router.post("/sources/{source_id}/pause", dependencies=[Depends(verify_csrf)])
def pause(request: Request, source_id: int, user: User = Depends(require("admin"))) -> Response:
    return _switch(request, source_id, user, "pause")


@router.post("/sources/{source_id}/resume", dependencies=[Depends(verify_csrf)])
def resume(request: Request, source_id: int, user: User = Depends(require("admin"))) -> Response:
    return _switch(request, source_id, user, "resume")


@router.post("/sources/{source_id}/remove", dependencies=[Depends(verify_csrf)])
def remove(request: Request, source_id: int, user: User = Depends(require("admin"))) -> Response:
    return _switch(request, source_id, user, "remove")


def try_fetch(ws: Any, kind: str, url: str, allow_private: bool = False) -> dict[str, Any]:
    """Fetch `url` once through the normal fetcher (SSRF guard, robots.txt, size cap); say what came back."""
    from gaung.ingest.fetch import fetch_sync

    settings = dataclasses.replace(
        ws.settings.fetch,
        retries=TEST_FETCH_RETRIES,
        allow_private=ws.settings.fetch.allow_private or allow_private,
    )
    outcome: dict[str, Any] = {"url": url, "ok": False, "status": None, "detail": ""}
    try:
        result = fetch_sync(url, settings)
    except FetchError as exc:
        outcome.update(
            status=exc.status, detail=exc.reason, blocked=type(exc).__name__ == "BlockedAddressError"
        )
        return outcome
    document = result.document
    if document is None:
        outcome.update(ok=True, status=result.status, detail="not modified")
        return outcome
    outcome.update(
        ok=True, status=document.status, size=len(document.content), content_type=document.content_type
    )
    try:
        if kind == "feed":
            from gaung.ingest.feeds import parse_feed

            parsed = parse_feed(document.content, document.final_url or url)
            outcome["entries"] = len(parsed.entries)
            outcome["titles"] = [e.title or e.url for e in parsed.entries[:5]]
        elif kind == "sitemap":
            from gaung.ingest.sitemaps import parse_sitemap

            sitemap = parse_sitemap(document.content, document.final_url or url)
            outcome["entries"] = len(sitemap.entries) + len(sitemap.sitemaps)
            outcome["titles"] = [e.title or e.url for e in sitemap.entries[:5]]
        else:
            from gaung.extract.article import extract_article

            article = extract_article(document.content, document.final_url or url, encoding=document.encoding)
            outcome["title"] = article.title
            outcome["chars"] = len(article.text)
    except GaungError as exc:
        outcome.update(ok=False, detail=str(exc))
    return outcome


@router.post("/sources/test", dependencies=[Depends(verify_csrf)])
def test_url(
    request: Request,
    kind: str = Form("feed", max_length=20),
    url: str = Form(..., max_length=2000),
    user: User = Depends(require("admin")),
) -> Response:
    """Test a URL before adding it (also used by the per-source "test fetch" button)."""
    form = {"kind": kind, "url": url}
    if kind not in WEB_KINDS or not url.lower().startswith(("http://", "https://")):
        return _page(
            request, user, error="the URL must start with http:// or https://", form=form, status=400
        )
    return _page(request, user, test=try_fetch(workspace(request), kind, url), form=form)
