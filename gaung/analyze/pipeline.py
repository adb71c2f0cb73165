"""The analysis stages run on every mention before and after it is stored.

Stages, in order: language (extraction sets it; this fills gaps). The language layer (tone, entities,
quotes, issues) registers its stages here, each recording the model version it used.
"""

from __future__ import annotations

from typing import Any

from gaung.config import Settings


def stages_for(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `Pipeline(...)`: the pre- and post-storage stages for these settings."""
    del settings
    return {"pre_stages": [], "post_stages": []}
