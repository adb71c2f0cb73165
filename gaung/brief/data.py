"""Everything one day's brief says, read from the store: plain dataclasses, no HTML.

A "day" is a day of the office's calendar (WIB): `day_window` turns it into the naive UTC interval the
store keeps. Stories are counted once (canonical copies), as on the dashboard; media exposure counts every
copy, because a press release carried by five outlets *is* exposure in five outlets. The sections, in the
order the brief prints them:

- konklusi — the day's volume against the previous day and the 7-day average, the dominant issue, tones;
- statistik — stories, articles with syndicated copies, outlets, speakers, tone split;
- isu utama — the top issues of the day by stories, each with an extractive summary
  (`gaung.analyze.summarize`) over that day's articles, its tone mix and its trend over the week;
- tone over time — stories per tone over the last 14 days;
- eksposur media — the outlets that carried most articles, with their share;
- narasumber — who was quoted most, and the tone of the stories quoting them;
- rekap kliping — every story of the day (capped, "and N more"): media, headline, time, tone, link;
- media sosial — social posts among the mentions, when there are any;
- kinerja konten — the office's own posts published that day, most engagements first;
- rekomendasi — a negative issue nobody has answered yet → klarifikasi or hak jawab; a good story about a
  watched name → amplify; each with the issue and article pages that prove it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection

from gaung.store.reports import OFFICE_TZ, TONE_LABELS, DayVolume, top_issues, volume_by_day
from gaung.store.schema import assignments, mention_quotes, mentions, syndication_groups

log = logging.getLogger(__name__)

TOP_ISSUES = 5  # "isu utama": the five a reader can take in at a glance
TONE_DAYS = 14  # tone over time: two weeks show a trend without drowning the day
TREND_DAYS = 7  # each issue's own trend: this week
TOP_OUTLETS = 10
TOP_SPEAKERS = 10
TOP_POSTS = 5
SUMMARY_SENTENCES = 3
SUMMARY_MAX_ARTICLES = 12  # TextRank is quadratic in sentences; a dozen articles already repeat themselves
QUOTE_MAX_CHARS = 220
SOCIAL_MAX = 20
# An issue is "negative" for the recommendations when at least this many of its stories that day are
# negative and they are at least this share of its stories: one angry story is noise, two with a
# negative majority-ish share is what an analyst would flag for a response.
NEGATIVE_ISSUE_MIN_STORIES = 2
NEGATIVE_ISSUE_MIN_SHARE = 0.4
# Hak jawab (UU Pers No. 40/1999) is addressed to one outlet; suggest it instead of a general klarifikasi
# when one outlet carries at least this share of the issue's negative stories.
HAK_JAWAB_OUTLET_SHARE = 0.6
MAX_RESPONSE_RECOMMENDATIONS = 3
MAX_AMPLIFY_RECOMMENDATIONS = 2
# An assignment of one of these kinds on an issue means the office is already answering it.
RESPONSE_KINDS = ("klarifikasi", "hak_jawab", "siaran_pers")
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
    link: str


@dataclass
class Clipping:
    id: int
    title: str
    site: str
    published_at: datetime | None  # naive UTC
    tone: str | None
    url: str | None
    copies: int  # other outlets' copies of the story
    link: str  # the article page in Gaung
    platform: str = "news"
    author: str | None = None
    engagement: int | None = None


@dataclass
class OutletShare:
    site: str
    articles: int
    share: float  # percent of the day's articles
    negative: int


@dataclass
class SpeakerItem:
    name: str
    stories: int
    tones: dict[str, int]
    quote: str | None
    quote_link: str | None


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
    link: str


@dataclass
class Recommendation:
    kind: str  # klarifikasi | hak_jawab | amplify
    title: str  # the issue label or the story's headline
    negative: int = 0
    stories: int = 0
    outlet: str | None = None  # the outlet a hak jawab goes to
    evidence: list[tuple[str, str]] = field(default_factory=list)  # (label, link)


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


def _canonical_in(start: datetime, end: datetime) -> list[sa.ColumnElement[bool]]:
    return [
        mentions.c.is_canonical.is_(True),
        mentions.c.published_at >= start,
        mentions.c.published_at < end,
    ]


def build_brief_data(
    conn: Connection,
    day: date,
    *,
    organisation: str,
    base_url: str = "",
    max_clippings: int = 60,
    now: datetime | None = None,
) -> BriefData:
    """Read everything the brief for `day` says. `base_url` prefixes the evidence links."""
    start, end = day_window(day)
    base = base_url.rstrip("/")
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
    speakers = conn.execute(
        sa.select(mention_quotes.c.speaker)
        .distinct()
        .join(mentions, mentions.c.id == mention_quotes.c.mention_id)
        .where(*_canonical_in(start, end), mention_quotes.c.speaker.is_not(None))
    ).scalars()
    data.speakers_count = sum(1 for name in speakers if _is_speaker(name))
    data.issues = _issues(conn, day, start, end, until, base)
    data.outlets = _outlets(conn, start, end, data.articles)
    data.speakers = _speakers(conn, start, end, base)
    data.clippings, data.clippings_more = _clippings(
        conn, start, end, base, platform="news", cap=max_clippings
    )
    data.social, data.social_more = _clippings(conn, start, end, base, platform=None, cap=SOCIAL_MAX)
    data.social_platforms = _social_platforms(conn, start, end)
    data.posts, data.posts_total = _posts(conn, start, end, base)
    data.recommendations = _recommendations(conn, start, end, base)
    return data


# -- isu utama ------------------------------------------------------------------------------------


def _issues(
    conn: Connection, day: date, start: datetime, end: datetime, until: datetime, base: str
) -> list[IssueItem]:
    ranked = top_issues(conn, until, days=1, limit=TOP_ISSUES)
    ids = [int(item.key) for item in ranked]
    if not ids:
        return []
    tones: dict[int, dict[str, int]] = {i: dict.fromkeys(TONE_LABELS, 0) for i in ids}
    for issue_id, tone, count in conn.execute(
        sa.select(mentions.c.issue_id, mentions.c.tone, sa.func.count())
        .where(*_canonical_in(start, end), mentions.c.issue_id.in_(ids))
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
        articles = _issue_articles(conn, issue_id, start, end, base)
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
                link=f"{base}/issues/{issue_id}",
            )
        )
    return items


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
            .where(*_canonical_in(start, end), mentions.c.issue_id == issue_id)
            .order_by(mentions.c.published_at, mentions.c.id)  # oldest first, as summarize asks
            .limit(SUMMARY_MAX_ARTICLES)
        )
        if row.text
    ]
    return summarize(texts, max_sentences=SUMMARY_SENTENCES, title=label)


def _clipping_columns() -> list[Any]:
    return [
        mentions.c.id,
        mentions.c.title,
        mentions.c.text,
        mentions.c.site,
        mentions.c.published_at,
        mentions.c.tone,
        mentions.c.url,
        mentions.c.platform,
        mentions.c.author,
        mentions.c.engagement,
        syndication_groups.c.outlets,
    ]


def _clipping(row: Any, base: str) -> Clipping:
    title = (row.title or "").strip()
    if not title:  # social posts often have no title: the first words of the text stand in
        words = " ".join((row.text or "").split())
        title = words[:140] + ("…" if len(words) > 140 else "")
    engagement = row.engagement if isinstance(row.engagement, dict) else {}
    total = sum(v for v in engagement.values() if isinstance(v, int) and not isinstance(v, bool))
    return Clipping(
        id=int(row.id),
        title=title,
        site=row.site or "-",
        published_at=row.published_at,
        tone=row.tone,
        url=row.url,
        copies=max(int(row.outlets or 1) - 1, 0),
        link=f"{base}/mentions/{row.id}",
        platform=row.platform or "news",
        author=row.author,
        engagement=total or None,
    )


def _from_mentions() -> Any:
    return mentions.join(
        syndication_groups, syndication_groups.c.id == mentions.c.syndication_group_id, isouter=True
    )


def _issue_articles(
    conn: Connection, issue_id: int, start: datetime, end: datetime, base: str
) -> list[Clipping]:
    """The issue's two widest-reaching stories of the day: the evidence behind its summary."""
    rows = conn.execute(
        sa.select(*_clipping_columns())
        .select_from(_from_mentions())
        .where(*_canonical_in(start, end), mentions.c.issue_id == issue_id)
        .order_by(
            sa.func.coalesce(syndication_groups.c.outlets, 1).desc(), mentions.c.published_at, mentions.c.id
        )
        .limit(2)
    )
    return [_clipping(row, base) for row in rows]


