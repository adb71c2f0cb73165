"""Build gaung/data/eval/dedup_pairs.jsonl, the labelled pair set for syndication detection.

Reproducible: seeded, reads only the scraped-2025 corpus under ../shared/data. Run from the repo root:

    .venv/bin/python scripts/build_dedup_pairs.py [--corpus DIR] [--out FILE] [--review]

Kinds of pairs (label 1 = copies of the same story):
- same_url_recrawl (1): one URL captured by two daily runs (18/19/20 June) or by the daily runs and the
  older berita_detik/berita_kompas scrape; every URL whose captures differ is taken, plus a seeded
  sample of identical captures.
- cross_url_copy (1): two different URLs whose bodies are near-identical. Found with a 3-shingle LSH
  (deliberately not the detector's 5-shingle MinHash) and labelled by word-level alignment coverage
  (difflib over the whole cleaned body): coverage >= COPY_COVERAGE is a copy, unless the pair is on
  the hand-reviewed TEMPLATE list (daily schedules that reuse one text with new dates).
- hard_negative (0): different stories that look alike: candidates from the same LSH with coverage
  <= REWRITE_COVERAGE (follow-ups reusing paragraphs), pairs from the same outlet on the same day with
  overlapping titles, and short/empty pages that share one stub text under different titles.
- random_negative (0): seeded random pairs of different URLs.
Pairs between the two coverage bounds are ambiguous and left out (the count is printed).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

from datasketch import MinHash, MinHashLSH

from gaung.analyze.dedup import MAX_TEXT_CHARS, canonicalize_url, normalize_text, strip_dateline
from gaung.analyze.dedup_eval import clean_for_dedup

SEED = 20250618
DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared/data/id_news_corpus_scraped_2025"
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "gaung/data/eval/dedup_pairs.jsonl"

COPY_COVERAGE = 0.85  # share of the longer body aligned word for word with the other
COPY_RUN_WORDS = 5  # shorter aligned runs are common phrases, not copying
REWRITE_COVERAGE = 0.60
CANDIDATE_JACCARD = 0.3  # 3-shingle LSH threshold for cross-URL candidates
IDENTICAL_RECRAWLS = 120  # seeded sample of recrawls whose text did not change
TITLE_HARD_NEGATIVES = 220
STUB_HARD_NEGATIVES = 20
RANDOM_NEGATIVES = 120
MIN_WORDS_FOR_COPY = 40

# Hand-reviewed: near-identical bodies that are NOT one story. Daily template pages publish the same text
# with a new date and new figures (prayer times, match schedules, live-stream notices), and "Top 3" /
# "Terpopuler" round-ups reprint the lead of an earlier article. Matched on the URL's article id.
TEMPLATE_PATTERNS = (
    re.compile(
        r"jadwal-sholat|jadwal-piala-dunia|saksikan-ftv|live-streaming|harga-emas-antam|harga-kripto|ihsg|zodiak|horoskop"
    ),
    re.compile(r"/top-3-|/terpopuler-"),
)


@dataclass
class Capture:
    url: str
    title: str
    text: str  # cleaned, truncated to MAX_TEXT_CHARS
    outlet: str
    day: str  # which scrape: "2025-06-18", ..., "berita_detik"


def _read_csv(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def load_captures(corpus: Path) -> list[Capture]:
    captures = []
    for day in ("18", "19", "20"):
        for row in _read_csv(corpus / f"scrapping_news_2025-06-{day}.csv"):
            captures.append(
                Capture(
                    row["url"], row["judul"], _prepare(row["isi_berita"]), row["sumber"], f"2025-06-{day}"
                )
            )
    for name in ("berita_detik", "berita_kompas"):
        for row in _read_csv(corpus / f"{name}.csv"):
            captures.append(Capture(row["url"], row["title"], _prepare(row["content"]), row["source"], name))
    return captures


def _prepare(text: str) -> str:
    return clean_for_dedup(text)[:MAX_TEXT_CHARS]


def _words(text: str) -> list[str]:
    return normalize_text(strip_dateline(text)).split()


def copy_coverage(a: str, b: str) -> float:
    """Share of the longer body covered by verbatim runs of at least COPY_RUN_WORDS words of the other."""
    words_a, words_b = _words(a), _words(b)
    if not words_a or not words_b:
        return 0.0
    matcher = SequenceMatcher(None, words_a, words_b, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks() if block.size >= COPY_RUN_WORDS)
    return matched / max(len(words_a), len(words_b))


def _is_template(url_a: str, url_b: str) -> bool:
    return any(pattern.search(url_a) or pattern.search(url_b) for pattern in TEMPLATE_PATTERNS)


def _record(a: Capture, b: Capture, label: int, kind: str) -> dict[str, object]:
    return {
        "a_url": a.url,
        "a_title": a.title,
        "a_text": a.text,
        "b_url": b.url,
        "b_title": b.title,
        "b_text": b.text,
        "label": label,
        "kind": kind,
    }


def _title_overlap(a: str, b: str) -> float:
    words_a, words_b = set(normalize_text(a).split()), set(normalize_text(b).split())
    return len(words_a & words_b) / len(words_a | words_b) if words_a and words_b else 0.0


def build(corpus: Path, review: bool = False) -> list[dict[str, object]]:
    rng = random.Random(SEED)
    captures = load_captures(corpus)
    by_url: dict[str, list[Capture]] = defaultdict(list)
    for capture in captures:
        by_url[capture.url].append(capture)
    records: list[dict[str, object]] = []

    # same_url_recrawl
    changed, unchanged = [], []
    for url in sorted(by_url):
        group = by_url[url]
        if len(group) < 2:
            continue
        differing = [(a, b) for a, b in combinations(group, 2) if (a.text, a.title) != (b.text, b.title)]
        if differing:
            changed.append(differing[0])
        else:
            unchanged.append((group[0], group[1]))
    rng.shuffle(unchanged)
    for a, b in changed + unchanged[:IDENTICAL_RECRAWLS]:
        records.append(_record(a, b, 1, "same_url_recrawl"))

    # one capture per canonical URL for everything cross-URL
    documents: dict[str, Capture] = {}
    for capture in captures:
        documents.setdefault(canonicalize_url(capture.url), capture)
    keys = sorted(documents)

    # cross-URL candidates by 3-shingle LSH
    lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=64)
    for key in keys:
        words = _words(documents[key].text)
        if len(words) < MIN_WORDS_FOR_COPY:
            continue
        signature = MinHash(num_perm=64, seed=SEED)
        signature.update_batch(" ".join(words[i : i + 3]).encode() for i in range(len(words) - 2))
        lsh.insert(key, signature)
        candidates = [other for other in lsh.query(signature) if other != key]
        for other in sorted(candidates):
            a, b = documents[other], documents[key]
            coverage = copy_coverage(a.text, b.text)
            template = _is_template(a.url, b.url)
            if review and coverage > REWRITE_COVERAGE:
                print(
                    f"{coverage:.3f} template={template} {a.title[:60]!r} | {b.title[:60]!r}", file=sys.stderr
                )
                print(f"      {a.url}\n      {b.url}", file=sys.stderr)
            if coverage >= COPY_COVERAGE and not template:
                records.append(_record(a, b, 1, "cross_url_copy"))
            elif coverage <= REWRITE_COVERAGE or template:
                records.append(_record(a, b, 0, "hard_negative"))
            else:
                _counts["ambiguous"] += 1
    copy_pairs = {(r["a_url"], r["b_url"]) for r in records} | {(r["b_url"], r["a_url"]) for r in records}

    # hard negatives: same outlet, same day, overlapping titles (different canonical URL)
    by_outlet_day: dict[tuple[str, str], list[Capture]] = defaultdict(list)
    for key in keys:
        capture = documents[key]
        if len(_words(capture.text)) >= MIN_WORDS_FOR_COPY:
            by_outlet_day[(capture.outlet, capture.day)].append(capture)
    title_pairs = []
    for group in by_outlet_day.values():
        for a, b in combinations(group, 2):
            overlap = _title_overlap(a.title, b.title)
            if overlap >= 0.25 and (a.url, b.url) not in copy_pairs and copy_coverage(a.text, b.text) < 0.5:
                title_pairs.append((overlap, a, b))
    title_pairs.sort(key=lambda item: (-item[0], item[1].url, item[2].url))
    for _, a, b in title_pairs[:TITLE_HARD_NEGATIVES]:
        records.append(_record(a, b, 0, "hard_negative"))

    # hard negatives: short or empty pages sharing one stub under different titles
    by_stub: dict[str, list[Capture]] = defaultdict(list)
    for key in keys:
        capture = documents[key]
        if len(_words(capture.text)) < MIN_WORDS_FOR_COPY:
            by_stub[" ".join(_words(capture.text))].append(capture)
    stub_pairs = [
        (a, b)
        for group in by_stub.values()
        for a, b in combinations(group, 2)
        if _title_overlap(a.title, b.title) < 0.5
    ]
    rng.shuffle(stub_pairs)
    for a, b in stub_pairs[:STUB_HARD_NEGATIVES]:
        records.append(_record(a, b, 0, "hard_negative"))

    # random negatives
    seen = {(r["a_url"], r["b_url"]) for r in records}
    added = 0
    while added < RANDOM_NEGATIVES:
        a, b = (documents[key] for key in rng.sample(keys, 2))
        if (a.url, b.url) in seen or copy_coverage(a.text, b.text) >= REWRITE_COVERAGE:
            continue
        seen.add((a.url, b.url))
        records.append(_record(a, b, 0, "random_negative"))
        added += 1
    return records


_counts: dict[str, int] = defaultdict(int)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--review", action="store_true", help="print cross-URL candidates for hand review")
    args = parser.parse_args()
    records = build(args.corpus, review=args.review)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    kinds: dict[tuple[str, object], int] = defaultdict(int)
    for record in records:
        kinds[(str(record["kind"]), record["label"])] += 1
    print(f"wrote {len(records)} pairs to {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    for (kind, label), count in sorted(kinds.items()):
        print(f"  {kind:18} label={label} {count}")
    print(f"  ambiguous cross-URL candidates left out: {_counts['ambiguous']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
