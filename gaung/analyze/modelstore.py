"""Where trained models live, how they are versioned, and how a new user gets them.

Layout of the models directory (`$GAUNG_MODELS`, else `$GAUNG_HOME/models`, GAUNG_HOME default ./var):

    gaung-models-<version>.joblib   one file per build: sentiment + tone + metrics + version
    CURRENT                         the file name of the bundle in use (replaced atomically)

`<version>` is `<CODE_VERSION>-<data hash>`: the same code on the same data (and corrections) gives the
same version, and the pipeline stores it per mention as analysis_version so `gaung reprocess` knows
what to redo. Files are written to a temporary name and renamed, so a crash never leaves a half model
that the next run would load.

Bundles are joblib pickles: only load files from a directory you control (pickles can run code).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib

from gaung.analyze.tone import Classifier
from gaung.errors import GaungError

__all__ = [
    "CODE_VERSION",
    "ModelBundle",
    "ModelError",
    "current_bundle_path",
    "ensure_models",
    "load_bundle",
    "models_dir",
    "save_bundle",
]

# Bump when features, hyperparameters or training recipe change: it invalidates stored analyses.
CODE_VERSION = "tone2"
CURRENT_POINTER = "CURRENT"
_cache: dict[Path, ModelBundle] = {}


class ModelError(GaungError):
    """A model cannot be loaded, built or used (missing optional dependency, unreadable file, ...)."""


@dataclass
class ModelBundle:
    """Everything one build produced; `version` is what the pipeline records per mention."""

    version: str
    sentiment: Classifier
    tone: Classifier
    metrics: dict[str, float] = field(default_factory=dict)
    data_hash: str = ""
    built_at: str = ""
    info: dict[str, Any] = field(default_factory=dict)  # split sizes, leakage counts, timings


def models_dir() -> Path:
    """The models directory from the environment (not created here)."""
    explicit = os.environ.get("GAUNG_MODELS")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("GAUNG_HOME", "var")) / "models"


def bundle_filename(version: str) -> str:
    """Versioned file name of a bundle."""
    return f"gaung-models-{version}.joblib"


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def save_bundle(bundle: ModelBundle, directory: Path | None = None, *, make_current: bool = True) -> Path:
    """Write the bundle under its versioned name and (by default) point CURRENT at it."""
    directory = directory or models_dir()
    path = directory / bundle_filename(bundle.version)

    def write_bundle(tmp: Path) -> None:
        joblib.dump(bundle, tmp, compress=3)

    _atomic_write(path, write_bundle)
    if make_current:

        def write_pointer(tmp: Path) -> None:
            tmp.write_text(path.name + "\n", encoding="utf-8")

        _atomic_write(directory / CURRENT_POINTER, write_pointer)
    _cache.pop(directory.resolve(), None)
    return path


def current_bundle_path(directory: Path | None = None) -> Path | None:
    """The bundle CURRENT points at, or None when nothing has been built yet."""
    directory = directory or models_dir()
    pointer = directory / CURRENT_POINTER
    if not pointer.is_file():
        return None
    name = pointer.read_text(encoding="utf-8").strip()
    path = directory / name
    if not name or not path.is_file():
        raise ModelError(f"{pointer} names {name!r}, which does not exist; run `gaung models build`.")
    return path


def load_bundle(directory: Path | None = None) -> ModelBundle | None:
    """Load the current bundle (cached per directory), or None when there is none."""
    directory = directory or models_dir()
    key = directory.resolve()
    if key in _cache:
        return _cache[key]
    path = current_bundle_path(directory)
    if path is None:
        return None
    try:
        bundle = joblib.load(path)
    except Exception as exc:  # a corrupt or incompatible pickle can raise almost anything
        raise ModelError(f"Cannot load {path}: {exc}. Rebuild it with `gaung models build`.") from exc
    if not isinstance(bundle, ModelBundle):
        raise ModelError(f"{path} is not a Gaung model bundle; rebuild it with `gaung models build`.")
    _cache[key] = bundle
    return bundle


def ensure_models(progress: bool = True, directory: Path | None = None) -> ModelBundle:
    """The current models, building the default ones on first use so nobody meets a missing model."""
    bundle = load_bundle(directory)
    if bundle is not None:
        return bundle
    from gaung.analyze.training import build_models  # training pulls in datasets: import only when needed

    report = build_models(progress=progress)
    save_bundle(report.bundle, directory)
    return report.bundle
