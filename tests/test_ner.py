"""NER plumbing: CoNLL reading and tag mapping, conlleval scoring, tokenising with offsets, the CLI.

The model here is a tiny one (300 sentences, 20 iterations, a few seconds); the real model's quality is
pinned in test_eval_gate_ner_quotes.py.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gaung.analyze.entities import extract_entities
from gaung.analyze.ner import (
    NerModel,
    bio_chunks,
    load_corpus,
    read_conll,
    score_chunks,
    split_sentences,
    tokenize,
    train_ner,
)
from gaung.analyze.ner_cli import app, tag_conll
from gaung.analyze.watchlist import compile_watchlist
from gaung.config import WatchEntry

TAGS = {"O", "B-PERSON", "I-PERSON", "B-ORGANIZATION", "I-ORGANIZATION", "B-PLACE", "I-PLACE"}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> NerModel:
    path = tmp_path_factory.mktemp("ner") / "tiny.crfsuite"
    return train_ner(path, ("idner",), max_iterations=20, evaluate=False, max_sentences=300)


@pytest.mark.parametrize("corpus", ["nergrit", "nerp", "idner"])
def test_corpora_map_onto_our_three_types(corpus: str) -> None:
    sentences = load_corpus(corpus, "dev")
    tags = {tag for sentence in sentences for _, tag in sentence}
    assert tags <= TAGS
    assert {"B-PERSON", "B-ORGANIZATION", "B-PLACE"} <= tags


def test_read_conll_handles_crlf_and_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(b"Joko PROPN B-PER\r\nWidodo PROPN I-PER\r\n\r\ndi ADP O\r\nSolo PROPN B-LOC\r\n")
    sentences = read_conll(path, {"PER": "PERSON", "LOC": "PLACE"})
    assert sentences == [[("Joko", "B-PERSON"), ("Widodo", "I-PERSON")], [("di", "O"), ("Solo", "B-PLACE")]]


def test_bio_chunks_follow_conlleval() -> None:
    tags = ["B-PERSON", "I-PERSON", "O", "I-PLACE", "I-PLACE", "B-PLACE", "I-ORGANIZATION"]
    assert bio_chunks(tags) == [(0, 2, "PERSON"), (3, 5, "PLACE"), (5, 6, "PLACE"), (6, 7, "ORGANIZATION")]


def test_scores_count_exact_spans_only() -> None:
    gold = [["B-PERSON", "I-PERSON", "O", "B-PLACE"]]
    predicted = [["B-PERSON", "O", "O", "B-PLACE"]]
    scores = score_chunks(gold, predicted)
    assert (scores.precision, scores.recall, scores.f1) == (0.5, 0.5, 0.5)
    assert (
        scores.per_type == {"PERSON": 0.0, "ORGANIZATION": 0.0, "PLACE": 1.0}
        or scores.per_type["PLACE"] == 1.0
    )


def test_tokenize_keeps_offsets_and_abbreviations_do_not_end_sentences() -> None:
    text = "Kata Dr. Helmi, harga naik 1.500,5 persen. Kompas.com melaporkan."
    tokens = tokenize(text)
    assert all(text[start:end] == token for token, start, end in tokens)
    assert "1.500,5" in [t for t, _, _ in tokens] and "Kompas.com" in [t for t, _, _ in tokens]
    sentences = split_sentences(tokens)
    assert [s[-1][0] for s in sentences] == [".", "."]


def test_model_tags_and_spans_point_into_text(tiny_model: NerModel) -> None:
    assert set(tiny_model.tag(["Presiden", "Joko", "Widodo", "ke", "Surabaya"])) <= TAGS
    assert tiny_model.tag([]) == []
    text = "Presiden Joko Widodo meresmikan jalan tol di Surabaya.\nIa didampingi Menteri Basuki Hadimuljono."
    for start, end, kind in tiny_model.spans(text):
        assert kind in {"PERSON", "ORGANIZATION", "PLACE"}
        assert text[start:end].strip() == text[start:end] and end > start


def test_watchlist_wins_over_ner(tiny_model: NerModel) -> None:
    matcher = compile_watchlist([WatchEntry("jokowi", "Joko Widodo", "PERSON", ["Jokowi"])])
    text = "Presiden Joko Widodo bertemu Gubernur Ridwan Kamil di Bandung."
    entities = extract_entities(text, matcher, tiny_model)
    watched = [e for e in entities if e.watch_id]
    assert [(e.text, e.type, e.watch_id) for e in watched] == [("Presiden Joko Widodo", "PERSON", "jokowi")]
    for entity in entities:
        assert text[entity.start : entity.end] == entity.text
        if not entity.watch_id:
            assert entity.end <= watched[0].start or entity.start >= watched[0].end
    assert extract_entities("", matcher, tiny_model) == []
    assert extract_entities("   \n", None, None) == []


def test_tag_conll_round_trip(tiny_model: NerModel) -> None:
    out = io.StringIO()
    count = tag_conll(io.StringIO("Joko\nWidodo\n\n\nke\nSolo\n"), out, tiny_model)
    lines = out.getvalue().split("\n")
    assert count == 2
    assert [line.split("\t")[0] for line in lines if line] == ["Joko", "Widodo", "ke", "Solo"]
    assert lines[2] == ""  # one blank line between sentences
    assert all(line.split("\t")[1] in TAGS for line in lines if line)


def test_cli_entities(tiny_model: NerModel, tmp_path: Path) -> None:
    conll = tmp_path / "in.conll"
    conll.write_text("Joko\nWidodo\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["--conll", str(conll), "--model", str(tiny_model.path)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Joko\t")
    missing = CliRunner().invoke(app, ["--conll", str(tmp_path / "nope"), "--model", str(tiny_model.path)])
    assert missing.exit_code == 2
