"""Everything one day's brief says, read from the store: plain dataclasses, no HTML.

A "day" is a day of the office's calendar (WIB): `day_window` turns it into the naive UTC interval the
store keeps. Stories are counted once (canonical copies), as on the dashboard; media exposure counts every
copy, because a press release carried by five outlets *is* exposure in five outlets. The sections, in the
order the brief prints them:

- konklusi — the day's volume against the previous day and the 7-day average, the dominant issue, tones;
- statistik — stories, articles with syndicated copies, outlets, speakers, tone split;
- isu utama — the top issues of the day by stories, each with an extractive summary
  (`gaung.analyze.summarize`) over that day's articles, its tone mix and its trend over the week, marked
  when it touches the watchlist (`gaung.brief.relevance`); when none of the top issues does but others
  do, up to three of those follow ("isu terkait instansi");
- tone over time — stories per tone over the last 14 days;
- eksposur media — the outlets that carried most articles, with their share;
- narasumber — who was quoted most (plausible person names only) and the tone of their statements
  (`gaung.brief.speakers`);
- rekap kliping — the day's stories, most important first (the watchlist, negative, widely carried; then
  the rest by time), capped with "and N more": media, headline, time, tone, link;
- media sosial — social posts among the mentions, when there are any;
- kinerja konten — the office's own posts published that day, most engagements first;
- rekomendasi — a negative issue about the organisation (its watchlist) nobody has answered yet →
  klarifikasi or hak jawab; a good story about a watched name → amplify; each with the issue and article
  pages that prove it.

Links point into the web app only when its address is configured (`base_url`); without it, evidence is
plain text, because a relative link in a PDF or an email leads nowhere.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.brief.clippings import (
    Clipping,
    canonical_in,
    day_clippings,
    evidence_link,
    issue_articles,
    social_platforms,
)
from gaung.brief.recommend import Recommendation, recommendations
from gaung.brief.relevance import relevance
from gaung.brief.speakers import QuoteTone, SpeakerItem, day_speakers
from gaung.store.reports import OFFICE_TZ, TONE_LABELS, DayVolume, top_issues, volume_by_day
from gaung.store.schema import mentions

if TYPE_CHECKING:
    from gaung.config import WatchEntry

__all__ = [
    "BriefData",
    "Clipping",
    "Recommendation",
    "SpeakerItem",
    "build_brief_data",
    "day_window",
    "office_today",
]

log = logging.getLogger(__name__)

TOP_ISSUES = 5  # "isu utama": the five a reader can take in at a glance
TONE_DAYS = 14  # tone over time: two weeks show a trend without drowning the day
TREND_DAYS = 7  # each issue's own trend: this week
TOP_OUTLETS = 10
TOP_POSTS = 5
WATCH_ISSUES_MAX = 3  # "isu terkait instansi" after the top five: a pointer, not a second ranking
SUMMARY_SENTENCES = 3
SUMMARY_MAX_ARTICLES = 12  # TextRank is quadratic in sentences; a dozen articles already repeat themselves
SOCIAL_MAX = 20
# Trend words for an issue: today against the mean of the previous days that had stories. 1.5× up or
# 2/3 down is a visible change on the small daily counts an issue has; in between is "steady".
TREND_RISING = 1.5
TREND_FALLING = 2 / 3


def day_window(day: date) -> tuple[datetime, datetime]:
    """The naive UTC interval [start, end) of `day` in the office's calendar."""
    start = datetime.combine(day, time(), tzinfo=OFFICE_TZ).astimezone(UTC).replace(tzinfo=None)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=OFFICE_TZ).astimezone(UTC)
    return start, end.replace(tzinfo=None)


def office_today(now: datetime | None = None) -> date:
    """Today's date in the office's calendar."""
    return (now or datetime.now(UTC)).astimezone(OFFICE_TZ).date()


@dataclass
class Change:
    """A count against a baseline: `percent` is None when the baseline is zero."""

    current: float
    baseline: float

    @property
    def direction(self) -> str:
        """up | down | same"""
        if self.current > self.baseline:
            return "up"
        return "down" if self.current < self.baseline else "same"

    @property
    def percent(self) -> float | None:
        if self.baseline == 0:
            return None
        return abs(self.current - self.baseline) / self.baseline * 100