def _clippings(
    conn: Connection, start: datetime, end: datetime, base: str, *, platform: str | None, cap: int
) -> tuple[list[Clipping], int]:
    """The day's stories in time order (news, or with platform None everything that is not news)."""
    where = _canonical_in(start, end)
    kind = sa.func.coalesce(mentions.c.platform, "news")
    where.append(kind == "news" if platform == "news" else kind != "news")
    total = int(conn.execute(sa.select(sa.func.count()).select_from(mentions).where(*where)).scalar_one())
    rows = conn.execute(
        sa.select(*_clipping_columns())
        .select_from(_from_mentions())
        .where(*where)
        .order_by(mentions.c.published_at, mentions.c.id)
        .limit(cap)
    )
    listed = [_clipping(row, base) for row in rows]
    return listed, total - len(listed)


def _social_platforms(conn: Connection, start: datetime, end: datetime) -> dict[str, int]:
    kind = sa.func.coalesce(mentions.c.platform, "news")
    rows = conn.execute(
        sa.select(kind, sa.func.count()).where(*_canonical_in(start, end), kind != "news").group_by(kind)
    ).all()
    return {str(name): int(count) for name, count in sorted(rows, key=lambda r: (-int(r[1]), str(r[0])))}


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


def _is_speaker(name: Any) -> bool:
    """The quote attributor sometimes takes a number for a speaker ("6 persen responden"): not a person."""
    return str(name or "")[:1].isalpha()


