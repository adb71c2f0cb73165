"""HTML page -> clean `Article`.

The cascade, in order:

1. decode bytes (BOM, strict UTF-8, then the page's own charset claim, then charset-normalizer);
2. refuse binary or empty input, and cap huge pages before any parser sees them;
3. trafilatura extracts the main text and metadata (title, author, sitename, canonical URL);
4. the publication time comes from htmldate (meta tags, JSON-LD, URL, text) at full precision, with the
   page's own Indonesian date strings as a fallback that supplies a time of day when htmldate has only a day;
5. `clean_text` removes Indonesian inserts ("Baca juga", ADVERTISEMENT, follow prompts, photo credits);
6. `guess_language` labels the text.
A failing fallback (htmldate, the date scan) is logged and skipped, never fatal.
"""

from __future__ import annotations

import codecs
import logging
import re
from datetime import datetime
from urllib.parse import urlsplit

import charset_normalizer
import trafilatura
from htmldate import find_date

from gaung.errors import ExtractionError
from gaung.extract.cleanup import SiteBoilerplate, clean_text
from gaung.extract.dates import parse_indonesian_date
from gaung.models import Article

logger = logging.getLogger(__name__)

EXTRACTOR_VERSION = f"trafilatura-{trafilatura.__version__}+gaung-cleanup-1"

# Real article pages are under 2 MB of HTML (the largest fixture, kompas, is 357 KB); past this, the rest
# is inline JSON, ads and comment threads. lxml and trafilatura slow down badly on 20 MB pages, so we first
# drop <script>/<style> blocks and then keep only this many characters.
MAX_HTML_CHARS = 3_000_000
# Bytes examined when looking for <meta charset> and for NUL bytes that betray a binary file.
SNIFF_BYTES = 8192
# Share of control characters above which decoded "HTML" is really a binary file (PDF, image, archive).
MAX_CONTROL_CHAR_SHARE = 0.05

META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
BLOCK_TAGS_RE = re.compile(r"<(script|style|svg|noscript)\b", re.IGNORECASE)
CANONICAL_RE = re.compile(
    r"""<(?:link[^>]+rel=["']canonical["'][^>]+href|meta[^>]+property=["']og:url["'][^>]+content)=["']([^"']+)""",
    re.IGNORECASE,
)
# Elements that sites use for the visible date line: class/id/itemprop mentioning date, time, tanggal.
DATE_ELEMENT_RE = re.compile(
    r"""<(?:span|div|p|time|small|li|em|strong)[^>]*(?:class|id|itemprop)=["'][^"']*"""
    r"""(?:date|time|tanggal|publish|tgl)[^"']*["'][^>]*>(.{0,300}?)</""",
    re.IGNORECASE | re.DOTALL,
)
TAG_RE = re.compile(r"<[^>]+>")
# Machine-readable publication times that htmldate sometimes reduces to a day: JSON-LD and meta tags.
STRUCTURED_DATE_RES = (
    re.compile(r'"datePublished"\s*:\s*"([^"]{8,40})"'),
    re.compile(
        r"""<meta[^>]+(?:property|name|itemprop)=["'](?:article:published_time|datePublished|pubdate|"""
        r"""publishdate|publish-date|dc\.date|content_PublishedDate)["'][^>]+content=["']([^"']{8,40})""",
        re.IGNORECASE,
    ),
    re.compile(
        r"""<meta[^>]+content=["']([^"']{8,40})["'][^>]+(?:property|name|itemprop)=["']"""
        r"""(?:article:published_time|datePublished|pubdate|publishdate)["']""",
        re.IGNORECASE,
    ),
)
# Short text between two tags that holds a year and a clock time: the visible date line of most templates.
TEXT_NODE_DATE_RE = re.compile(r">([^<>]{0,60}\b(?:19|20)\d\d\b[^<>]{0,30}?\d{1,2}[:.]\d{2}[^<>]{0,20})<")

