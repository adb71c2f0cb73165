"""Extraction stage: HTML page -> clean `Article` (trafilatura + htmldate + Indonesian cleanup)."""

from gaung.extract.article import EXTRACTOR_VERSION, extract_article, guess_language
from gaung.extract.cleanup import SiteBoilerplate, clean_text, find_insert_lines
from gaung.extract.dates import WIB, WIT, WITA, find_dateline, parse_indonesian_date

__all__ = [
    "EXTRACTOR_VERSION",
    "WIB",
    "WIT",
    "WITA",
    "SiteBoilerplate",
    "clean_text",
    "extract_article",
    "find_dateline",
    "find_insert_lines",
    "guess_language",
    "parse_indonesian_date",
]
