"""Build the bundled demo archive in gaung/data/demo/ from ../shared/data (run once; output is committed).

- IndoSum dev folds (CC BY-SA 4.0): tokenised paragraphs are detokenised; the headline is recovered from the
  source URL's slug, re-cased with the article's own tokens; the date is the id's Unix-timestamp prefix.
- The scraped 2025 corpus: copied as-is (gzip), boilerplate and raw date strings included, because cleaning
  that is what the pipeline is for.
- Three publisher RSS files: copied as-is.
Usage: python scripts/build_demo_data.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

OUT = Path(__file__).resolve().parent.parent / "gaung" / "data" / "demo"
NO_SPACE_BEFORE = re.compile(r"\s+([,.;:!?%)\]}])")
NO_SPACE_AFTER = re.compile(r"([(\[{])\s+")
MINOR_WORDS = {
    "dan",
    "di",
    "ke",
    "dari",
    "yang",
    "untuk",
    "dengan",
    "atau",
    "pada",
    "dalam",
    "oleh",
    "bagi",
    "sebagai",
    "tentang",
    "hingga",
    "karena",
    "agar",
    "the",
    "of",
    "and",
    "in",
}
QUOTED = re.compile(r'"\s*(.*?)\s*"')


def detokenize(tokens: list[str]) -> str:
    text = " ".join(tokens)
    text = NO_SPACE_BEFORE.sub(r"\1", text)
    text = NO_SPACE_AFTER.sub(r"\1", text)
    return QUOTED.sub(r'"\1"', text)


def title_from_slug(url: str, tokens: list[str]) -> str | None:
    slug = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    slug = re.sub(r"\.html?$", "", slug)
    slug = re.sub(r"^\d+[-_]?", "", slug)
    words = [w for w in re.split(r"[-_]+", slug) if (w and not w.isdigit()) or (w.isdigit() and len(w) < 5)]
    if len(words) < 3:
        return None
    casing: dict[str, str] = {}
    for token in tokens:
        low = token.lower()
        if low not in casing or (casing[low].islower() and not token.islower()):
            casing[low] = token
    # headline style: the article's own casing for names and acronyms, capitalised otherwise
    out: list[str] = []
    for word in words:
        if out and word.lower() in MINOR_WORDS:
            out.append(word.lower())
            continue
        known = casing.get(word.lower(), word)
        out.append(known if not known.islower() else known[:1].upper() + known[1:])
    return " ".join(out)


def build_indosum(src: Path) -> int:
    seen: set[str] = set()
    rows = []
    for path in sorted(src.glob("dev.*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["id"] in seen:
                continue
            seen.add(record["id"])
            paragraphs = [" ".join(detokenize(s) for s in para) for para in record["paragraphs"]]
            tokens = [t for para in record["paragraphs"] for s in para for t in s]
            stamp = int(record["id"].split("-", 1)[0])
            first_sentence = detokenize(record["paragraphs"][0][0]) if record["paragraphs"] else ""
            rows.append(
                {
                    "url": record["source_url"],
                    "title": title_from_slug(record["source_url"], tokens) or first_sentence[:120],
                    "text": "\n".join(paragraphs),
                    "published_at": datetime.fromtimestamp(stamp, UTC).isoformat(),
                    "source": record["source"],
                    "category": record["category"],
                }
            )
    with gzip.open(OUT / "indosum_dev.jsonl.gz", "wt", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


def main() -> None:
    shared = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    OUT.mkdir(parents=True, exist_ok=True)
    print("indosum", build_indosum(shared / "id_news_corpus_indosum_dev"))
    scraped = shared / "id_news_corpus_scraped_2025"
    for name in (
        "scrapping_news_2025-06-18.csv",
        "scrapping_news_2025-06-19.csv",
        "scrapping_news_2025-06-20.csv",
        "berita_detik.csv",
        "berita_kompas.csv",
    ):
        with (scraped / name).open("rb") as src, gzip.open(OUT / f"{name}.gz", "wb", compresslevel=9) as dst:
            shutil.copyfileobj(src, dst)
    rss_out = OUT / "rss"
    rss_out.mkdir(exist_ok=True)
    for path in (shared / "id_news_rss").glob("*.xml"):
        shutil.copy(path, rss_out / path.name)
    print("done", OUT)


if __name__ == "__main__":
    main()
