"""Daily briefs: generated reports kept for the Laporan page (gaung.brief).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28

(Tables are added by the brief work; this revision keeps the chain 0007 → 0008 → 0009 fixed so the
kinerja, delivery and brief work can land in any order.)
"""

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
