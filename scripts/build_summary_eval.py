"""Build gaung/data/eval/indosum_summaries.jsonl.gz from the IndoSum dev folds (run once; output committed).

IndoSum (Kurniawan & Louvan, IALP 2018; CC BY-SA 4.0) ships tokenised text: every paragraph is a list of
sentences, every sentence a list of tokens, and each article has a gold extractive-leaning summary. The
summariser reads raw text, so the tokens are joined back into text here (quotes paired across the whole
paragraph, "- -" back to "--", reduplication "senang - senang" back to "senang-senang"). IndoSum's own
sentence boundaries are kept (one string per sentence) so the sentence splitter can be compared with them.

Rows: id, fold (the first dev fold the id appears in: folds overlap, rows are deduplicated on id), category,
source, title (rebuilt from the URL slug, as in the demo archive), paragraphs (list of lists of sentence
strings), summary (list of sentence strings).
Usage: python scripts/build_summary_eval.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_demo_data import title_from_slug  # a sibling script, not a package

OUT = Path(__file__).resolve().parent.parent / "gaung" / "data" / "eval" / "indosum_summaries.jsonl.gz"
NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", "%", ")", "]", "}", "…"}
NO_SPACE_AFTER = {"(", "[", "{"}
QUOTES = {'"', "'"}


def detokenize_paragraph(sentences: list[list[str]]) -> list[str]:
    """Join the tokens of one paragraph back into text, one string per sentence.

    Straight quotes alternate open/close across the whole paragraph, since a quotation often spans
    several of IndoSum's sentences.
    """
    open_quotes: dict[str, bool] = {quote: False for quote in QUOTES}
    out: list[str] = []
    for tokens in sentences:
        text = ""
        glue_next = True  # no space before the first token
        for index, token in enumerate(tokens):
            previous = tokens[index - 1] if index else ""
            following = tokens[index + 1] if index + 1 < len(tokens) else ""
            space = not glue_next
            glue_next = False
            if token in QUOTES:
                if open_quotes[token]:  # closing: glued to what it closes
                    space = False
                else:
                    glue_next = True
                open_quotes[token] = not open_quotes[token]
            elif token in NO_SPACE_BEFORE:
                space = False
            elif token in NO_SPACE_AFTER:
                glue_next = True
            elif token == "-" and previous == "-":  # "- -" dateline dash
                space = False
            elif token == "-" and previous.lower() == following.lower() and previous.isalpha():
                space, glue_next = False, True  # "senang - senang" -> "senang-senang"
            elif token == "/" and previous.isdigit() and following.isdigit():
                space, glue_next = False, True  # "( 21 / 9 )" -> "(21/9)"
            text += (" " if space and text else "") + token
        out.append(text.strip())
    return [sentence for sentence in out if sentence]


def build(src: Path) -> int:
    seen: set[str] = set()
    rows = []
    for path in sorted(src.glob("dev.*.jsonl")):
        fold = path.stem.split(".")[-1]
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            if record["id"] in seen:
                continue
            seen.add(record["id"])
            paragraphs = [detokenize_paragraph(paragraph) for paragraph in record["paragraphs"]]
            tokens = [t for paragraph in record["paragraphs"] for sentence in paragraph for t in sentence]
            first_sentence = paragraphs[0][0] if paragraphs and paragraphs[0] else ""
            rows.append(
                {
                    "id": record["id"],
                    "fold": fold,
                    "category": record["category"],
                    "source": record["source"],
                    "title": title_from_slug(record["source_url"], tokens) or first_sentence[:120],
                    "paragraphs": [p for p in paragraphs if p],
                    "summary": detokenize_paragraph(record["summary"]),
                }
            )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same input gives byte-identical output, so a rebuild shows no spurious diff.
    with gzip.GzipFile(OUT, "wb", compresslevel=9, mtime=0) as raw:
        for row in rows:
            raw.write((json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8"))
    return len(rows)


def main() -> None:
    shared = (
        Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data"
    )
    print("indosum summaries", build(shared / "id_news_corpus_indosum_dev"), "->", OUT)


if __name__ == "__main__":
    main()
