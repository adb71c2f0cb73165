"""Own content: channels, follower history, posts and metric snapshots (gaung.content).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28

Posts are unique per (platform, external id), so re-importing an export never duplicates a post; each
import adds metric snapshots only when the values or the capture time differ.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("account_key", sa.String(length=200), nullable=False),
        sa.Column("account_id", sa.String(length=100), nullable=True),
        sa.Column("handle", sa.String(length=200), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("is_reference", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "account_key", name="uq_channels_platform_key"),
    )
    op.create_table(
        "channel_followers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("followers", sa.Integer(), nullable=True),
        sa.Column("followers_change", sa.Integer(), nullable=True),
        sa.Column("daily", sa.JSON(), nullable=True),
        sa.Column("captured_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel_id", "day", name="uq_channel_followers_day"),
    )
    op.create_table(
        "posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("permalink", sa.Text(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("format", sa.String(length=10), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("caption", sa.Text(), nullable=True),
        sa.Column("duration_seconds", sa.Float(), nullable=True),
        sa.Column("topic_tags", sa.JSON(), nullable=True),
        sa.Column("program", sa.String(length=200), nullable=True),
        sa.Column("credited_staff", sa.String(length=200), nullable=True),
        sa.Column("first_imported_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("platform", "external_id", name="uq_posts_platform_external_id"),
    )
    op.create_index("ix_posts_channel_published", "posts", ["channel_id", "published_at"], unique=False)
    op.create_index("ix_posts_published_at", "posts", ["published_at"], unique=False)
    op.create_table(
        "metric_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("captured_at", sa.DateTime(), nullable=False),
        sa.Column("source_format", sa.String(length=30), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=True),
        sa.Column("reach", sa.BigInteger(), nullable=True),
        sa.Column("impressions", sa.BigInteger(), nullable=True),
        sa.Column("likes", sa.BigInteger(), nullable=True),
        sa.Column("comments", sa.BigInteger(), nullable=True),
        sa.Column("shares", sa.BigInteger(), nullable=True),
        sa.Column("saves", sa.BigInteger(), nullable=True),
        sa.Column("clicks", sa.BigInteger(), nullable=True),
        sa.Column("follows", sa.BigInteger(), nullable=True),
        sa.Column("profile_visits", sa.BigInteger(), nullable=True),
        sa.Column("watch_time_seconds", sa.Float(), nullable=True),
        sa.Column("avg_view_duration", sa.Float(), nullable=True),
        sa.Column("completion_rate", sa.Float(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_metric_snapshots_post_captured", "metric_snapshots", ["post_id", "captured_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_metric_snapshots_post_captured", table_name="metric_snapshots")
    op.drop_table("metric_snapshots")
    op.drop_index("ix_posts_published_at", table_name="posts")
    op.drop_index("ix_posts_channel_published", table_name="posts")
    op.drop_table("posts")
    op.drop_table("channel_followers")
    op.drop_table("channels")
