"""The brief's error type: the CLI prints it, the web app shows it as a 400 (or 409) with the message."""

from __future__ import annotations

from gaung.errors import GaungError


class BriefError(GaungError):
    """A brief could not be made as asked (a day outside the archive's range, no PDF engine, a bad file)."""
