"""One article: clean text with entities highlighted, quotes, tone and why, copies, corrections."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from gaung.errors import GaungError
from gaung.store.db import transaction
from gaung.store.reports import list_issues
from gaung.web.api.common import ENTITY_TYPES, apply_correction, require_mention, workspace
from gaung.web.auth import User, require, verify_csrf
from gaung.web.templating import render

router = APIRouter(include_in_schema=False)


def highlight_segments(text: str, entities: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any] | None]]:
    """The text cut into (piece, entity or None); the template escapes each piece, then wraps entities.

    A span is used only when the stored offsets still point at the entity's text, and overlapping
    spans keep the first: a stale offset must never cut a word or misplace a highlight.
    """
    spans = sorted(
        (e for e in entities if e.get("start") is not None and e.get("end") is not None),
        key=lambda e: (int(e["start"]), -int(e["end"])),
    )
    pieces: list[tuple[str, dict[str, Any] | None]] = []
    at = 0
    for entity in spans:
        start, end = int(entity["start"]), int(entity["end"])
        if start < at or end > len(text) or text[start:end] != entity["text"]:
            continue
        if start > at:
            pieces.append((text[at:start], None))
        pieces.append((text[start:end], entity))
        at = end
    if at < len(text):
        pieces.append((text[at:], None))
    return pieces


@router.get("/mentions/{mention_id:int}")
def article_page(request: Request, mention_id: int, user: User = Depends(require("viewer"))) -> Response:
    """The article with its analysis; analysts also get the correction buttons."""
    return _article(request, mention_id, user)


def _article(request: Request, mention_id: int, user: User, error: str = "", status: int = 200) -> Response:
    ws = workspace(request)
    with ws.engine.connect() as conn:
        mention = require_mention(conn, mention_id)
        issue_choices, _ = list_issues(conn, limit=200) if user.can("analyst") else ([], 0)
    context = {
        "m": mention,
        "paragraphs": _paragraphs(highlight_segments(mention["text"] or "", mention["entities"])),
        "issue_choices": issue_choices,
        "entity_types": ENTITY_TYPES,
        "watchlist": ws.settings.watchlist,
        "error": error[:300],
    }
    return render(request, "article.html", context, status)


def _paragraphs(
    pieces: list[tuple[str, dict[str, Any] | None]],
) -> list[list[tuple[str, dict[str, Any] | None]]]:
    """Split the highlighted pieces at newlines so the article reads as paragraphs."""
    paragraphs: list[list[tuple[str, dict[str, Any] | None]]] = [[]]
    for piece, entity in pieces:
        if entity is not None:
            paragraphs[-1].append((piece, entity))
            continue
        lines = piece.split("\n")
        for k, line in enumerate(lines):
            if k:
                paragraphs.append([])
            if line:
                paragraphs[-1].append((line, None))
    return [p for p in paragraphs if any(text.strip() for text, _ in p)]


@router.post("/mentions/{mention_id:int}/corrections", dependencies=[Depends(verify_csrf)])
def correct(
    request: Request,
    mention_id: int,
    field: str = Form(..., max_length=20),
    value: str = Form("", max_length=200),
    entity_id: int | None = Form(None),
    user: User = Depends(require("analyst")),
) -> Response:
    """One-click correction; back to the article (htmx follows the redirect and swaps the page)."""
    ws = workspace(request)
    try:
        with transaction(ws.engine) as conn:
            require_mention(conn, mention_id)
            apply_correction(conn, user, mention_id, field, value, entity_id)
    except GaungError as exc:
        return _article(request, mention_id, user, error=str(exc), status=400)
    return RedirectResponse(f"/mentions/{mention_id}", status_code=303)
