"""Incremental, time-windowed clustering of mentions into issues.

An *issue* is what an analyst tracks over days: one event or story and its follow-ups ("Erupsi
Lewotobi", "Kejagung sita Rp11,8 T kasus CPO"). Mentions arrive one at a time from the monitor, so the
clusterer must decide on each arrival without refitting anything:

1. `item_terms` turns title + lead into unigrams and bigrams (stopwords and outlet boilerplate dropped);
   title terms count `TITLE_WEIGHT` times, because headlines name the event and leads wander.
2. Terms are weighted by an *online* IDF: document frequencies are counted as items arrive, so no global
   fit is needed and the weighting adapts to what is in the news this week.
3. The vector is compared (cosine) with the centroid of every *active* issue — one that received a member
   within `WINDOW_DAYS` of the new item. The best issue wins if its similarity reaches `SIM_THRESHOLD`;
   otherwise the item opens a new issue (leader clustering).
4. Issues that stay quiet longer than the window are closed: their centroid is dropped (memory stays
   bounded) but their summary — label, timeline, outlets, members — is kept for the dashboard.

Everything an issue knows is in `Issue`; the whole state round-trips through `to_dict`/`from_dict` (plain
JSON types) so the monitor can persist it between runs and resume exactly where it stopped.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

__all__ = [
    "ISSUES_VERSION",
    "SIM_THRESHOLD",
    "WINDOW_DAYS",
    "Issue",
    "IssueClusterer",
    "item_terms",
]

ISSUES_VERSION = "issues-1"

# Cosine similarity to an issue centroid needed to join it. Swept 0.04-0.40 on the calibration half of
# gaung/data/eval/issues_labelled.jsonl (issues_eval.calibrate): B3-F1/ARI plateau at 0.06-0.08
# (0.889/0.891), fall to 0.874/0.841 at 0.10 and 0.681/0.342 at 0.18; the middle of the plateau is
# taken. It is low because a centroid sums many members' terms, so one article only overlaps a part.
# Held-out half at this setting: B3-F1 0.892, ARI 0.833 (issues_eval; pinned in the gate test).
SIM_THRESHOLD = 0.07
# An issue with no new member for this long is closed. Three days covers a news cycle and its
# follow-ups; 2, 3, 5 and 7 days scored within 0.01 ARI of each other on the calibration half, and a
# shorter window keeps unrelated stories that reuse vocabulary weeks apart ("KPK periksa ...") apart.
WINDOW_DAYS = 3.0
# Title terms are repeated this many times: the headline names the event, the lead often opens with
# background. 2 was better than 1 and equal to 3 on the calibration half.
TITLE_WEIGHT = 2
# Only the lead is used: later paragraphs drift into background and related-story boxes.
LEAD_WORDS = 80
# Centroids keep their heaviest terms only, so state and comparison cost stay bounded per issue.
CENTROID_TERMS = 300
KEY_PHRASES = 3

_WORD_RE = re.compile(r"[^\W\d_][\w'-]*", re.UNICODE)
# Outlet names, datelines and scraped widgets: frequent in every lead, they say nothing about the event.
_NOISE_WORDS = frozenset(
    {
        "liputan6", "liputan6com", "detik", "detikcom", "detiknews", "kompas", "kompascom", "okezone",
        "tempo", "tempoco", "republika", "com", "co", "id", "baca", "juga", "advertisement", "scroll",
        "continue", "content", "wib", "jakarta", "video", "foto", "berita", "news", "simak", "berikut",
    }
)  # fmt: skip
# Used when gaung.analyze.normalize is not importable; the shipped list is preferred.
_FALLBACK_STOPWORDS = frozenset(
    {
        "yang", "dan", "di", "ke", "dari", "ini", "itu", "dengan", "untuk", "pada", "dalam", "akan",
        "tidak", "ada", "juga", "karena", "oleh", "sebagai", "atau", "telah", "sudah", "bisa", "lebih",
        "saat", "para", "kata", "ujar", "jadi", "usai", "soal", "hingga", "agar", "bagi", "tak", "pun",
        "masih", "namun", "serta", "kami", "kita", "mereka", "dia", "anda", "saya", "adalah", "yakni",
        "bahwa", "tersebut", "setelah", "sejak",
    }
)  # fmt: skip


def _stopwords() -> frozenset[str]:
    try:
        from gaung.analyze.normalize import stopwords
    except Exception:  # the normalizer is optional here; a fallback list keeps us running
        return _FALLBACK_STOPWORDS
    try:
        return stopwords() | _FALLBACK_STOPWORDS
    except Exception:  # a missing data file must not stop clustering
        return _FALLBACK_STOPWORDS


_STOPWORDS: frozenset[str] | None = None


def _words(text: str) -> list[str]:
    global _STOPWORDS
    if _STOPWORDS is None:
        _STOPWORDS = _stopwords()
    out = []
    for raw in _WORD_RE.findall(text.lower()):
        word = raw.strip("'-")
        if len(word) < 3 or word in _STOPWORDS or word in _NOISE_WORDS:
            continue
        out.append(word)
    return out


def _grams(words: list[str]) -> list[str]:
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


def item_terms(title: str, text: str) -> Counter[str]:
    """Term counts (unigrams + bigrams) of the headline, weighted `TITLE_WEIGHT`, and the lead."""
    counts: Counter[str] = Counter()
    for _ in range(TITLE_WEIGHT):
        counts.update(_grams(_words(title or "")))
    lead = " ".join((text or "").split()[:LEAD_WORDS])
    counts.update(_grams(_words(lead)))
    return counts


def _norm(vector: Mapping[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vector.values()))


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    denom = _norm(a) * _norm(b)
    return dot / denom if denom else 0.0


def _parse_time(value: datetime | str | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass
class Issue:
    """What the dashboard shows for one issue; `centroid` is internal and dropped once the issue closes."""

    issue_id: str
    key_phrases: list[str] = field(default_factory=list)
    headline: str = ""
    headline_id: str = ""
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    timeline: dict[str, int] = field(default_factory=dict)  # "YYYY-MM-DD" -> mentions that day
    outlets: dict[str, int] = field(default_factory=dict)
    member_ids: list[str] = field(default_factory=list)
    tone_counts: dict[str, int] = field(default_factory=dict)
    speakers: dict[str, int] = field(default_factory=dict)
    centroid: dict[str, float] = field(default_factory=dict)
    headline_vector: dict[str, float] = field(default_factory=dict)
    closed: bool = False

    @property
    def size(self) -> int:
        """Number of mentions in the issue."""
        return len(self.member_ids)

    @property
    def label(self) -> str:
        """Key phrases and the representative headline, e.g. "lewotobi · erupsi · bandara — <headline>"."""
        phrases = " · ".join(self.key_phrases)
        if phrases and self.headline:
            return f"{phrases} — {self.headline}"
        return phrases or self.headline or self.issue_id

    @property
    def tone_mix(self) -> dict[str, float]:
        """Share of each tone among members whose tone was given (empty when no stage supplied one)."""
        total = sum(self.tone_counts.values())
        return {tone: count / total for tone, count in sorted(self.tone_counts.items())} if total else {}

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; datetimes become ISO strings."""
        return {
            "issue_id": self.issue_id,
            "key_phrases": list(self.key_phrases),
            "headline": self.headline,
            "headline_id": self.headline_id,
            "first_seen": _iso(self.first_seen),
            "last_seen": _iso(self.last_seen),
            "timeline": dict(self.timeline),
            "outlets": dict(self.outlets),
            "member_ids": list(self.member_ids),
            "tone_counts": dict(self.tone_counts),
            "speakers": dict(self.speakers),
            "centroid": dict(self.centroid),
            "headline_vector": dict(self.headline_vector),
            "closed": self.closed,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Issue:
        """Inverse of `to_dict`."""
        return cls(
            issue_id=str(data["issue_id"]),
            key_phrases=list(data.get("key_phrases", [])),
            headline=str(data.get("headline", "")),
            headline_id=str(data.get("headline_id", "")),
            first_seen=_parse_time(data.get("first_seen")),
            last_seen=_parse_time(data.get("last_seen")),
            timeline=dict(data.get("timeline", {})),
            outlets=dict(data.get("outlets", {})),
            member_ids=list(data.get("member_ids", [])),
            tone_counts=dict(data.get("tone_counts", {})),
            speakers=dict(data.get("speakers", {})),
            centroid={k: float(v) for k, v in data.get("centroid", {}).items()},
            headline_vector={k: float(v) for k, v in data.get("headline_vector", {}).items()},
            closed=bool(data.get("closed", False)),
        )


class IssueClusterer:
    """Single-pass leader clustering of mentions into issues over a sliding time window.

    Not thread-safe: the monitor feeds it from one worker and persists `to_dict()` after each batch.
    """

    def __init__(
        self,
        *,
        threshold: float = SIM_THRESHOLD,
        window_days: float = WINDOW_DAYS,
    ) -> None:
        self.threshold = threshold
        self.window = timedelta(days=window_days)
        self.issues: dict[str, Issue] = {}
        self.item_issue: dict[str, str] = {}
        self.doc_freq: Counter[str] = Counter()
        self.doc_count = 0
        self._next_id = 1

    # -- public API -------------------------------------------------------------------------------
    def add(
        self,
        item_id: str,
        title: str,
        text: str,
        published_at: datetime | None,
        source: str,
        *,
        tone: str | None = None,
        speakers: Iterable[str] = (),
    ) -> tuple[str, str]:
        """Assign one mention to an issue (opening a new one if nothing active is close enough).

        Returns `(issue_id, label)`. Adding an id twice returns its existing issue unchanged, so a
        resumed run that replays a few items does not double-count them. `published_at=None` means
        "now in the stream": the item is placed at the latest time seen.
        """
        if item_id in self.item_issue:
            issue = self.issues[self.item_issue[item_id]]
            return issue.issue_id, issue.label
        when = published_at or self._latest_time()
        counts = item_terms(title, text)
        self.doc_count += 1
        self.doc_freq.update(counts.keys())
        vector = self._weigh(counts)
        self._close_stale(when)
        best: Issue | None = None
        best_sim = 0.0
        for issue in self.issues.values():
            if issue.closed or not self._in_window(issue, when):
                continue
            sim = _cosine(vector, issue.centroid)
            if sim > best_sim:
                best, best_sim = issue, sim
        if best is None or best_sim < self.threshold:
            best = self._open_issue()
        self._join(best, item_id, title, vector, when, source, tone, speakers)
        return best.issue_id, best.label

    def issue_of(self, item_id: str) -> Issue | None:
        """The issue an item was assigned to, or None if it was never added."""
        issue_id = self.item_issue.get(item_id)
        return self.issues.get(issue_id) if issue_id else None

    def active_issues(self, now: datetime | None = None) -> list[Issue]:
        """Open issues (seen within the window of `now`, default: the latest item), biggest first."""
        when = now or self._latest_time()
        alive = [i for i in self.issues.values() if not i.closed and self._in_window(i, when)]
        return sorted(alive, key=lambda i: (-i.size, i.issue_id))

    def to_dict(self) -> dict[str, Any]:
        """The full state as plain JSON types (see `from_dict`)."""
        return {
            "version": ISSUES_VERSION,
            "threshold": self.threshold,
            "window_days": self.window.total_seconds() / 86400,
            "next_id": self._next_id,
            "doc_count": self.doc_count,
            "doc_freq": dict(self.doc_freq),
            "issues": [issue.to_dict() for issue in self.issues.values()],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> IssueClusterer:
        """Rebuild a clusterer saved with `to_dict`; it continues exactly as the saved one would."""
        clusterer = cls(threshold=float(data["threshold"]), window_days=float(data["window_days"]))
        clusterer._next_id = int(data["next_id"])
        clusterer.doc_count = int(data["doc_count"])
        clusterer.doc_freq = Counter({k: int(v) for k, v in data["doc_freq"].items()})
        for raw in data["issues"]:
            issue = Issue.from_dict(raw)
            clusterer.issues[issue.issue_id] = issue
            for member in issue.member_ids:
                clusterer.item_issue[member] = issue.issue_id
        return clusterer

    # -- internals --------------------------------------------------------------------------------
    def _latest_time(self) -> datetime:
        seen = [i.last_seen for i in self.issues.values() if i.last_seen]
        return max(seen) if seen else datetime(1970, 1, 1)

    def _in_window(self, issue: Issue, when: datetime) -> bool:
        if issue.last_seen is None:
            return True
        return abs(_naive(when) - _naive(issue.last_seen)) <= self.window

    def _close_stale(self, when: datetime) -> None:
        # Only issues left behind by the *forward* edge of time are closed: a late-arriving old item
        # must not close everything newer than it.
        for issue in self.issues.values():
            if issue.closed or issue.last_seen is None or self._in_window(issue, when):
                continue
            if _naive(issue.last_seen) < _naive(when):
                issue.closed = True
                issue.centroid = {}
                issue.headline_vector = {}

    def _idf(self, term: str) -> float:
        return math.log((1 + self.doc_count) / (1 + self.doc_freq.get(term, 0))) + 1.0

    def _weigh(self, counts: Mapping[str, int]) -> dict[str, float]:
        vector = {term: (1.0 + math.log(count)) * self._idf(term) for term, count in counts.items()}
        length = _norm(vector)
        return {k: v / length for k, v in vector.items()} if length else {}

    def _open_issue(self) -> Issue:
        issue = Issue(issue_id=f"iss-{self._next_id:06d}")
        self._next_id += 1
        self.issues[issue.issue_id] = issue
        return issue

    def _join(
        self,
        issue: Issue,
        item_id: str,
        title: str,
        vector: dict[str, float],
        when: datetime,
        source: str,
        tone: str | None,
        speakers: Iterable[str],
    ) -> None:
        centroid = Counter(issue.centroid)
        # The centroid is the running sum of unit vectors; cosine ignores its length.
        centroid.update(vector)
        issue.centroid = dict(centroid.most_common(CENTROID_TERMS))
        issue.member_ids.append(item_id)
        self.item_issue[item_id] = issue.issue_id
        if issue.first_seen is None or _naive(when) < _naive(issue.first_seen):
            issue.first_seen = when
        if issue.last_seen is None or _naive(when) > _naive(issue.last_seen):
            issue.last_seen = when
        day = when.date().isoformat()
        issue.timeline[day] = issue.timeline.get(day, 0) + 1
        if source:
            issue.outlets[source] = issue.outlets.get(source, 0) + 1
        if tone:
            issue.tone_counts[tone] = issue.tone_counts.get(tone, 0) + 1
        for speaker in speakers:
            issue.speakers[speaker] = issue.speakers.get(speaker, 0) + 1
        # Representative headline: the member closest to the centroid. Only the current holder and the
        # newcomer are compared, which keeps `add` O(1) in the issue size; it tracks the true medoid well
        # because the centroid moves slowly once an issue has a few members.
        if not issue.headline or _cosine(vector, issue.centroid) > _cosine(
            issue.headline_vector, issue.centroid
        ):
            issue.headline, issue.headline_id = title.strip(), item_id
            issue.headline_vector = vector
        issue.key_phrases = self._key_phrases(issue.centroid)

    def _key_phrases(self, centroid: Mapping[str, float]) -> list[str]:
        # Bigrams read better than single words, so a bigram gets a small bonus; a word already inside a
        # chosen phrase is skipped so the label does not say "lewotobi · gunung lewotobi".
        scored = sorted(centroid.items(), key=lambda kv: (-(kv[1] * (1.3 if " " in kv[0] else 1.0)), kv[0]))
        chosen: list[str] = []
        for term, _ in scored:
            words = set(term.split())
            if any(words & set(c.split()) for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == KEY_PHRASES:
                break
        return chosen


def _naive(value: datetime) -> datetime:
    # Sources mix aware and naive datetimes; naive ones are taken as UTC so the two can be compared.
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
