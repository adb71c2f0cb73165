"""Results, not attendance: staff, assignments with members, events, comments and outputs, SKP targets
and supervisor reviews (gaung.kinerja).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28

Assignments keep `issue_id`/`mention_id` without foreign keys: issues are merged and re-clustered, and an
assignment (and the time-to-respond it proves) must outlive the issue it answered.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("supervisor_id", sa.Integer(), nullable=True),
        sa.Column("team", sa.String(length=200), nullable=True),
        sa.Column("position", sa.String(length=200), nullable=True),
        sa.Column("nip", sa.String(length=40), nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=True),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["supervisor_id"], ["staff.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
        sa.UniqueConstraint("user_id"),
    )
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column("mention_id", sa.Integer(), nullable=True),
        sa.Column("program", sa.String(length=200), nullable=True),
        sa.Column("origin_first_seen_at", sa.DateTime(), nullable=True),
        sa.Column("brief", sa.Text(), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assignments_status", "assignments", ["status"])
    op.create_index("ix_assignments_issue", "assignments", ["issue_id"])
    op.create_table(
        "assignment_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assignment_id", "staff_id", "role", name="uq_assignment_members"),
    )
    op.create_index("ix_assignment_members_staff", "assignment_members", ["staff_id"])
    op.create_table(
        "assignment_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assignment_events_assignment", "assignment_events", ["assignment_id", "at"])
    op.create_table(
        "assignment_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assignment_comments_assignment", "assignment_comments", ["assignment_id"])
    op.create_table(
        "assignment_outputs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("added_by", sa.String(length=100), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignments.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assignment_id", "url", name="uq_assignment_outputs_url"),
    )
    op.create_index("ix_assignment_outputs_post", "assignment_outputs", ["post_id"])
    op.create_table(
        "skp_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("rhk", sa.Text(), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("set_by", sa.String(length=100), nullable=True),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "period", "indicator", name="uq_skp_targets"),
    )
    op.create_table(
        "skp_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("rating_perilaku", sa.String(length=10), nullable=True),
        sa.Column("perilaku_notes", sa.JSON(), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("reviewer_staff_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=100), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"]),
        sa.ForeignKeyConstraint(["reviewer_staff_id"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "period", name="uq_skp_reviews"),
    )


def downgrade() -> None:
    for index, table in (
        ("ix_assignment_outputs_post", "assignment_outputs"),
        ("ix_assignment_comments_assignment", "assignment_comments"),
        ("ix_assignment_events_assignment", "assignment_events"),
        ("ix_assignment_members_staff", "assignment_members"),
        ("ix_assignments_issue", "assignments"),
        ("ix_assignments_status", "assignments"),
    ):
        op.drop_index(index, table_name=table)
    for table in (
        "skp_reviews",
        "skp_targets",
        "assignment_outputs",
        "assignment_comments",
        "assignment_events",
        "assignment_members",
        "assignments",
        "staff",
    ):
        op.drop_table(table)
