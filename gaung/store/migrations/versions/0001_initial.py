"""Initial schema: sources, raw blobs, mentions, syndication groups, entities, crawl queue, full text.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from gaung.store.fulltext import install_fulltext

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ingest_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("fetched", sa.Integer(), nullable=False),
        sa.Column("new", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "raw_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("final_url", sa.Text(), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=True),
        sa.Column("encoding", sa.String(length=40), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("site", sa.String(length=200), nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("allow_private", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("poll_interval", sa.Float(), nullable=True),
        sa.Column("next_poll_at", sa.DateTime(), nullable=True),
        sa.Column("etag", sa.Text(), nullable=True),
        sa.Column("last_modified", sa.Text(), nullable=True),
        sa.Column("last_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(), nullable=True),
        sa.Column("last_new_item_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("items_total", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "syndication_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("first_mention_id", sa.Integer(), nullable=True),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("outlets", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "crawl_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("discovered_at", sa.DateTime(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url", name="uq_crawl_queue_url"),
    )
    op.create_index("ix_crawl_queue_state", "crawl_queue", ["state"], unique=False)
    op.create_table(
        "mentions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("canonical_url", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("site", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=10), nullable=True),
        sa.Column("platform", sa.String(length=30), nullable=False),
        sa.Column("engagement", sa.JSON(), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("raw_sha256", sa.String(length=64), nullable=True),
        sa.Column("fetched_at", sa.DateTime(), nullable=True),
        sa.Column("ingested_at", sa.DateTime(), nullable=False),
        sa.Column("extractor_version", sa.String(length=40), nullable=True),
        sa.Column("syndication_group_id", sa.Integer(), nullable=True),
        sa.Column("is_canonical", sa.Boolean(), nullable=False),
        sa.Column("minhash", sa.LargeBinary(), nullable=True),
        sa.Column("tone", sa.String(length=10), nullable=True),
        sa.Column("tone_scores", sa.JSON(), nullable=True),
        sa.Column("tone_reason", sa.JSON(), nullable=True),
        sa.Column("sentiment", sa.String(length=10), nullable=True),
        sa.Column("sentiment_scores", sa.JSON(), nullable=True),
        sa.Column("analysis_version", sa.String(length=60), nullable=True),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["source_id"], ["sources.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["syndication_group_id"],
            ["syndication_groups.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("canonical_url", name="uq_mentions_canonical_url"),
    )
    op.create_index("ix_mentions_content_hash", "mentions", ["content_hash"], unique=False)
    op.create_index("ix_mentions_group", "mentions", ["syndication_group_id"], unique=False)
    op.create_index("ix_mentions_published_at", "mentions", ["published_at"], unique=False)
    op.create_index("ix_mentions_site", "mentions", ["site"], unique=False)
    op.create_index("ix_mentions_source_id", "mentions", ["source_id"], unique=False)
    op.create_index("ix_mentions_tone", "mentions", ["tone"], unique=False)
    op.create_table(
        "mention_entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mention_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("start", sa.Integer(), nullable=True),
        sa.Column("end", sa.Integer(), nullable=True),
        sa.Column("watch_id", sa.String(length=100), nullable=True),
        sa.Column("normalized", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["mention_id"], ["mentions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mention_entities_mention", "mention_entities", ["mention_id"], unique=False)
    op.create_index("ix_mention_entities_normalized", "mention_entities", ["normalized"], unique=False)
    op.create_index("ix_mention_entities_watch", "mention_entities", ["watch_id"], unique=False)
    install_fulltext(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_mention_entities_watch", table_name="mention_entities")
    op.drop_index("ix_mention_entities_normalized", table_name="mention_entities")
    op.drop_index("ix_mention_entities_mention", table_name="mention_entities")
    op.drop_table("mention_entities")
    op.drop_index("ix_mentions_tone", table_name="mentions")
    op.drop_index("ix_mentions_source_id", table_name="mentions")
    op.drop_index("ix_mentions_site", table_name="mentions")
    op.drop_index("ix_mentions_published_at", table_name="mentions")
    op.drop_index("ix_mentions_group", table_name="mentions")
    op.drop_index("ix_mentions_content_hash", table_name="mentions")
    op.drop_table("mentions")
    op.drop_index("ix_crawl_queue_state", table_name="crawl_queue")
    op.drop_table("crawl_queue")
    op.drop_table("syndication_groups")
    op.drop_table("sources")
    op.drop_table("raw_blobs")
    op.drop_table("ingest_runs")
