"""Delivery of alerts and briefs: recipients and the delivery log (gaung.deliver).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28

(Tables are added by the delivery work; this revision keeps the chain 0007 → 0008 → 0009 fixed so the
kinerja, delivery and brief work can land in any order.)
"""

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
