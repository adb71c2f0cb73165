"""The database tables (SQLAlchemy Core), shared by SQLite and PostgreSQL.

Full-text search lives outside these tables: an FTS5 virtual table `mentions_fts` (SQLite) or a generated
`search_vector` tsvector column with a GIN index (PostgreSQL); see `gaung.store.fulltext`.
All datetimes are stored as naive UTC (both dialects agree on that); the store converts at its edges.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(20), nullable=False),  # feed | sitemap | page | html | archive
    Column("url", Text, nullable=False),  # URL, or a local path for html/archive
    Column("site", String(200)),
    Column("enabled", Boolean, nullable=False, default=True),
    Column("allow_private", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
    # polling state
    Column("poll_interval", Float),  # seconds; adapted to how often the source has new items
    Column("next_poll_at", DateTime),
    Column("etag", Text),
    Column("last_modified", Text),
    # health
    Column("last_attempt_at", DateTime),
    Column("last_success_at", DateTime),
    Column("last_new_item_at", DateTime),
    Column("last_error", Text),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("items_total", Integer, nullable=False, default=0),
)

raw_blobs = Table(
    "raw_blobs",
    metadata,
    # content-addressed: sha256 of the uncompressed bytes; stored once however often it is fetched
    Column("sha256", String(64), primary_key=True),
    Column("data", LargeBinary, nullable=False),  # zlib-compressed
    Column("size", Integer, nullable=False),
    Column("url", Text),
    Column("final_url", Text),
    Column("status", Integer),
    Column("headers", JSON),
    Column("encoding", String(40)),
    Column("fetched_at", DateTime, nullable=False),
)

syndication_groups = Table(
    "syndication_groups",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("first_mention_id", Integer),  # the earliest copy: the story as counted in volumes
    Column("first_seen_at", DateTime, nullable=False),
    Column("size", Integer, nullable=False, default=1),
    Column("outlets", Integer, nullable=False, default=1),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("canonical_url", Text, nullable=False),  # unique key: URL without tracking noise, or urn:sha256
    Column("url", Text),
    Column("content_hash", String(64), nullable=False),  # sha256 of normalised text: exact duplicates
    Column("title", Text),
    Column("text", Text, nullable=False),
    Column("published_at", DateTime),
    Column("author", Text),
    Column("site", String(200)),
    Column("language", String(10)),
    Column("platform", String(30), nullable=False, default="news"),
    Column("engagement", JSON),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="SET NULL")),
    Column("raw_sha256", String(64)),
    Column("fetched_at", DateTime),
    Column("ingested_at", DateTime, nullable=False),
    Column("extractor_version", String(40)),
    # syndication: every copy belongs to a group; is_canonical marks the copy counted in volumes
    Column("syndication_group_id", Integer, ForeignKey("syndication_groups.id")),
    Column("is_canonical", Boolean, nullable=False, default=True),
    Column("minhash", LargeBinary),  # packed MinHash signature, so the LSH index can be rebuilt
    # analysis (filled by the language layer; each field records the model that produced it)
    Column("tone", String(10)),
    Column("tone_scores", JSON),
    Column("tone_reason", JSON),
    Column("sentiment", String(10)),
    Column("sentiment_scores", JSON),
    Column("analysis_version", String(60)),
    Column("issue_id", Integer),
    UniqueConstraint("canonical_url", name="uq_mentions_canonical_url"),
)
# Dashboard window and newest-first lists, index-only (migration 0006 replaced ix_mentions_published_at).
Index(
    "ix_mentions_published_cover",
    mentions.c.published_at,
    mentions.c.id,
    mentions.c.is_canonical,
    mentions.c.tone,
    mentions.c.site,
    mentions.c.language,
    mentions.c.issue_id,
)
Index("ix_mentions_content_hash", mentions.c.content_hash)
Index("ix_mentions_source_id", mentions.c.source_id)
Index("ix_mentions_group", mentions.c.syndication_group_id)
# Search (migration 0004; why each one, with measurements, in its docstring): a narrow per-id copy of
# the filter columns for full-text joins, and filter indexes that give newest-first pages and capped
# counts without reading the wide rows.
Index(
    "ix_mentions_search",
    mentions.c.id,
    mentions.c.published_at,
    mentions.c.tone,
    mentions.c.site,
    mentions.c.source_id,
    mentions.c.language,
    mentions.c.platform,
)
Index("ix_mentions_tone_published", mentions.c.tone, mentions.c.published_at)
Index("ix_mentions_site_tone_published", mentions.c.site, mentions.c.tone, mentions.c.published_at)

mention_entities = Table(
    "mention_entities",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mention_id", Integer, ForeignKey("mentions.id", ondelete="CASCADE"), nullable=False),
    Column("text", Text, nullable=False),
    Column("type", String(20), nullable=False),
    Column("start", Integer),
    Column("end", Integer),
    Column("watch_id", String(100)),
    Column("normalized", Text),  # lower-cased form used by `entity:` filters
)
Index("ix_mention_entities_mention", mention_entities.c.mention_id)
Index("ix_mention_entities_normalized", mention_entities.c.normalized)
Index("ix_mention_entities_watch", mention_entities.c.watch_id)

# Items a crawl has discovered but not yet stored: the monitor's durable to-do list. A crash between
# discovery and storage leaves the row here; a restart picks it up again (nothing lost, nothing doubled).
crawl_queue = Table(
    "crawl_queue",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id", ondelete="CASCADE")),
    Column("url", Text, nullable=False),
    Column("title", Text),
    Column("published_at", DateTime),
    Column("discovered_at", DateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
    Column("state", String(10), nullable=False, default="pending"),  # pending | done | failed
    UniqueConstraint("url", name="uq_crawl_queue_url"),
)
Index("ix_crawl_queue_state", crawl_queue.c.state)

# One row per item problem in a run, so "what failed and why" survives the terminal.
ingest_runs = Table(
    "ingest_runs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("kind", String(30), nullable=False),
    Column("fetched", Integer, nullable=False, default=0),
    Column("new", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("problems", JSON),
)

# -- the language layer (migration 0002) ----------------------------------------------------------

mention_quotes = Table(
    "mention_quotes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mention_id", Integer, ForeignKey("mentions.id", ondelete="CASCADE"), nullable=False),
    Column("speaker", Text),
    Column("speaker_watch_id", String(100)),
    Column("text", Text, nullable=False),
    Column("verb", String(40)),
    Column("start", Integer),
    Column("end", Integer),
)
Index("ix_mention_quotes_mention", mention_quotes.c.mention_id)
Index("ix_mention_quotes_speaker", mention_quotes.c.speaker)

# Analysts' corrections, with who and when: shown instead of the model's output, kept across
# `gaung reprocess`, and fed to the next `gaung models build`.
corrections = Table(
    "corrections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mention_id", Integer, ForeignKey("mentions.id", ondelete="CASCADE"), nullable=False),
    Column("field", String(20), nullable=False),  # tone | sentiment | entity | issue
    Column("old_value", JSON),
    Column("new_value", JSON, nullable=False),
    Column("user", String(100), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("note", Text),
)
Index("ix_corrections_mention", corrections.c.mention_id)
Index("ix_corrections_field", corrections.c.field)

issues = Table(
    "issues",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(40), nullable=False, unique=True),  # the clusterer's own issue id
    Column("label", Text, nullable=False),
    Column("key_phrases", JSON),
    Column("representative_mention_id", Integer),
    Column("first_seen_at", DateTime),
    Column("last_seen_at", DateTime),
    Column("size", Integer, nullable=False, default=0),
    Column("outlets", Integer, nullable=False, default=0),
    Column("merged_into", Integer),  # set when an analyst merges this issue into another
    Column("renamed", Boolean, nullable=False, default=False),  # label set by an analyst: keep it
)
Index("ix_issues_last_seen", issues.c.last_seen_at)

# Serialised state of incremental analysers (the issue clusterer), so a restart resumes them.
analysis_state = Table(
    "analysis_state",
    metadata,
    Column("name", String(60), primary_key=True),
    Column("data", LargeBinary, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule", String(200), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("target", Text),
    Column("fired_at", DateTime, nullable=False),
    Column("window_start", DateTime, nullable=False),
    Column("window_end", DateTime, nullable=False),
    Column("observed", Float),
    Column("expected", Float),
    Column("p_value", Float),
    Column("reason_id", Text, nullable=False),
    Column("reason_en", Text, nullable=False),
    Column("details", JSON),
    Column("status", String(20), nullable=False, default="open"),  # open | acknowledged
    Column("acknowledged_by", String(100)),
    Column("acknowledged_at", DateTime),
    UniqueConstraint("rule", "window_end", name="uq_alerts_rule_window"),
)
Index("ix_alerts_status", alerts.c.status)

# -- users and security (migration 0003) ----------------------------------------------------------

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),  # stored lower-case: logins ignore case
    Column("password_hash", Text, nullable=False),  # argon2id, parameters inside the hash string
    Column("role", String(10), nullable=False),  # viewer | staff | analyst | admin
    Column("disabled", Boolean, nullable=False, default=False),  # users are disabled, never deleted
    Column("created_at", DateTime, nullable=False),
    Column("last_login_at", DateTime),
)

# Server-side sessions: the cookie holds a random id, the table holds only its sha256, so a copy of
# the database does not hand out live sessions.
sessions = Table(
    "sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False),  # absolute expiry; idle expiry counts from last_seen_at
    Column("ip", String(64)),
    Column("user_agent", String(300)),
)
Index("ix_sessions_user", sessions.c.user_id)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("label", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256: the token is shown once
    Column("prefix", String(16), nullable=False),  # first characters, so people can tell tokens apart
    Column("created_at", DateTime, nullable=False),
    Column("last_used_at", DateTime),
    Column("revoked_at", DateTime),
)
Index("ix_api_tokens_user", api_tokens.c.user_id)

# Who did what, when: corrections, merges, configuration and user changes, logins. No foreign key on
# purpose: the log outlives whatever it talks about.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("user_id", Integer),
    Column("user_name", String(100)),
    Column("action", String(60), nullable=False),
    Column("target", Text, nullable=False),
    Column("details", JSON),
)
Index("ix_audit_log_at", audit_log.c.at)
Index("ix_audit_log_action", audit_log.c.action)

# Failed (and successful) logins, kept in the database so rate limits hold across web workers.
login_attempts = Table(
    "login_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False),
    Column("username", String(100), nullable=False),
    Column("ip", String(64), nullable=False),
    Column("succeeded", Boolean, nullable=False),
)
Index("ix_login_attempts_username_at", login_attempts.c.username, login_attempts.c.at)
Index("ix_login_attempts_ip_at", login_attempts.c.ip, login_attempts.c.at)

# -- own content: channels, posts, metric snapshots (migration 0005, gaung.content) ----------------
# (imported here so this section stays an append-only addition to the file while others edit above)
from sqlalchemy import BigInteger, Date  # noqa: E402

# An account on a platform: the office's own, or a reference account (a creator or a peer office the
# office benchmarks against). `account_key` is the platform's account id when exports carry one, else
# the handle, else the name given at import.
channels = Table(
    "channels",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(20), nullable=False),  # facebook | instagram | tiktok | youtube | x | web
    Column("account_key", String(200), nullable=False),
    Column("account_id", String(100)),
    Column("handle", String(200)),
    Column("name", String(200), nullable=False),
    Column("is_reference", Boolean, nullable=False, default=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("platform", "account_key", name="uq_channels_platform_key"),
)

# Followers over time, one row per channel and day (later imports of the same day overwrite it).
channel_followers = Table(
    "channel_followers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("channel_id", Integer, ForeignKey("channels.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),
    Column("followers", Integer),
    Column("followers_change", Integer),
    Column("daily", JSON),  # other per-day channel totals an export gives (TikTok Overview's views, ...)
    Column("captured_at", DateTime, nullable=False),
    UniqueConstraint("channel_id", "day", name="uq_channel_followers_day"),
)

posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(20), nullable=False),
    Column("external_id", String(200), nullable=False),  # the platform's post id (a page path for web)
    Column("channel_id", Integer, ForeignKey("channels.id", ondelete="CASCADE"), nullable=False),
    Column("permalink", Text),
    Column("published_at", DateTime),
    Column("format", String(10)),  # video | reel | photo | carousel | text | link | story
    Column("title", Text),
    Column("caption", Text),
    Column("duration_seconds", Float),
    # set by people (or suggested), never overwritten by a later import
    Column("topic_tags", JSON),
    Column("program", String(200)),
    Column("credited_staff", String(200)),
    Column("first_imported_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    UniqueConstraint("platform", "external_id", name="uq_posts_platform_external_id"),
)
Index("ix_posts_channel_published", posts.c.channel_id, posts.c.published_at)
Index("ix_posts_published_at", posts.c.published_at)

# A post's metrics as one export saw them at `captured_at`; several snapshots show its growth.
metric_snapshots = Table(
    "metric_snapshots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="CASCADE"), nullable=False),
    Column("captured_at", DateTime, nullable=False),
    Column("source_format", String(30), nullable=False),
    Column("views", BigInteger),
    Column("reach", BigInteger),
    Column("impressions", BigInteger),  # never filled from views, nor views from impressions
    Column("likes", BigInteger),
    Column("comments", BigInteger),
    Column("shares", BigInteger),
    Column("saves", BigInteger),
    Column("clicks", BigInteger),
    Column("follows", BigInteger),
    Column("profile_visits", BigInteger),
    Column("watch_time_seconds", Float),
    Column("avg_view_duration", Float),  # seconds
    Column("completion_rate", Float),  # percent, 0-100
    Column("raw", JSON),  # the export's row as read
    Column("imported_at", DateTime, nullable=False),
)
Index("ix_metric_snapshots_post_captured", metric_snapshots.c.post_id, metric_snapshots.c.captured_at)

# -- results, not attendance: staff, assignments, SKP scorecards (migration 0007, gaung.kinerja) --------

# A member of the office's team. Separate from `users` on purpose: a videographer may have no login,
# and a person who left keeps their history (`left_on`) while their login is disabled.
staff = Table(
    "staff",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),  # display name, also the credit key
    Column("user_id", Integer, ForeignKey("users.id", ondelete="SET NULL"), unique=True),
    Column("supervisor_id", Integer, ForeignKey("staff.id", ondelete="SET NULL")),
    Column("team", String(200)),
    Column("position", String(200)),  # jabatan
    Column("nip", String(40)),  # civil-service number, optional
    Column("joined_on", Date),
    Column("left_on", Date),  # set when the person leaves; never deleted
    Column("created_at", DateTime, nullable=False),
)

# Work the office decided to do: a response to an issue, content from a good story, a campaign piece.
# `issue_id` / `mention_id` carry no foreign key: issues are merged and re-clustered, and an assignment
# must outlive them; `origin_first_seen_at` keeps the issue's first mention time for time-to-respond.
assignments = Table(
    "assignments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    # klarifikasi | hak_jawab | siaran_pers | konten | kampanye | lainnya
    Column("kind", String(20), nullable=False),
    Column("origin", String(20), nullable=False),  # issue | story | program | manual
    Column("issue_id", Integer),
    Column("mention_id", Integer),
    Column("program", String(200)),
    Column("origin_first_seen_at", DateTime),
    Column("brief", Text),
    Column("due_at", DateTime),
    Column("status", String(20), nullable=False),  # ide | dikerjakan | ditinjau | terbit | selesai
    Column("created_by", String(100)),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("published_at", DateTime),  # first time it reached terbit: the response/output moment
    Column("closed_at", DateTime),  # reached selesai
)
Index("ix_assignments_status", assignments.c.status)
Index("ix_assignments_issue", assignments.c.issue_id)

assignment_members = Table(
    "assignment_members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assignment_id", Integer, ForeignKey("assignments.id", ondelete="CASCADE"), nullable=False),
    Column("staff_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("role", String(20), nullable=False),  # writer | designer | videographer | editor | approver
    UniqueConstraint("assignment_id", "staff_id", "role", name="uq_assignment_members"),
)
Index("ix_assignment_members_staff", assignment_members.c.staff_id)

# Every status change: who moved it, when, from what to what.
assignment_events = Table(
    "assignment_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assignment_id", Integer, ForeignKey("assignments.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("actor", String(100)),
    Column("from_status", String(20)),
    Column("to_status", String(20), nullable=False),
    Column("note", Text),
)
Index("ix_assignment_events_assignment", assignment_events.c.assignment_id, assignment_events.c.at)

assignment_comments = Table(
    "assignment_comments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assignment_id", Integer, ForeignKey("assignments.id", ondelete="CASCADE"), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("author", String(100), nullable=False),
    Column("body", Text, nullable=False),
)
Index("ix_assignment_comments_assignment", assignment_comments.c.assignment_id)

# What came out of an assignment: an imported post (matched by permalink), a response document, a report.
assignment_outputs = Table(
    "assignment_outputs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("assignment_id", Integer, ForeignKey("assignments.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),  # post | document | report | link
    Column("url", Text, nullable=False),
    Column("title", Text),
    Column("post_id", Integer, ForeignKey("posts.id", ondelete="SET NULL")),
    Column("published_at", DateTime),  # when the output went public (the post's time for posts)
    Column("added_by", String(100)),
    Column("added_at", DateTime, nullable=False),
    UniqueConstraint("assignment_id", "url", name="uq_assignment_outputs_url"),
)
Index("ix_assignment_outputs_post", assignment_outputs.c.post_id)

# Rencana Hasil Kerja: one row per person, period and indicator. A missing row means the office
# default from gaung.toml `[kinerja]` applies; `target` NULL or 0 means "no target set" (shown so, never
# as 0% or infinite capaian).
skp_targets = Table(
    "skp_targets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("staff_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("period", String(10), nullable=False),  # YYYY-MM | YYYY-Qn | YYYY
    Column("indicator", String(40), nullable=False),
    Column("rhk", Text),  # the Rencana Hasil Kerja this indicator measures
    Column("target", Float),
    Column("set_by", String(100)),
    Column("set_at", DateTime, nullable=False),
    UniqueConstraint("staff_id", "period", "indicator", name="uq_skp_targets"),
)

# The supervisor's part of a scorecard: rating perilaku kerja (BerAKHLAK) and umpan balik.
skp_reviews = Table(
    "skp_reviews",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("staff_id", Integer, ForeignKey("staff.id"), nullable=False),
    Column("period", String(10), nullable=False),
    Column("rating_perilaku", String(10)),  # di bawah | sesuai | di atas
    Column("perilaku_notes", JSON),  # per BerAKHLAK value: {"berorientasi_pelayanan": "...", ...}
    Column("feedback", Text),  # umpan balik
    Column("reviewer_staff_id", Integer, ForeignKey("staff.id")),
    Column("reviewed_by", String(100)),
    Column("reviewed_at", DateTime, nullable=False),
    UniqueConstraint("staff_id", "period", name="uq_skp_reviews"),
)

# -- delivery of alerts and briefs (migration 0008, gaung.deliver) -----------------------------------

# The `[[recipients]]` of gaung.toml as last loaded, so every process (the monitor, the web app, a
# `gaung brief` run) fans a message out to the same list. gaung.toml stays the source of truth: the
# table is rewritten from it when a workspace opens and when an admin saves the settings page; a
# recipient removed from the file is kept (active = false) so the delivery log can still name it.
delivery_recipients = Table(
    "delivery_recipients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("channel", String(20), nullable=False),  # email | telegram | webhook
    Column("address", Text, nullable=False),  # email address, Telegram chat id or webhook URL
    Column("kinds", JSON, nullable=False),  # ["alert", "brief"]
    Column("options", JSON),  # channel options without secrets (e.g. the env var holding a webhook secret)
    Column("problem", Text),  # why the address is invalid; its deliveries fail naming it
    Column("active", Boolean, nullable=False, default=True),
    Column("updated_at", DateTime, nullable=False),
)

# One message (an alert, a daily brief), stored once however many recipients get it. (kind, ref) is
# the idempotency key: the same alert or brief enqueued twice is one item.
delivery_items = Table(
    "delivery_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),  # alert | brief | test
    Column("ref", String(200), nullable=False),  # alert id, brief date, ...
    Column("subject", Text, nullable=False),
    Column("body_text", Text, nullable=False),
    Column("body_html", Text),
    Column("attachment_name", String(200)),
    Column("attachment_mime", String(100)),
    Column("attachment", LargeBinary),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("kind", "ref", name="uq_delivery_items_kind_ref"),
)

# One item to one recipient: the outbox and the delivery log in one row. The recipient's channel and
# address are copied in so the log says where a message went even after the recipient list changed.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("item_id", Integer, ForeignKey("delivery_items.id", ondelete="CASCADE"), nullable=False),
    Column("recipient", String(100), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("address", Text, nullable=False),
    Column("status", String(20), nullable=False),  # queued | sending | sent | failed
    Column("attempts", Integer, nullable=False, default=0),
    Column("created_at", DateTime, nullable=False),
    Column("next_attempt_at", DateTime),
    Column("claimed_at", DateTime),  # when a dispatcher took it (status sending)
    Column("sent_at", DateTime),
    Column("last_error", Text),
    Column("receipt", Text),  # what the far side answered (SMTP reply, Telegram message id, HTTP status)
    UniqueConstraint("item_id", "recipient", name="uq_deliveries_item_recipient"),
)
Index("ix_deliveries_due", deliveries.c.status, deliveries.c.next_attempt_at)
Index("ix_deliveries_created", deliveries.c.created_at)

# -- the daily brief (migration 0009, gaung.brief) ---------------------------------------------------
# One brief per office-calendar day and language; regenerating replaces html/pdf/counts in place and
# keeps `queued_at`, the moment the scheduled brief was handed to delivery (set once: the monitor checks
# it, so a restart never makes or sends yesterday's brief twice).
briefs = Table(
    "briefs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),
    Column("lang", String(5), nullable=False),  # id | en
    Column("generated_at", DateTime, nullable=False),
    Column("trigger", String(10), nullable=False),  # manual | scheduled
    Column("generated_by", String(100)),  # user name, "cli", or NULL for the monitor
    Column("html", Text, nullable=False),
    Column("pdf", LargeBinary),  # NULL when no PDF engine was available (the HTML is still kept)
    Column("counts", JSON, nullable=False),  # stories, articles, outlets, speakers, tones, issues, ...
    Column("queued_at", DateTime),
    UniqueConstraint("day", "lang", name="uq_briefs_day_lang"),
)
