"""In CI every optional component the product supports must really be exercised, not skipped."""

from __future__ import annotations

import importlib.util
import os

import pytest

pytestmark = pytest.mark.skipif(os.environ.get("CI", "").lower() != "true", reason="only checked in CI")


def test_transformer_backend_dependencies_are_installed_in_ci() -> None:
    # .ci/run installs torch and transformers so the local-transformer loading path is tested for real
    assert importlib.util.find_spec("torch") is not None
    assert importlib.util.find_spec("transformers") is not None