def _speakers(conn: Connection, start: datetime, end: datetime, base: str) -> list[SpeakerItem]:
    """Who was quoted in most stories of the day, the tone of those stories and one short quote."""
    stories = sa.func.count(sa.distinct(mention_quotes.c.mention_id)).label("n")
    quoted = [*_canonical_in(start, end), mention_quotes.c.speaker.is_not(None)]
    top = conn.execute(
        sa.select(mention_quotes.c.speaker, stories)
        .join(mentions, mentions.c.id == mention_quotes.c.mention_id)
        .where(*quoted)
        .group_by(mention_quotes.c.speaker)
        .order_by(stories.desc(), mention_quotes.c.speaker)
        .limit(TOP_SPEAKERS * 3)
    ).all()
    top = [r for r in top if _is_speaker(r[0])][:TOP_SPEAKERS]
    names = [str(r[0]) for r in top]
    if not names:
        return []
    tones: dict[str, dict[str, int]] = {name: dict.fromkeys(TONE_LABELS, 0) for name in names}
    seen: set[tuple[str, int]] = set()
    quotes: dict[str, tuple[str, int]] = {}
    for speaker, mention_id, tone, text in conn.execute(
        sa.select(mention_quotes.c.speaker, mentions.c.id, mentions.c.tone, mention_quotes.c.text)
        .join(mentions, mentions.c.id == mention_quotes.c.mention_id)
        .where(*quoted, mention_quotes.c.speaker.in_(names))
        .order_by(mentions.c.published_at, mentions.c.id, mention_quotes.c.start)
    ):
        if (speaker, mention_id) not in seen:  # a story quoting someone three times counts once
            seen.add((speaker, mention_id))
            tones[speaker][tone if tone in TONE_LABELS else "neutral"] += 1
        clean = " ".join((text or "").split())
        if speaker not in quotes and 30 <= len(clean) <= QUOTE_MAX_CHARS:
            quotes[speaker] = (clean, int(mention_id))
    return [
        SpeakerItem(
            name=name,
            stories=int(n),
            tones=tones[name],
            quote=quotes[name][0] if name in quotes else None,
            quote_link=f"{base}/mentions/{quotes[name][1]}" if name in quotes else None,
        )
        for name, n in ((str(r[0]), r[1]) for r in top)
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
                link=f"{base}/content/posts/{post['id']}",
            )
        )
    return items, len(own)