@dataclass
class IssueItem:
    id: int
    label: str
    stories: int
    outlets: int
    tones: dict[str, int]
    trend: list[DayVolume]  # the last TREND_DAYS days, the brief's day last
    trend_word: str  # new | rising | falling | steady
    summary: list[str]
    headlines: list[Clipping]
    link: str | None  # the issue page in Gaung; None without a base_url
    related: list[str] = field(default_factory=list)  # watchlist names its stories mention


@dataclass
class WatchIssue:
    """An issue outside the top five that touches the watchlist ("isu terkait instansi")."""

    id: int
    label: str
    stories: int
    negative: int
    related: list[str]
    link: str | None


@dataclass
class OutletShare:
    site: str
    articles: int
    share: float  # percent of the day's articles
    negative: int


@dataclass
class PostItem:
    id: int
    platform: str
    channel: str
    title: str
    format: str | None
    published_at: datetime | None  # aware UTC
    views: int | None
    reach: int | None
    engagements: float | None
    engagement_rate: float | None  # percent, by reach
    permalink: str | None
    link: str | None


@dataclass
class BriefData:
    """One day's brief as data; `render` turns it into HTML and PDF."""

    day: date
    organisation: str
    generated_at: datetime  # naive UTC
    stories: int
    articles: int  # stories plus their syndicated copies
    previous_day: int
    week_average: float
    tones: dict[str, int]
    outlets_count: int
    speakers_count: int
    issues: list[IssueItem] = field(default_factory=list)
    tone_series: list[DayVolume] = field(default_factory=list)
    outlets: list[OutletShare] = field(default_factory=list)
    speakers: list[SpeakerItem] = field(default_factory=list)
    speakers_tone_of: str = "statements"  # statements (tone model on the quotes) | stories (no model)
    watchlist_active: bool = False  # relevance on: issues and clippings are marked, responses filtered
    watch_issues: list[WatchIssue] = field(default_factory=list)
    clippings: list[Clipping] = field(default_factory=list)
    clippings_more: int = 0
    social: list[Clipping] = field(default_factory=list)
    social_more: int = 0
    social_platforms: dict[str, int] = field(default_factory=dict)
    posts: list[PostItem] = field(default_factory=list)
    posts_total: int = 0
    recommendations: list[Recommendation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what the brief could not include, and why

    @property
    def empty(self) -> bool:
        """No story on this day: the brief is the short one that says so."""
        return self.stories == 0

    @property
    def dominant_issue(self) -> IssueItem | None:
        return self.issues[0] if self.issues else None

    @property
    def against_previous_day(self) -> Change:
        return Change(self.stories, self.previous_day)

    @property
    def against_week(self) -> Change:
        return Change(self.stories, self.week_average)

    def tone_share(self, tone: str) -> float:
        """Percent of the day's stories with `tone` (unknown tones count in the total only)."""
        return self.tones.get(tone, 0) / self.stories * 100 if self.stories else 0.0

    def counts(self) -> dict[str, int]:
        """The numbers kept with the stored brief (the Laporan page lists them without opening it)."""
        return {
            "stories": self.stories,
            "articles": self.articles,
            "outlets": self.outlets_count,
            "speakers": self.speakers_count,
            "issues": len(self.issues),
            "recommendations": len(self.recommendations),
            **{tone: self.tones.get(tone, 0) for tone in TONE_LABELS},
        }


def build_brief_data(
    conn: Connection,
    day: date,
    *,
    organisation: str,
    base_url: str = "",
    max_clippings: int = 60,
    watchlist: Sequence[WatchEntry] = (),
    quote_tone: QuoteTone | None = None,
    now: datetime | None = None,
) -> BriefData:
    """Read everything the brief for `day` says.

    `base_url` (the web app's address) makes the evidence links absolute; empty, evidence is plain text.
    `watchlist` decides which issues and stories concern the office (see `gaung.brief.relevance`);
    `quote_tone` classifies the top speakers' statements (see `gaung.brief.speakers.quote_tone_model`),
    without it the speakers' column shows the tone of the stories quoting them.
    """
    start, end = day_window(day)
    base = base_url.rstrip("/")
    watch = relevance(watchlist)
    # volume_by_day counts days up to `until` inclusive; the microsecond keeps the next day out, and the
    # partial first bucket (one microsecond of day -TONE_DAYS) is dropped.
    until = end - timedelta(microseconds=1)
    series = volume_by_day(conn, until, days=TONE_DAYS)[1:]
    today = series[-1] if series and series[-1].day == day.isoformat() else DayVolume(day.isoformat())
    earlier = [v.total for v in series[:-1]]
    previous_day = earlier[-1] if earlier else 0
    week = earlier[-7:]
    data = BriefData(
        day=day,
        organisation=organisation,
        generated_at=(now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None),
        stories=today.total,
        articles=0,
        previous_day=previous_day,
        week_average=sum(week) / 7 if week else 0.0,
        tones={tone: getattr(today, tone) for tone in (*TONE_LABELS, "unknown")},
        outlets_count=0,
        speakers_count=0,
        tone_series=series,
    )
    if data.empty:
        return data
    in_day = [mentions.c.published_at >= start, mentions.c.published_at < end]
    articles, outlets_count = conn.execute(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(mentions.c.site))).where(*in_day)
    ).one()
    data.articles = int(articles)
    data.outlets_count = int(outlets_count)
    data.watchlist_active = watch.active
    issue_hits = watch.issue_hits(conn, canonical_in(start, end))
    data.issues = _issues(conn, day, start, end, until, base, issue_hits)
    if issue_hits and not any(issue.related for issue in data.issues):
        data.watch_issues = _watch_issues(conn, start, end, base, issue_hits)
    data.outlets = _outlets(conn, start, end, data.articles)
    speakers = day_speakers(
        conn,
        canonical_in(start, end),
        lambda mention_id: evidence_link(base, f"/mentions/{mention_id}"),
        watchlist=watchlist,
        quote_tone=quote_tone,
    )
    data.speakers_count, data.speakers, data.speakers_tone_of = speakers.count, speakers.top, speakers.tone_of
    data.clippings, data.clippings_more = day_clippings(
        conn, start, end, base, platform="news", cap=max_clippings, watch=watch
    )
    data.social, data.social_more = day_clippings(conn, start, end, base, platform=None, cap=SOCIAL_MAX)
    data.social_platforms = social_platforms(conn, start, end)
    data.posts, data.posts_total = _posts(conn, start, end, base)
    data.recommendations = recommendations(conn, start, end, base, issue_hits, watch)
    return data


