"""`gaung entities --conll FILE`: tag a CoNLL token file with PERSON/ORGANIZATION/PLACE BIO tags.

Input is one token per line (extra columns after the token are ignored, so a labelled file works too),
a blank line between sentences; output is ``token<TAB>tag`` in the same layout. The lead mounts ``app``
(or calls ``tag_conll``) from gaung/cli.py.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import typer

from gaung.analyze.ner import NerModel, load_ner
from gaung.errors import ParseError

app = typer.Typer(help="Named entities (PERSON, ORGANIZATION, PLACE).", add_completion=False)


def read_token_sentences(handle: TextIO, where: str = "<stdin>") -> Iterator[list[str]]:
    """Sentences of tokens from a one-token-per-line stream (blank line = sentence break)."""
    sentence: list[str] = []
    for number, line in enumerate(handle, start=1):
        if "\x00" in line:
            raise ParseError(f"{where}:{number}", "binary data; expected one token per line")
        parts = line.split()
        if not parts:
            if sentence:
                yield sentence
                sentence = []
            continue
        sentence.append(parts[0])
    if sentence:
        yield sentence


def tag_conll(source: TextIO, out: TextIO, model: NerModel, where: str = "<stdin>") -> int:
    """Write ``token<TAB>tag`` lines for every sentence of ``source``; returns the sentence count."""
    count = 0
    for tokens in read_token_sentences(source, where):
        if count:
            out.write("\n")
        for token, tag in zip(tokens, model.tag(tokens), strict=True):
            out.write(f"{token}\t{tag}\n")
        count += 1
    return count


@app.command("entities")
def entities_command(
    conll: Path = typer.Option(..., "--conll", help="Token file (one token per line; '-' for stdin)."),
    model_path: Path | None = typer.Option(None, "--model", help="A crfsuite model file (default: built)."),
) -> None:
    """Print token<TAB>BIO-tag for each token of a CoNLL file."""
    model = load_ner(model_path)
    if str(conll) == "-":
        tag_conll(sys.stdin, sys.stdout, model)
        return
    if not conll.is_file():
        typer.echo(f"Error: {conll}: no such file", err=True)
        raise typer.Exit(2)
    try:
        with conll.open(encoding="utf-8", errors="replace") as handle:
            tag_conll(handle, sys.stdout, model, where=str(conll))
    except ParseError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(1) from None
