"""Tone and sentiment backends on tiny models: interface, calibration, explanations, corrections."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gaung.analyze.modelstore import ModelBundle, ModelError, load_bundle, save_bundle
from gaung.analyze.tone import (
    LABELS,
    Classifier,
    LinearTextClassifier,
    ToneClassifier,
    TransformerBackend,
    analyze_many,
    analyze_tone,
    focus_text,
)
from gaung.analyze.training import Correction, ModelRegressionError, compare_metrics

TEXTS = {
    "positive": [
        "pelayanan sangat bagus dan cepat",
        "program berhasil, warga puas",
        "bantuan tepat sasaran bagus",
    ],
    "neutral": ["rapat digelar hari senin", "jadwal pelayanan diumumkan", "data penduduk dirilis dinas"],
    "negative": [
        "jalan rusak parah, warga kecewa",
        "pelayanan buruk dan lambat",
        "pejabat ditangkap korupsi",
    ],
}


def _corpus() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for label, items in TEXTS.items():
        for item in items * 4:  # enough rows for the 3-fold calibration and min_df=2
            texts.append(item)
            labels.append(label)
    return texts, labels


@pytest.fixture(scope="module")
def tiny_bundle() -> ModelBundle:
    texts, labels = _corpus()
    sentiment = LinearTextClassifier(version="tiny").fit(texts, labels)
    tone = ToneClassifier(sentiment, version="tiny").fit(texts, labels)
    return ModelBundle("tiny-0", sentiment, tone)


def test_backends_follow_the_classifier_protocol(tiny_bundle: ModelBundle) -> None:
    assert isinstance(tiny_bundle.sentiment, Classifier)
    assert isinstance(tiny_bundle.tone, Classifier)
    assert isinstance(TransformerBackend("/nonexistent"), Classifier)


def test_probabilities_sum_to_one_and_rank_sensibly(tiny_bundle: ModelBundle) -> None:
    for model in (tiny_bundle.sentiment, tiny_bundle.tone):
        scores = model.predict_proba(["pelayanan buruk dan lambat", "", "program berhasil bagus"])
        assert all(set(s) == set(LABELS) and abs(sum(s.values()) - 1) < 1e-9 for s in scores)
        assert max(scores[0], key=lambda k: scores[0][k]) == "negative"
        assert max(scores[2], key=lambda k: scores[2][k]) == "positive"
    assert tiny_bundle.sentiment.predict_proba([]) == []


def test_explanations_name_the_driving_phrases(tiny_bundle: ModelBundle) -> None:
    reasons = tiny_bundle.tone.explain("jalan rusak parah, warga kecewa")
    assert reasons and any("rusak" in r or "kecewa" in r for r in reasons)


def test_analyze_tone_weighs_headline_and_actor_sentences(tiny_bundle: ModelBundle) -> None:
    body = "Cuaca cerah pagi ini. Pasar ramai. " * 20 + "Wali kota: pelayanan buruk dan lambat."
    focused = focus_text("Pelayanan buruk", body, watch_terms=("wali kota",))
    assert focused.startswith("Pelayanan buruk Pelayanan buruk")
    assert "Wali kota" in focused and len(focused) <= 1200
    result = analyze_tone("Pelayanan buruk dan lambat", body, bundle=tiny_bundle)
    assert result.label == "negative" and result.reason
    empty = analyze_many([("", "")], bundle=tiny_bundle)[0]
    assert abs(sum(empty.tone.scores.values()) - 1) < 1e-9 and empty.tone.reason == []
    assert analyze_many([(None, "x" * 1_000_000)], bundle=tiny_bundle, explain=False)[0].version == "tiny-0"


def test_store_round_trip_is_atomic_and_versioned(tmp_path: Path, tiny_bundle: ModelBundle) -> None:
    assert load_bundle(tmp_path) is None
    path = save_bundle(tiny_bundle, tmp_path)
    assert path.name == "gaung-models-tiny-0.joblib"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    loaded = load_bundle(tmp_path)
    assert loaded is not None and loaded.version == "tiny-0"
    (tmp_path / "CURRENT").write_text("missing.joblib\n", encoding="utf-8")
    save_bundle(tiny_bundle, tmp_path, make_current=False)
    with pytest.raises(ModelError, match=r"missing\.joblib"):
        load_bundle(tmp_path / ".." / tmp_path.name)


def test_corrections_train_tone_with_weight(tiny_bundle: ModelBundle) -> None:
    texts, labels = _corpus()
    correction = Correction(
        "rapat digelar hari senin", "negative", "analis", datetime(2025, 1, 1, tzinfo=UTC)
    )
    sentiment = tiny_bundle.sentiment
    assert isinstance(sentiment, LinearTextClassifier)
    corrected = ToneClassifier(sentiment).fit(
        [*texts, correction.text], [*labels, correction.label], [1.0] * len(texts) + [20.0]
    )
    before = tiny_bundle.tone.predict_proba([correction.text])[0]["negative"]
    assert corrected.predict_proba([correction.text])[0]["negative"] > before


def test_regression_check_flags_worse_sets() -> None:
    rows = compare_metrics({"a": 0.80, "b": 0.70}, {"a": 0.75, "b": 0.705})
    assert [(name, regressed) for name, _, _, regressed in rows] == [("a", True), ("b", False)]
    assert issubclass(ModelRegressionError, ModelError)


def test_transformer_backend_without_dependencies_says_what_to_install() -> None:
    if importlib.util.find_spec("transformers") is not None:
        pytest.skip("transformers is installed; the missing-dependency message cannot be shown")
    with pytest.raises(ModelError, match="pip install torch transformers"):
        TransformerBackend("/models/indobert").predict_proba(["teks"])


@pytest.mark.skipif(
    importlib.util.find_spec("transformers") is None or importlib.util.find_spec("torch") is None,
    reason="torch/transformers not installed (optional backend); install them to test the loading path",
)
def test_transformer_backend_loads_a_tiny_local_model(tmp_path: Path) -> None:  # pragma: no cover
    import transformers

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "bagus", "buruk", "rapat"]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
    tokenizer = transformers.BertTokenizer(str(tmp_path / "vocab.txt"))
    config = transformers.BertConfig(  # type: ignore[call-arg,unused-ignore]
        vocab_size=len(vocab), hidden_size=8, num_hidden_layers=1, num_attention_heads=1,
        intermediate_size=8, num_labels=3, id2label={0: "negative", 1: "neutral", 2: "positive"},
        label2id={"negative": 0, "neutral": 1, "positive": 2},
    )  # fmt: skip
    transformers.BertForSequenceClassification(config).save_pretrained(tmp_path)
    tokenizer.save_pretrained(tmp_path)
    backend = TransformerBackend(str(tmp_path))
    scores = backend.predict_proba(["bagus", "rapat buruk"])
    assert all(abs(sum(s.values()) - 1) < 1e-5 for s in scores)
    assert backend.explain("bagus. buruk.")


def test_batched_reasons_match_single_text_explanations(tiny_bundle: ModelBundle) -> None:
    tone = tiny_bundle.tone
    assert isinstance(tone, ToneClassifier)
    texts = [
        "jalan rusak parah, warga kecewa",
        "program berhasil, warga puas",
        "rapat digelar hari senin",
        "",
    ]
    results = analyze_many([("", t) for t in texts], bundle=tiny_bundle)
    for text, result in zip(texts, results, strict=True):
        assert result.tone.reason == (tone.explain(text, 5, result.tone.label) if text else [])
    without = analyze_many([("", t) for t in texts], bundle=tiny_bundle, explain=False)
    assert [r.tone.scores for r in without] == [r.tone.scores for r in results]
    assert all(r.tone.reason == [] for r in without)


def test_reasons_skip_punctuation_and_day_names(tiny_bundle: ModelBundle) -> None:
    from gaung.analyze.tone import _is_good_reason, _readable

    assert _readable(", senin") == "senin" and not _is_good_reason("senin")
    assert _readable("kecewa .") == "kecewa" and _is_good_reason("kecewa")
    assert _readable("tidak neg_bagus") == "tidak bagus"
    assert _readable("neg_terlalu neg_buruk") == "(tidak) terlalu buruk"
    reasons = analyze_many([("", "rapat digelar hari senin, warga kecewa")], bundle=tiny_bundle)[
        0
    ].tone.reason
    assert all("," not in r and r.split() != ["senin"] for r in reasons)


def test_fast_vectorizers_equal_sklearn(tiny_bundle: ModelBundle) -> None:
    from gaung.analyze.tone import _Batch, _char_tfidf, _word_tfidf

    sentiment = tiny_bundle.sentiment
    assert isinstance(sentiment, LinearTextClassifier)
    batch = _Batch(["Pelayanan BURUK, warga <b>kecewa</b> 😡", "bantuan tepat sasaran", "", "x" * 30])
    for _ in range(2):  # second pass reads the per-word n-gram cache
        chars = _char_tfidf(sentiment.chars, batch) - sentiment.chars.transform(batch.lowered)
        words = _word_tfidf(sentiment.words, batch) - sentiment.words.transform(batch.normalized)
        assert abs(chars).max() < 1e-12 and abs(words).max() < 1e-12
