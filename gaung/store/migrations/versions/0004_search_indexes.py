"""Search indexes: filters that stop early, and a narrow per-id index for full-text joins.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

Measured on the 1,000,000-article benchmark archive (docs/benchmarks.md). Every `mentions` row carries
its article text before the filter columns, so reading `tone`/`site`/`published_at` from the table often
means walking the text's overflow pages; these indexes let search answer filters without the table.

- ix_mentions_search (id, published_at, tone, site, source_id, language, platform): a full-text query
  with filters walks its matches newest first and checks each one's filters here, index-only, instead of
  reading the wide row (measured: a filtered match costs ~5 µs through the table, ~1 µs here).
  ~60 bytes an entry, appended in id order, so cheap to maintain on insert.
- ix_mentions_tone_published (tone, published_at) replaces ix_mentions_tone (tone): `tone:` alone gives
  a newest-first page without a sort, and `tone:` with `from:`/`to:` becomes one range.
- ix_mentions_site_tone_published (site, tone, published_at) replaces ix_mentions_site (site):
  `source:` resolves to a few site names, so `source:x tone:y` is a few exact ranges and its capped count
  is index-only; the distinct-site lookup behind `source:` still uses its leading column.

Replacing the two single-column indexes keeps the number of indexes a write maintains at +1.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_mentions_search",
        "mentions",
        ["id", "published_at", "tone", "site", "source_id", "language", "platform"],
        unique=False,
    )
    op.drop_index("ix_mentions_tone", table_name="mentions")
    op.create_index("ix_mentions_tone_published", "mentions", ["tone", "published_at"], unique=False)
    op.drop_index("ix_mentions_site", table_name="mentions")
    op.create_index(
        "ix_mentions_site_tone_published", "mentions", ["site", "tone", "published_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_mentions_site_tone_published", table_name="mentions")
    op.create_index("ix_mentions_site", "mentions", ["site"], unique=False)
    op.drop_index("ix_mentions_tone_published", table_name="mentions")
    op.create_index("ix_mentions_tone", "mentions", ["tone"], unique=False)
    op.drop_index("ix_mentions_search", table_name="mentions")
