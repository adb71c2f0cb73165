"""Report index: the dashboard window and newest-first mention lists without reading the wide rows.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28

Measured on the 1,000,000-article benchmark archive (docs/benchmarks.md, Pages). Each `mentions` row
carries its article text in front of `is_canonical`, `tone`, `site`, `language` and `issue_id`, so every
row the Ringkasan aggregates or the Pemberitaan count and facet sample touched cost a table-page read
(~82,000 rows for a 30-day window, 10,001 for a capped count, 20,000 for a facet sample).

- ix_mentions_published_cover (published_at, id, is_canonical, tone, site, language, issue_id) replaces
  ix_mentions_published_at (published_at): the leading column serves every query the old index served;
  `id` second gives the keyset order (published_at DESC, id DESC) straight from the index; the rest
  makes the 30-day aggregates, the capped count and the facet sample index-only.

Replacing the single-column index keeps the number of indexes a write maintains unchanged.
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = ["published_at", "id", "is_canonical", "tone", "site", "language", "issue_id"]


def upgrade() -> None:
    op.create_index("ix_mentions_published_cover", "mentions", COLUMNS, unique=False)
    op.drop_index("ix_mentions_published_at", table_name="mentions")


def downgrade() -> None:
    op.create_index("ix_mentions_published_at", "mentions", ["published_at"], unique=False)
    op.drop_index("ix_mentions_published_cover", table_name="mentions")