# -- rekomendasi ----------------------------------------------------------------------------------


def _recommendations(conn: Connection, start: datetime, end: datetime, base: str) -> list[Recommendation]:
    found = _respond_to_negative_issues(conn, start, end, base)
    found += _amplify_good_stories(conn, end, base)
    return found


def _respond_to_negative_issues(
    conn: Connection, start: datetime, end: datetime, base: str
) -> list[Recommendation]:
    """Negative issues of the day without a response assignment → klarifikasi, or hak jawab to one outlet."""
    from gaung.store.schema import issues

    negative = sa.func.sum(sa.case((mentions.c.tone == "negative", 1), else_=0)).label("negative")
    total = sa.func.count().label("total")
    candidates = conn.execute(
        sa.select(mentions.c.issue_id, negative, total)
        .where(*_canonical_in(start, end), mentions.c.issue_id.is_not(None))
        .group_by(mentions.c.issue_id)
        .having(negative >= NEGATIVE_ISSUE_MIN_STORIES)
        .order_by(negative.desc(), mentions.c.issue_id)
    ).all()
    candidates = [c for c in candidates if int(c.negative) / int(c.total) >= NEGATIVE_ISSUE_MIN_SHARE]
    if not candidates:
        return []
    ids = [int(c.issue_id) for c in candidates]
    answered = {
        int(i)
        for (i,) in conn.execute(
            sa.select(assignments.c.issue_id).where(
                assignments.c.issue_id.in_(ids), assignments.c.kind.in_(RESPONSE_KINDS)
            )
        )
    }
    labels = dict(conn.execute(sa.select(issues.c.id, issues.c.label).where(issues.c.id.in_(ids))).all())
    found = []
    for candidate in candidates:
        issue_id = int(candidate.issue_id)
        if issue_id in answered:
            continue
        rows = conn.execute(
            sa.select(mentions.c.id, mentions.c.site, mentions.c.title)
            .where(*_canonical_in(start, end), mentions.c.issue_id == issue_id, mentions.c.tone == "negative")
            .order_by(mentions.c.published_at, mentions.c.id)
        ).all()
        by_outlet: dict[str, int] = defaultdict(int)
        for row in rows:
            by_outlet[row.site or "-"] += 1
        outlet, most = max(sorted(by_outlet.items()), key=lambda pair: pair[1])
        hak_jawab = outlet != "-" and most / len(rows) >= HAK_JAWAB_OUTLET_SHARE
        label = str(labels.get(issue_id) or f"#{issue_id}")
        evidence = [(label, f"{base}/issues/{issue_id}")]
        evidence += [(row.title or f"#{row.id}", f"{base}/mentions/{row.id}") for row in rows[:2]]
        found.append(
            Recommendation(
                kind="hak_jawab" if hak_jawab else "klarifikasi",
                title=label,
                negative=int(candidate.negative),
                stories=int(candidate.total),
                outlet=outlet if hak_jawab else None,
                evidence=evidence,
            )
        )
        if len(found) == MAX_RESPONSE_RECOMMENDATIONS:
            break
    return found


def _amplify_good_stories(conn: Connection, end: datetime, base: str) -> list[Recommendation]:
    """The day's best "kebaikan" stories (see `gaung.store.monitoring.good_stories`) not yet taken up."""
    from gaung.store.monitoring import good_stories

    ranked = good_stories(conn, end.replace(tzinfo=UTC), days=1, limit=MAX_AMPLIFY_RECOMMENDATIONS + 5)
    ids = [int(r.story.id) for r in ranked]
    taken = (
        {
            int(i)
            for (i,) in conn.execute(
                sa.select(assignments.c.mention_id).where(assignments.c.mention_id.in_(ids))
            )
        }
        if ids
        else set()
    )
    found = []
    for ranked_story in ranked:
        story = ranked_story.story
        if int(story.id) in taken:
            continue
        evidence = [(story.title or f"#{story.id}", f"{base}/mentions/{story.id}")]
        found.append(
            Recommendation(kind="amplify", title=story.title, stories=story.outlets, evidence=evidence)
        )
        if len(found) == MAX_AMPLIFY_RECOMMENDATIONS:
            break
    return found