# -- isu utama ------------------------------------------------------------------------------------


def _issues(
    conn: Connection,
    day: date,
    start: datetime,
    end: datetime,
    until: datetime,
    base: str,
    issue_hits: dict[int, list[str]],
) -> list[IssueItem]:
    ranked = top_issues(conn, until, days=1, limit=TOP_ISSUES)
    ids = [int(item.key) for item in ranked]
    if not ids:
        return []
    tones: dict[int, dict[str, int]] = {i: dict.fromkeys(TONE_LABELS, 0) for i in ids}
    for issue_id, tone, count in conn.execute(
        sa.select(mentions.c.issue_id, mentions.c.tone, sa.func.count())
        .where(*canonical_in(start, end), mentions.c.issue_id.in_(ids))
        .group_by(mentions.c.issue_id, mentions.c.tone)
    ):
        tones[int(issue_id)][tone if tone in TONE_LABELS else "neutral"] += int(count)
    outlets: dict[int, int] = dict(
        conn.execute(
            sa.select(mentions.c.issue_id, sa.func.count(sa.distinct(mentions.c.site)))
            .where(
                mentions.c.published_at >= start, mentions.c.published_at < end, mentions.c.issue_id.in_(ids)
            )
            .group_by(mentions.c.issue_id)
        ).all()
    )
    items = []
    for item in ranked:
        issue_id = int(item.key)
        trend = volume_by_day(conn, until, days=TREND_DAYS, issue_id=issue_id)[1:]
        articles = issue_articles(conn, issue_id, start, end, base)
        items.append(
            IssueItem(
                id=issue_id,
                label=item.label,
                stories=item.count,
                outlets=int(outlets.get(issue_id, 0) or 0),
                tones=tones[issue_id],
                trend=trend,
                trend_word=_trend_word([v.total for v in trend]),
                summary=_summary(conn, issue_id, item.label, start, end),
                headlines=articles,
                link=evidence_link(base, f"/issues/{issue_id}"),
                related=issue_hits.get(issue_id, []),
            )
        )
    return items


