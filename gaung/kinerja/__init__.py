"""Results, not attendance: the office's staff, their assignments and what came out of them.

    staff.py        the staff registry: who reports to whom, who left, who may see whose work
    assignments.py  Penugasan: work created from an issue, a good story, a programme or by hand;
                    its workflow, comments and outputs, and time to respond
    board.py        reading assignments back: board, filtered list, one with its history
    access.py       who may change an assignment and who may publish it (pages and API alike)
    permalinks.py   matching outputs to imported posts by normalised permalink
    work_cli.py     `gaung staff …` and `gaung assignments …`
    demo_data.py    the demo organisation's team, assignments, credits, targets and reviews

Scorecards (SKP) are computed from these tables by the scorecard modules of this package.
"""

from __future__ import annotations

from gaung.kinerja.access import can_edit, may_move
from gaung.kinerja.assignments import (
    KINDS,
    OUTPUT_KINDS,
    RESPONSE_KINDS,
    ROLES,
    STATUSES,
    add_comment,
    add_member,
    add_output,
    create_assignment,
    create_from_issue,
    create_from_program,
    create_from_story,
    is_overdue,
    move_assignment,
    time_to_respond,
)
from gaung.kinerja.board import board, get_assignment, list_assignments
from gaung.kinerja.errors import ConflictError, ForbiddenError, KinerjaError, NotFoundError
from gaung.kinerja.permalinks import normalize_permalink, relink_outputs
from gaung.kinerja.staff import (
    add_staff,
    can_see,
    find_staff,
    get_staff,
    is_active,
    list_staff,
    mark_left,
    set_supervisor,
    staff_for_user,
    team_of,
    update_staff,
    visible_staff_ids,
)

__all__ = [
    "KINDS",
    "OUTPUT_KINDS",
    "RESPONSE_KINDS",
    "ROLES",
    "STATUSES",
    "ConflictError",
    "ForbiddenError",
    "KinerjaError",
    "NotFoundError",
    "add_comment",
    "add_member",
    "add_output",
    "add_staff",
    "board",
    "can_edit",
    "can_see",
    "create_assignment",
    "create_from_issue",
    "create_from_program",
    "create_from_story",
    "find_staff",
    "get_assignment",
    "get_staff",
    "is_active",
    "is_overdue",
    "list_assignments",
    "list_staff",
    "mark_left",
    "may_move",
    "move_assignment",
    "normalize_permalink",
    "relink_outputs",
    "set_supervisor",
    "staff_for_user",
    "team_of",
    "time_to_respond",
    "update_staff",
    "visible_staff_ids",
]
