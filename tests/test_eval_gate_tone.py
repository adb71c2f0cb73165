"""Evaluation gate for sentiment and tone: a regression below these floors fails CI.

Floors sit a little under the values measured by `gaung models build` (seed 13, 2025 data) so
run-to-run noise does not flake, while a real regression (a lost feature, a leak fixed badly) fails.
"""

from __future__ import annotations

import pytest

from gaung.analyze.training import BuildReport, build_models, measure_throughput

# Measured 0.8725 (target 0.87).
SMSA_VALID_MACRO_F1_FLOOR = 0.865
# Measured 0.8094 on the seeded 20 % held-out split (target 0.80).
CNBC_HELDOUT_MACRO_F1_FLOOR = 0.80
# Measured 0.6665 in stratified 5-fold CV on 177 articles (target 0.70: NOT met, see docs/models.md).
GOV_TONE_CV_MACRO_F1_FLOOR = 0.64
# Measured ~420 articles/s (sentiment + tone, no explanations) on a shared, loaded core; the floor only
# catches order-of-magnitude regressions because CI machines vary.
THROUGHPUT_FLOOR = 100.0


@pytest.fixture(scope="session")
def built() -> BuildReport:
    return build_models(progress=False)


@pytest.mark.slow
def test_sentiment_floors(built: BuildReport) -> None:
    assert built.metrics["sentiment/smsa_valid"] >= SMSA_VALID_MACRO_F1_FLOOR
    assert built.metrics["sentiment/cnbc_heldout"] >= CNBC_HELDOUT_MACRO_F1_FLOOR


@pytest.mark.slow
def test_tone_floor(built: BuildReport) -> None:
    assert built.metrics["tone/gov_tone_cv"] >= GOV_TONE_CV_MACRO_F1_FLOOR


@pytest.mark.slow
def test_no_validation_text_in_training(built: BuildReport) -> None:
    sizes = built.info["train_sizes"]
    assert built.info["dropped_as_duplicates_of_validation"].get("nusax-train", 0) >= 1
    assert sum(sizes.values()) > 20_000


@pytest.mark.slow
def test_throughput_floor(built: BuildReport) -> None:
    assert measure_throughput(built.bundle, 200)["articles_per_second"] >= THROUGHPUT_FLOOR
