"""The one error type of the kinerja package: the CLI prints it, the web app shows it as a 400."""

from __future__ import annotations

from gaung.errors import GaungError


class KinerjaError(GaungError):
    """A staff, assignment or scorecard operation was refused; the message says what and where."""


class NotFoundError(KinerjaError):
    """Something named does not exist: a staff member, an assignment, an issue, a story (API: 404)."""


class ConflictError(KinerjaError):
    """Well-formed, but the current state refuses it: a workflow step, a duplicate, a leaver (API: 409)."""


class ForbiddenError(KinerjaError):
    """The user may not do this to this record: not theirs, not their team's (pages and API: 403)."""
