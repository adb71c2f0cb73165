"""Initial schema: sources, raw blobs, mentions, syndication groups, entities, crawl queue, full text.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from alembic import op

from gaung.store.fulltext import install_fulltext
from gaung.store.schema import metadata

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    metadata.create_all(bind)
    install_fulltext(bind)


def downgrade() -> None:
    metadata.drop_all(op.get_bind())
