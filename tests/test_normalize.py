"""Normalization: offsets, colloquial spelling, negation-keeping stopwords, mojibake, HTML, emoji."""

from __future__ import annotations

from gaung.analyze.normalize import (
    NEGATIONS,
    clean_text,
    fix_mojibake,
    formalize,
    mark_negation,
    model_text,
    remove_stopwords,
    replace_emoji,
    stopwords,
    strip_html,
    tokenize,
)


def test_tokenize_keeps_offsets_and_reduplication() -> None:
    text = "Warga pecah-pecah, kata Wali Kota."
    tokens = tokenize(text)
    assert [t.text for t in tokens][:3] == ["Warga", "pecah-pecah", ","]
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_colloquial_words_become_formal() -> None:
    assert formalize(["gak", "bgt"]) == ["enggak", "banget"]  # the lexicon's choice; still a negation
    assert "enggak" in NEGATIONS
    assert formalize(["pemerintah"]) == ["pemerintah"]


def test_stopwords_keep_negations() -> None:
    assert NEGATIONS.isdisjoint(stopwords())
    assert remove_stopwords(["pelayanan", "yang", "tidak", "bagus"]) == ["pelayanan", "tidak", "bagus"]


def test_negation_scope_stops_at_punctuation() -> None:
    assert mark_negation(["tidak", "bagus", ",", "bagus"]) == ["tidak", "neg_bagus", ",", "bagus"]


def test_mojibake_is_repaired() -> None:
    assert fix_mojibake("â€œBanjir surut,â€ kata Camat") == "“Banjir surut,” kata Camat"
    assert fix_mojibake("CafÃ© di Bandung") == "Café di Bandung"
    assert fix_mojibake("teks yang benar") == "teks yang benar"


def test_html_fragments_are_stripped() -> None:
    html = "<p>Wali Kota &amp; DPRD</p><script>alert(1)</script><div>sepakat</div>"
    assert strip_html(html) == "Wali Kota & DPRD\nsepakat"
    assert strip_html("a < b dan c > d") == "a < b dan c > d"


def test_emoji_become_words_or_vanish() -> None:
    assert replace_emoji("mantap 👍").split() == ["mantap", "emojipositif"]
    assert replace_emoji("🌧️🏙️").strip() == ""
    assert clean_text("") == ""


def test_model_text_combines_everything() -> None:
    assert model_text("Pelayanannya gak bagus 😡") == "pelayanannya enggak neg_bagus neg_emojinegatif"