def _watch_issues(
    conn: Connection, start: datetime, end: datetime, base: str, issue_hits: dict[int, list[str]]
) -> list[WatchIssue]:
    """The day's biggest issues that touch the watchlist (called when none of the top five does)."""
    from gaung.store.schema import issues

    negative = sa.func.sum(sa.case((mentions.c.tone == "negative", 1), else_=0))
    stories = sa.func.count().label("stories")
    rows = conn.execute(
        sa.select(mentions.c.issue_id, issues.c.label, stories, negative)
        .join(issues, issues.c.id == mentions.c.issue_id)
        .where(*canonical_in(start, end), mentions.c.issue_id.in_(list(issue_hits)))
        .group_by(mentions.c.issue_id, issues.c.label)
        .order_by(stories.desc(), mentions.c.issue_id)
        .limit(WATCH_ISSUES_MAX)
    ).all()
    return [
        WatchIssue(
            id=int(issue_id),
            label=str(label or f"#{issue_id}"),
            stories=int(count),
            negative=int(neg or 0),
            related=issue_hits[int(issue_id)],
            link=evidence_link(base, f"/issues/{issue_id}"),
        )
        for issue_id, label, count, neg in rows
    ]


def _trend_word(totals: list[int]) -> str:
    """new | rising | falling | steady: the last day against the mean of the earlier days with stories."""
    if not totals:
        return "steady"
    today, before = totals[-1], [t for t in totals[:-1] if t > 0]
    if not before:
        return "new"
    mean = sum(before) / len(before)
    if today >= mean * TREND_RISING:
        return "rising"
    if today <= mean * TREND_FALLING:
        return "falling"
    return "steady"


def _summary(conn: Connection, issue_id: int, label: str, start: datetime, end: datetime) -> list[str]:
    from gaung.analyze.summarize import summarize

    texts = [
        row.text
        for row in conn.execute(
            sa.select(mentions.c.text)
            .where(*canonical_in(start, end), mentions.c.issue_id == issue_id)
            .order_by(mentions.c.published_at, mentions.c.id)  # oldest first, as summarize asks
            .limit(SUMMARY_MAX_ARTICLES)
        )
        if row.text
    ]
    return summarize(texts, max_sentences=SUMMARY_SENTENCES, title=label)


# -- eksposur media, narasumber -------------------------------------------------------------------


def _outlets(conn: Connection, start: datetime, end: datetime, articles: int) -> list[OutletShare]:
    """Articles per outlet, syndicated copies included (each copy is exposure in its outlet)."""
    count = sa.func.count().label("n")
    negative = sa.func.sum(sa.case((mentions.c.tone == "negative", 1), else_=0))
    rows = conn.execute(
        sa.select(mentions.c.site, count, negative)
        .where(mentions.c.published_at >= start, mentions.c.published_at < end, mentions.c.site.is_not(None))
        .group_by(mentions.c.site)
        .order_by(count.desc(), mentions.c.site)
        .limit(TOP_OUTLETS)
    ).all()
    return [
        OutletShare(str(site), int(n), int(n) / articles * 100 if articles else 0.0, int(neg or 0))
        for site, n, neg in rows
    ]


# -- kinerja konten -------------------------------------------------------------------------------


def _posts(conn: Connection, start: datetime, end: datetime, base: str) -> tuple[list[PostItem], int]:
    """The office's own posts published on the day (reference accounts excluded), most engagements first."""
    from gaung.content.metrics import engagement_rate_by_reach, engagements
    from gaung.content.store import list_posts

    own = [
        p
        for p in list_posts(conn, since=start, until=end - timedelta(microseconds=1))
        if not p["is_reference"]
    ]
    scored = [(engagements(p), p) for p in own]
    scored.sort(key=lambda pair: (pair[0] is None, -(pair[0] or 0), pair[1]["id"]))
    items = []
    for total, post in scored[:TOP_POSTS]:
        text = " ".join(str(post.get("title") or post.get("caption") or "").split())
        items.append(
            PostItem(
                id=int(post["id"]),
                platform=str(post["platform"]),
                channel=str(post["channel_name"]),
                title=text[:140] + ("…" if len(text) > 140 else ""),
                format=post.get("format"),
                published_at=post.get("published_at"),
                views=post.get("views"),
                reach=post.get("reach"),
                engagements=total,
                engagement_rate=engagement_rate_by_reach(post).value,
                permalink=post.get("permalink"),
                link=evidence_link(base, f"/content/posts/{post['id']}"),
            )
        )
    return items, len(own)
