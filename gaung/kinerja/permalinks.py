"""Matching an assignment's output to an imported post by its permalink.

People paste links the way their phone shares them (`m.facebook.com/...?mibextid=...`, `instagram.com/p/X`
without the slash, `?utm_source=wa`); exports write them the platform's way. Both sides are reduced to one
key by `normalize_permalink`, and a link that names no imported post yet keeps `post_id` NULL until
`relink_outputs` finds it after a later content import (`gaung.content.importers.import_file` calls it).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.kinerja.errors import KinerjaError
from gaung.store.schema import assignment_outputs, assignments, posts

# Query parameters that only say how a link was shared, never which page it is: dropped everywhere.
TRACKING_PARAMS = frozenset({"fbclid", "gclid", "igshid", "igsh", "mibextid", "msclkid", "yclid", "_ga"})
# On the social platforms more parameters are share noise (on an arbitrary site `s` or `ref` may
# choose the page, so they are only dropped here).
SOCIAL_TRACKING_PARAMS = frozenset(
    {
        "rdid",
        "share_url",
        "si",  # YouTube share id
        "feature",  # YouTube "feature=shared"
        "ref",
        "ref_src",
        "ref_url",
        "s",  # X share source
        "t",  # X share token; a YouTube start time is dropped too: the post is the same
        "is_from_webapp",
        "sender_device",
        "_r",
        "_t",
        "__cft__",
        "__tn__",
        "app",
        "_rdr",
        "hl",  # interface language
    }
)
# Hosts whose mobile and www. forms show the same post (the platforms the importers read).
SOCIAL_HOSTS = {
    "facebook.com": "facebook.com",
    "fb.com": "facebook.com",
    "instagram.com": "instagram.com",
    "tiktok.com": "tiktok.com",
    "youtube.com": "youtube.com",
    "x.com": "x.com",
    "twitter.com": "x.com",  # the same status id answers on both hosts
}
OTHER_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?![0-9])")
MOBILE_PREFIXES = ("www.", "m.", "mobile.", "mbasic.", "web.", "touch.")


def _social_host(host: str) -> str | None:
    for prefix in ("", *MOBILE_PREFIXES):
        if prefix and not host.startswith(prefix):
            continue
        bare = host[len(prefix) :]
        if bare in SOCIAL_HOSTS:
            return SOCIAL_HOSTS[bare]
    return None


def normalize_permalink(url: str) -> str:
    """One key for every way of writing the same post's address.

    https and http are the same post; the host is lower-cased, a leading `www.` dropped, and for the
    social platforms `m.`/`mobile.`/`web.` too (twitter.com becomes x.com); tracking parameters
    (utm_*, fbclid, igshid, si, ...) and the fragment are dropped, the remaining parameters sorted;
    a trailing slash is dropped. The path keeps its case (Instagram and YouTube ids are case-sensitive).
    A site-relative path (GA4 pages: `/lowongan`) is kept relative, without its trailing slash.
    """
    text = (url or "").strip()
    if not text:
        raise KinerjaError("the output's link is empty")
    if len(text) > 2000:
        raise KinerjaError(f"the link is too long ({len(text)} characters, at most 2000)")
    if text.startswith("/") and not text.startswith("//"):
        parts = urlsplit(text)
        path = parts.path.rstrip("/") or "/"
        return urlunsplit(("", "", path, _clean_query(parts.query, social=False), ""))
    if "://" not in text:
        if OTHER_SCHEME.match(text):  # mailto:, javascript:, tel: ... (host:port has a digit after ":")
            raise KinerjaError(f"not a web link: {url!r} (use an http:// or https:// address)")
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. an unbalanced "[" in the host
        raise KinerjaError(f"not a web link: {url!r} ({exc})") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise KinerjaError(f"not a web link: {url!r} (use an http:// or https:// address)")
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or "." not in host:
        raise KinerjaError(f"no host name in link {url!r}")
    social = _social_host(host)
    if social is not None:
        host = social
    elif host.startswith("www."):
        host = host[4:]
    try:
        port = parts.port
    except ValueError:
        raise KinerjaError(f"bad port in link {url!r}") from None
    if port and port not in (80, 443):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    if social == "youtube.com" and path.startswith("/shorts/"):
        # a Short's page and its watch page are the same video; YouTube Studio exports the watch form
        return urlunsplit(("https", host, "/watch", urlencode({"v": path.split("/")[2]}), ""))
    return urlunsplit(("https", host, path, _clean_query(parts.query, social=social is not None), ""))


def _clean_query(query: str, *, social: bool) -> str:
    dropped = TRACKING_PARAMS | SOCIAL_TRACKING_PARAMS if social else TRACKING_PARAMS
    kept = [
        (key, value)
        for key, value in parse_qsl(query, keep_blank_values=False)
        if key.lower() not in dropped and not key.lower().startswith("utm_")
    ]
    return urlencode(sorted(kept))


def post_index(conn: Connection) -> dict[str, tuple[int, Any]]:
    """Normalised permalink → (post id, published_at) for every imported post with a permalink.

    Read whole and matched in Python: the key cannot be computed in SQL, and an office has thousands of
    posts, not millions. On a clash the oldest post id wins, so matching is stable across runs.
    """
    index: dict[str, tuple[int, Any]] = {}
    rows = conn.execute(
        sa.select(posts.c.id, posts.c.permalink, posts.c.published_at)
        .where(posts.c.permalink.is_not(None))
        .order_by(posts.c.id)
    )
    for post_id, permalink, published_at in rows:
        try:
            key = normalize_permalink(permalink)
        except KinerjaError:
            continue  # an export's odd permalink must not stop the others from matching
        index.setdefault(key, (int(post_id), published_at))
    return index


def find_post(conn: Connection, url: str) -> tuple[int, Any] | None:
    """(post id, published_at) of the imported post at `url`, or None when none is imported yet."""
    return post_index(conn).get(normalize_permalink(url))


def relink_outputs(conn: Connection) -> int:
    """Match post outputs still without a post to posts imported since; returns how many matched.

    Called after every content import, inside its transaction, so a post linked before it was
    imported picks up its reach as soon as the export arrives. A post published more than 30 days
    before its assignment was created is left unmatched, as `add_output` would have refused it.
    """
    from gaung.kinerja.assignments import post_too_old  # imported late: assignments imports this module

    pending = conn.execute(
        sa.select(
            assignment_outputs.c.id,
            assignment_outputs.c.url,
            assignment_outputs.c.published_at,
            assignment_outputs.c.assignment_id,
            assignments.c.created_at,
        )
        .join(assignments, assignments.c.id == assignment_outputs.c.assignment_id)
        .where(assignment_outputs.c.kind == "post", assignment_outputs.c.post_id.is_(None))
    ).all()
    if not pending:
        return 0
    index = post_index(conn)
    matched = 0
    for output_id, url, published_at, assignment_id, created_at in pending:
        try:
            hit = index.get(normalize_permalink(url))
        except KinerjaError:
            continue
        if hit is None:
            continue
        post_id, post_time = hit
        if post_too_old({"id": assignment_id, "created_at": created_at}, post_time) is not None:
            continue
        conn.execute(
            sa.update(assignment_outputs)
            .where(assignment_outputs.c.id == output_id)
            .values(post_id=post_id, published_at=post_time or published_at)
        )
        matched += 1
    return matched
