"""Remove what Indonesian news sites insert inside an article's text.

The inserts (related-article links, ad markers, follow/share prompts, photo credits, pagination) come
through any generic extractor and through archive text scraped with CSS selectors, sometimes glued to
the sentence before them ("...kata dia.Ikuti Whatsapp Channel Republika"). The patterns below were
collected from the scraped-2025 corpus (liputan6, detik, kompas, okezone, tempo, republika) and the
saved HTML fixtures. Order of the work:

1. text-level patterns that span lines (Kompas' multi-line WhatsApp promo);
2. inline markers split off onto their own line (glued ADVERTISEMENT, "Baca Juga" + glued titles);
3. line patterns: an insert line is dropped whole; a bare "Baca Juga" also drops the headline lines after it;
4. lines this site repeats across many articles (`SiteBoilerplate`), when the caller has learned them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from gaung.extract.dates import MONTH_NAMES_PATTERN

# --- 1. Spanning several lines -------------------------------------------------------------------------
# Kompas.com footer: "Simak\nbreaking news\ndan\nberita pilihan\nkami langsung di ponselmu. ... WhatsApp ya."
KOMPAS_WHATSAPP_PROMO_RE = re.compile(
    r"Simak\s+breaking\s+news\s+dan\s+berita\s+pilihan\s+kami\s+langsung\s+di\s+ponselmu\.?"
    r"(?:.{0,400}?aplikasi\s+WhatsApp\s+ya\.?|.{0,300}?WhatsApp\s+Channel\s*:?\s*(?:https?://\S+)?)",
    re.IGNORECASE | re.DOTALL,
)
# "Dapatkan update berita pilihan dan breaking news setiap hari dari Kompas.com. Mari bergabung di Grup
# Telegram ..." and similar: the invitation may wrap onto a second line with the link.
GET_UPDATES_PROMO_RE = re.compile(
    r"^[ \t]*Dapatkan\s+(?:update|info|informasi|berita)\b[^\n]{0,200}?"
    r"(?:WhatsApp|Telegram|Google\s+News|Channel|Saluran|Grup)\b[^\n]{0,200}(?:\n[ \t]*https?://\S+)?",
    re.IGNORECASE | re.MULTILINE,
)

# --- 2. Inline markers, glued to the text around them ---------------------------------------------------
# Ad slots and detik's scroll hint are written in capitals; only the capital form is safe to cut mid-line.
INLINE_AD_MARKER_RE = re.compile(r"ADVERTISEMENT|SCROLL TO CONTINUE WITH CONTENT|Loading\.\.\.")
# Republika's channel invite, glued after the last sentence and sometimes before "sumber : Antara".
INLINE_CHANNEL_INVITE_RE = re.compile(
    r"Ikuti\s+(?:WhatsApp|Whatsapp|Telegram)\s+Channel\s+[A-Z][A-Za-z]+?(?=sumber|\s|$)"
)
# "Baca Juga" glued between two sentences, followed by one or more headlines glued together (Republika).
INLINE_READ_ALSO_RE = re.compile(r"(?<=[a-z0-9.,!?\"”)])\s*Baca\s+Juga\s*:?\s*(?=[A-Z0-9\"“])")
# Where two glued headlines (or a headline and the next sentence) meet: "CirebonBahkan", "Tikus2 Tewas".
GLUED_BOUNDARY_RE = re.compile(r"(?<=[a-z0-9)?!])(?=[A-Z])")
# A caption's trailing credit: "Chery Fulwin A8. Foto: Doc. Carnewschina" keeps the caption, loses the credit.
TRAILING_PHOTO_CREDIT_RE = re.compile(
    r"\s*\b(?:Foto|FOTO|Photo)\s*:\s*\(?(?:[Dd]o[kc]\.\s*)?[^.!?:]{1,80}\)?\.?$"
)
# Photo credit in brackets inside a caption or sentence: "(Foto: Dok. Polda Riau)", "(Dok. Humas)".
INLINE_PHOTO_CREDIT_RE = re.compile(
    r"\s*\((?:Foto|Photo|Ilustrasi|Dok\.?|Sumber\s+foto|Tangkapan\s+layar)\s*[:.]?[^()\n]{0,120}\)",
    re.IGNORECASE,
)

# --- 3. Whole insert lines -------------------------------------------------------------------------------
INSERT_LINE_PATTERNS: dict[str, re.Pattern[str]] = {
    # Related-article links: "Baca juga: ...", "BACA JUGA", "Baca Juga:" (every site).
    "read_also": re.compile(r"^(?:baca|lihat|simak)\s+(?:juga|pula)\s*(?:[:：\-–]|$|\s)", re.IGNORECASE),
    # "Baca selengkapnya di sini", "Simak berita selengkapnya di halaman selanjutnya." (detik, liputan6).
    "read_more": re.compile(
        r"^(?:baca|cek)\s+(?:berita\s+|artikel\s+)?selengkapnya\b.{0,60}$"
        r"|^simak\s+(?:berita\s+)?selengkapnya\s+di\s+halaman\b.{0,30}$",
        re.IGNORECASE,
    ),
    # Video/social promos: "Simak Video: ...", "Tonton juga ...", "Saksikan Live DetikPagi:",
    # "Lihat Video '...':".
    "video_promo": re.compile(
        r"^(?:simak|lihat|tonton|saksikan)\s+(?:juga\s+)?(?:video|vidio|live\s+detik\w*|\"|')"
        r"|^(?:tonton|saksikan)\s+juga\b",
        re.IGNORECASE,
    ),
    # Embedded widgets left as placeholders by detik: "[Gambas:Video 20detik]", "[Gambas:Instagram]".
    "embed_placeholder": re.compile(r"^\[gambas:[^\]]*\]$", re.IGNORECASE),
    # Ad slots and scroll hints (liputan6 "Advertisement", detik "ADVERTISEMENT" / "SCROLL TO CONTINUE ...").
    "advertisement": re.compile(
        r"^(?:advertisement|iklan|ads|sponsored|scroll to continue with content|loading\.*|-+\s*iklan\s*-+)$",
        re.IGNORECASE,
    ),
    # Follow/subscribe prompts: "Ikuti kami di Google News", "Ikuti Whatsapp Channel Republika".
    "follow_prompt": re.compile(
        r"^(?:ikuti|follow|gabung|bergabung|subscribe|dapatkan|simak|join)\b.{0,120}"
        r"\b(?:google\s+news|whatsapp|telegram|instagram|twitter|facebook|tiktok|youtube|channel|saluran|"
        r"grup|newsletter)\b.{0,120}$",
        re.IGNORECASE,
    ),
    # Comment/share widgets: "Tinggalkan Balasan", "Click to comment", "Bagikan artikel ini", "Share:".
    "comment_share": re.compile(
        r"^(?:tinggalkan\s+(?:balasan|komentar)|click\s+to\s+comment|leave\s+a\s+(?:reply|comment)|"
        r"tulis\s+komentar|komentar|comments?|bagikan(?:\s+artikel\s+ini)?|share(?:\s+this(?:\s+article)?)?|"
        r"berikan\s+komentar.*|editor\s*:?)\s*:?$",
        re.IGNORECASE,
    ),
    # Photo credit lines on their own: "Foto: Dok. Honda", "(Foto: ...)", "ANTARA FOTO/Raisan Al Farisi".
    "photo_credit": re.compile(
        r"^\(?(?:foto|photo|ilustrasi|dok\.?)\s*:.{0,150}$|^ANTARA\s+FOTO/.{0,150}$", re.IGNORECASE
    ),
    # Staff and contact lines of the page template: "Fotografer: ...", "Redaksi: redaksi[at]...",
    # "Informasi pemasangan iklan", "hubungi : sales[at]detik.com".
    "staff_contact": re.compile(
        r"^(?:fotografer|redaksi|editor|penyunting|reporter|pewarta|penulis)\s*:.{0,80}$"
        r"|^informasi\s+pemasangan\s+iklan$|^.{0,60}\[at\].{0,40}$",
        re.IGNORECASE,
    ),
    # A line that is only a date and time ("Selasa, 23/02/2016 15:32 WIB", "- Rabu, 18 Jun 2025 07:30 WIB"):
    # the page's date line or a list of related-article timestamps, never a sentence.
    "date_only": re.compile(
        r"^[-•·]?\s*(?:(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu)\s*,?\s*)?"
        rf"\d{{1,2}}\s*[/ .-]\s*(?:\d{{1,2}}|{MONTH_NAMES_PATTERN})\.?\s*[/ .-]\s*\d{{2,4}}\s*,?\s*(?:\|\s*)?"
        r"\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:WIB|WITA|WIT)?$",
        re.IGNORECASE,
    ),
    # Pagination: "Halaman 1 2 3", "1 2 Show All", "Selanjutnya", "Halaman 2 dari 3", "Next »".
    "pagination": re.compile(
        r"^(?:halaman\s*(?:\d+\s*)*(?:(?:dari|of)\s*\d+)?|(?:\d+\s+)+\d+(?:\s*(?:show\s+all|selanjutnya|next|»))?"
        r"|(?:\d+\s+)*(?:show\s+all|tampilkan\s+semua|lihat\s+semua)"
        r"|(?:halaman\s+)?(?:selanjutnya|sebelumnya|berikutnya|next|previous|prev)\s*[»>›]*)$",
        re.IGNORECASE,
    ),
    # Syndication notes closing regional stories: "Artikel ini telah naik di detikJabar."
    "syndication_note": re.compile(
        r"^artikel\s+ini\s+(?:telah\s+)?(?:tayang|naik|terbit)\s+di\b.{0,160}$", re.IGNORECASE
    ),
}

# A bare "Baca Juga" line is followed by the linked headlines, one per line (liputan6, detik, archives).
BARE_READ_ALSO_RE = re.compile(r"^(?:baca|lihat|simak)\s+(?:juga|pula)\s*:?$", re.IGNORECASE)
# Headlines under a bare "Baca Juga" are short; the real paragraph that follows in archives is long.
MAX_HEADLINE_CHARS = 150
MAX_HEADLINES_AFTER_READ_ALSO = 5
# A dateline glued to the first word in archive text:
# "Liputan6.com, JakartaKita semua" -> "Liputan6.com, Jakarta - Kita semua".
GLUED_DATELINE_RE = re.compile(r"^(Liputan6\.com,\s*[A-Z][a-z]+)(?=[A-Z][a-z])")

# --- 4. Lines a site repeats --------------------------------------------------------------------------------
# A line seen in this many distinct articles of one site is its boilerplate. On the scraped-2025 corpus,
# 5 catches "Tim Rembulan", "Penulis: ..." signatures and promo lines, while a quote repeated by the few
# follow-up stories of one event (seen in at most 7 articles there) is kept thanks to
# MAX_BOILERPLATE_LINE_CHARS.
BOILERPLATE_MIN_ARTICLES = 5
# Only short lines are fingerprinted: a long repeated line is a quoted paragraph in follow-up stories.
MAX_BOILERPLATE_LINE_CHARS = 80


def _is_headline(line: str) -> bool:
    """Whether a line reads like a linked headline, not a paragraph (no full stop, mostly Capitalised)."""
    if not line or len(line) > MAX_HEADLINE_CHARS or line[-1] in '.!?"”:;' or line[0] in "\"“'":
        return False
    if re.match(r"\d+[.)]\s", line):  # "1. Tidur Lama": a numbered subheading of the story itself
        return False
    words = [w for w in re.split(r"\s+", line) if w[:1].isalpha()]
    if not words:
        return False
    capitalised = sum(1 for w in words if w[0].isupper())
    return capitalised / len(words) >= 0.5


def _cut_glued_headlines(tail: str) -> str:
    """Drop the glued headlines after an inline "Baca Juga" and return the story text that follows them."""
    pieces = GLUED_BOUNDARY_RE.split(tail)
    for index, piece in enumerate(pieces):
        if not _is_headline(piece.strip()):
            return "".join(pieces[index:])
    return ""


def _split_inline_inserts(text: str) -> str:
    text = KOMPAS_WHATSAPP_PROMO_RE.sub("\n", text)
    text = GET_UPDATES_PROMO_RE.sub("\n", text)
    text = INLINE_AD_MARKER_RE.sub("\n", text)
    text = INLINE_CHANNEL_INVITE_RE.sub("\n", text)
    lines = []
    for line in text.split("\n"):
        match = INLINE_READ_ALSO_RE.search(line)
        while match:
            line = line[: match.start()] + "\n" + _cut_glued_headlines(line[match.end() :])
            match = INLINE_READ_ALSO_RE.search(line, match.start() + 1)
        lines.append(line)
    return "\n".join(lines)


def insert_kind(line: str) -> str | None:
    """The name of the insert pattern a line matches ("read_also", "advertisement", ...), or None."""
    stripped = line.strip()
    if not stripped:
        return None
    for name, pattern in INSERT_LINE_PATTERNS.items():
        if pattern.search(stripped):
            return name
    return None


def find_insert_lines(text: str) -> list[str]:
    """Lines of `text` that are site inserts; empty for clean text (used by the evaluation gate)."""
    return [line for line in text.split("\n") if insert_kind(line)]


def _fingerprint(line: str) -> str | None:
    """A short, digit-insensitive hash of a line, or None for lines too long to be boilerplate."""
    normalised = re.sub(r"\s+", " ", re.sub(r"\d+", "0", line)).strip().lower()
    if not normalised or len(normalised) > MAX_BOILERPLATE_LINE_CHARS:
        return None
    return hashlib.blake2b(normalised.encode("utf-8"), digest_size=8).hexdigest()


class SiteBoilerplate:
    """Learns, per site, the lines repeated across many of its articles, and removes them.

    Counts are of distinct articles (by text hash), so re-learning the same article does not promote its
    lines. Persist it with `to_dict()` / `from_dict()`.
    """

    def __init__(self, min_articles: int = BOILERPLATE_MIN_ARTICLES) -> None:
        self.min_articles = min_articles
        self._line_counts: dict[str, dict[str, int]] = {}
        self._seen_articles: dict[str, set[str]] = {}

    def learn(self, site: str, text: str) -> None:
        """Count the lines of one article of `site` (a second call with the same text is ignored)."""
        article_hash = hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()
        seen = self._seen_articles.setdefault(site, set())
        if article_hash in seen:
            return
        seen.add(article_hash)
        counts = self._line_counts.setdefault(site, {})
        for fingerprint in {_fingerprint(line) for line in text.split("\n")} - {None}:
            assert fingerprint is not None
            counts[fingerprint] = counts.get(fingerprint, 0) + 1

    def learn_many(self, site: str, texts: Iterable[str]) -> None:
        """Learn several articles of one site."""
        for text in texts:
            self.learn(site, text)

    def is_boilerplate(self, site: str, line: str) -> bool:
        """Whether `line` has been seen in at least `min_articles` distinct articles of `site`."""
        fingerprint = _fingerprint(line)
        if fingerprint is None:
            return False
        return self._line_counts.get(site, {}).get(fingerprint, 0) >= self.min_articles

    def remove(self, site: str, text: str) -> str:
        """`text` without the lines that are boilerplate for `site`."""
        return "\n".join(line for line in text.split("\n") if not self.is_boilerplate(site, line))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; only fingerprints are kept, never article text."""
        return {
            "version": 1,
            "min_articles": self.min_articles,
            "line_counts": self._line_counts,
            "seen_articles": {site: sorted(hashes) for site, hashes in self._seen_articles.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SiteBoilerplate:
        """Rebuild from `to_dict()` output."""
        learned = cls(min_articles=int(data.get("min_articles", BOILERPLATE_MIN_ARTICLES)))
        learned._line_counts = {site: dict(counts) for site, counts in data.get("line_counts", {}).items()}
        learned._seen_articles = {site: set(hashes) for site, hashes in data.get("seen_articles", {}).items()}
        return learned


def clean_text(text: str, *, site: str | None = None, boilerplate: SiteBoilerplate | None = None) -> str:
    """Article text without site inserts: paragraphs joined by "\\n", no blank or duplicate-space lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = GLUED_DATELINE_RE.sub(r"\1 - ", text.lstrip())
    text = _split_inline_inserts(text)
    kept: list[str] = []
    skipping_headlines = 0
    for raw_line in text.split("\n"):
        line = re.sub(r"[ \t\xa0]+", " ", raw_line).strip()
        if not line:
            continue
        if skipping_headlines and _is_headline(line):
            skipping_headlines -= 1
            continue
        skipping_headlines = 0
        if BARE_READ_ALSO_RE.match(line):
            skipping_headlines = MAX_HEADLINES_AFTER_READ_ALSO
            continue
        if insert_kind(line):
            continue
        line = TRAILING_PHOTO_CREDIT_RE.sub("", INLINE_PHOTO_CREDIT_RE.sub("", line)).strip()
        if line:
            kept.append(line)
    cleaned = "\n".join(kept)
    if boilerplate is not None and site:
        cleaned = boilerplate.remove(site, cleaned)
    return cleaned
