"""Daily briefs: generated reports kept for the Laporan page (gaung.brief).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28

One row per office-calendar day and language (regenerating replaces it); `queued_at` records when the
scheduled brief was handed to delivery, so the monitor makes and sends each day's brief once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "briefs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("lang", sa.String(length=5), nullable=False),
        sa.Column("generated_at", sa.DateTime(), nullable=False),
        sa.Column("trigger", sa.String(length=10), nullable=False),
        sa.Column("generated_by", sa.String(length=100), nullable=True),
        sa.Column("html", sa.Text(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("day", "lang", name="uq_briefs_day_lang"),
    )


def downgrade() -> None:
    op.drop_table("briefs")