# Function words that are frequent in one language and rare in the other (short texts included).
INDONESIAN_WORDS = frozenset(
    """
    yang dan di ke dari ini itu dengan untuk tidak akan pada juga dalam adalah bahwa kata ada oleh atau
    sudah karena saat kami kita mereka telah para bisa lebih menjadi tersebut secara
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
ENGLISH_WORDS = frozenset(
    """
    the and of to in is that for it with as was on be by are this from at have has not but which were
    their they said will an
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
# Below this many function words the guess is too weak to make.
MIN_FUNCTION_WORDS = 3


def guess_language(text: str) -> str | None:
    """Cheap Indonesian-vs-English guess from function words; a real detector replaces it later."""
    words = re.findall(r"[a-z]+", text[:20_000].lower())
    indonesian = sum(1 for word in words if word in INDONESIAN_WORDS)
    english = sum(1 for word in words if word in ENGLISH_WORDS)
    if indonesian + english < MIN_FUNCTION_WORDS:
        return None
    return "id" if indonesian >= english else "en"


def decode_html(content: bytes, encoding: str | None = None) -> str:
    """Bytes -> text without mojibake.

    Pages often lie about their charset (kapanlagi says iso-8859-1 and sends UTF-8), so a strict UTF-8
    decode wins over the claim: random Latin-1 bytes almost never form valid UTF-8. A Latin-1 claim is
    read as windows-1252, as browsers do.
    """
    if encoding:
        try:
            return content.decode(encoding, errors="replace")
        except LookupError:
            logger.warning("unknown encoding %r given, sniffing instead", encoding)
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            return content.decode(name, errors="replace").lstrip("\ufeff")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    claim = META_CHARSET_RE.search(content[:SNIFF_BYTES])
    if claim:
        name = claim.group(1).decode("ascii", "ignore").lower()
        if name in {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}:
            name = "windows-1252"
        if name not in {"utf-8", "utf8"}:
            try:
                return content.decode(name, errors="replace")
            except LookupError:
                pass
    best = charset_normalizer.from_bytes(content[:1_000_000]).best()
    if best is not None and best.encoding:
        return content.decode(best.encoding, errors="replace")
    return content.decode("windows-1252", errors="replace")


def _strip_blocks(html: str) -> str:
    """Remove <script>/<style>/<svg>/<noscript> blocks with plain string search (no regex backtracking)."""
    pieces: list[str] = []
    position = 0
    lowered = html.lower()
    while True:
        match = BLOCK_TAGS_RE.search(html, position)
        if not match:
            pieces.append(html[position:])
            break
        pieces.append(html[position : match.start()])
        end = lowered.find(f"</{match.group(1).lower()}", match.end())
        if end == -1:
            break
        close = lowered.find(">", end)
        position = len(html) if close == -1 else close + 1
    return "".join(pieces)


def _cap_size(html: str) -> str:
    if len(html) <= MAX_HTML_CHARS:
        return html
    logger.info("page of %d characters: dropping scripts and keeping the first %d", len(html), MAX_HTML_CHARS)
    return _strip_blocks(html)[:MAX_HTML_CHARS]


def _looks_binary(html: str) -> bool:
    sample = html[:SNIFF_BYTES]
    if "\x00" in sample:
        return True
    controls = sum(1 for char in sample if ord(char) < 32 and char not in "\t\n\r\f")
    return controls > MAX_CONTROL_CHAR_SHARE * max(1, len(sample))


def _htmldate(html: str, url: str | None) -> datetime | None:
    try:
        found = find_date(html, url=url, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z")
    except Exception as error:  # htmldate is a best-effort fallback; a crash there must not lose the article
        logger.warning("htmldate failed on %s: %s", url or "page", error)
        return None
    return parse_indonesian_date(found) if found else None


def _page_date_strings(html: str) -> list[str]:
    """Date strings on the page, most trustworthy first: structured data, then date-classed elements,
    then any short text node with a year and a time ("Kamis, 05 November 2015 11:52")."""
    head = html[:MAX_HTML_CHARS]
    found = [match.group(1) for regex in STRUCTURED_DATE_RES for match in regex.finditer(head)]
    for match in DATE_ELEMENT_RE.finditer(head):
        found.append(re.sub(r"\s+", " ", TAG_RE.sub(" ", match.group(1))).strip())
    found.extend(match.group(1) for match in TEXT_NODE_DATE_RE.finditer(head))
    return [text.replace("&nbsp;", " ") for text in found if text]


def find_published_at(html: str, url: str | None = None) -> datetime | None:
    """Publication time: htmldate's answer, given a time of day from the page's date line if it lacks one."""
    dated = _htmldate(html, url)
    has_time = dated is not None and (dated.hour, dated.minute, dated.second) != (0, 0, 0)
    if has_time:
        return dated
    for candidate in _page_date_strings(html):
        parsed = parse_indonesian_date(candidate)
        if parsed is None or (parsed.hour, parsed.minute) == (0, 0):
            continue
        if dated is None or parsed.date() == dated.date():
            return parsed
    return dated


def _canonical_url(html: str) -> str | None:
    match = CANONICAL_RE.search(html[:200_000])
    return match.group(1).strip() if match else None


def extract_article(
    html: str | bytes,
    url: str | None = None,
    *,
    encoding: str | None = None,
    boilerplate: SiteBoilerplate | None = None,
) -> Article:
    """Extract one clean `Article` from an HTML page (str, or bytes in any charset).

    Raises `ExtractionError` when the input is empty, binary, or has no article text.
    """
    where = url or "page"
    if isinstance(html, bytes):
        if not html.strip():
            raise ExtractionError(f"{where}: empty input, nothing to extract")
        if b"\x00" in html[:SNIFF_BYTES]:
            raise ExtractionError(f"{where}: input looks binary (NUL bytes), not an HTML page")
        html = decode_html(html, encoding)
    if not html or not html.strip():
        raise ExtractionError(f"{where}: empty input, nothing to extract")
    if _looks_binary(html):
        raise ExtractionError(f"{where}: input looks binary (control characters), not an HTML page")
    html = _cap_size(html)
    try:
        document = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, favor_precision=True
        )
    except Exception as error:  # trafilatura raises assorted lxml errors on broken markup
        raise ExtractionError(f"{where}: trafilatura could not parse the page ({error})") from error
    raw_text = getattr(document, "text", None) if document is not None else None
    if not raw_text or not raw_text.strip():
        raise ExtractionError(
            f"{where}: no article text found (a homepage, a login wall or a script-only page?)"
        )
    page_url = url or getattr(document, "url", None) or _canonical_url(html)
    site = getattr(document, "sitename", None) or getattr(document, "hostname", None)
    if not site and page_url:
        site = urlsplit(page_url).hostname
    text = clean_text(raw_text, site=site, boilerplate=boilerplate)
    if not text:
        raise ExtractionError(f"{where}: only site inserts (ads, links) were found, no article text")
    return Article(
        url=page_url,
        title=getattr(document, "title", None),
        text=text,
        published_at=find_published_at(html, page_url),
        author=getattr(document, "author", None),
        site=site,
        language=guess_language(text),
        extractor_version=EXTRACTOR_VERSION,
    )


__all__ = [
    "EXTRACTOR_VERSION",
    "MAX_HTML_CHARS",
    "decode_html",
    "extract_article",
    "find_published_at",
    "guess_language",
]
