"""The analysis stages run on every mention, and the batch interface `gaung analyze --jsonl`.

For each text, in order:
1. repair (HTML fragments, mojibake, emoji) and language detection (Indonesian family / English / other);
2. sentiment and tone toward government (linear models built by `gaung models build`; headline, lead and
   sentences naming watched entities weigh most), with the phrases that drove the tone;
3. entities: watchlist hits (people, agencies, programmes, places with aliases) plus CRF NER;
4. quotes: who said what, speakers resolved to the watchlist or NER persons;
5. (in the store) the issue the mention belongs to, clustered incrementally over a time window.
Every stored mention records `analysis_version` (models + rules), so `gaung reprocess` can redo it.
An analyst's correction always wins over a model's output, also after reprocessing.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, select, update

from gaung.analyze.entities import Entity, extract_entities
from gaung.analyze.issues import ISSUES_VERSION, Issue, IssueClusterer
from gaung.analyze.language import detect_language
from gaung.analyze.normalize import fix_mojibake, replace_emoji, strip_html
from gaung.analyze.quotes import Quote, extract_quotes
from gaung.analyze.tone import analyze_many
from gaung.analyze.watchlist import WatchlistMatcher, compile_watchlist
from gaung.config import Settings

if TYPE_CHECKING:
    from gaung.analyze.modelstore import ModelBundle
    from gaung.analyze.ner import NerModel
    from gaung.models import Article

QUOTES_VERSION = "quotes-1"
# NER and quote rules are linear in text length, but a 1 MB "article" is a scraper accident, not news:
# analyse its first part only (tone already reads headline, lead and actor sentences).
MAX_ANALYSIS_CHARS = 60_000
ISSUE_STATE = "issue_clusterer"
ISSUE_STATE_SAVE_SECONDS = 5.0  # persist clusterer state at most this often (and at every batch end)
CORRECTION_REASON = ["koreksi analis / analyst correction"]


@dataclass
class Analysis:
    """Everything the language layer says about one text: the `gaung analyze --jsonl` output."""

    language: str
    sentiment: str
    sentiment_scores: dict[str, float]
    tone: str
    tone_scores: dict[str, float]
    tone_reason: list[str]
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    version: str = ""
    text: str = ""  # the repaired text the offsets refer to (not part of the JSON output)
    title: str | None = None

    def to_json_dict(self, item_id: Any = None) -> dict[str, Any]:
        return {
            "id": item_id,
            "language": self.language,
            "sentiment": self.sentiment,
            "sentiment_scores": self.sentiment_scores,
            "tone": self.tone,
            "tone_scores": self.tone_scores,
            "tone_reason": self.tone_reason,
            "entities": [e.to_json_dict() for e in self.entities],
            "quotes": [{"speaker": q.speaker, "text": q.text, "verb": q.verb} for q in self.quotes],
        }


def repair(text: str) -> str:
    """HTML fragments and mojibake out, everything else (emoji included) kept: what is stored and shown."""
    return fix_mojibake(strip_html(text))


class Analyzer:
    """Loads the models once (building the default ones on first use) and analyses texts in batches."""

    def __init__(
        self,
        settings: Settings,
        *,
        bundle: ModelBundle | None = None,
        ner: NerModel | None = None,
        progress: bool = True,
    ):
        self.settings = settings
        self.matcher: WatchlistMatcher | None = (
            compile_watchlist(settings.watchlist) if settings.watchlist else None
        )  # a bad watchlist entry fails here, at start-up, naming the entry
        self.watch_terms = [term for entry in settings.watchlist for term in (entry.name, *entry.aliases)]
        self._bundle = bundle
        self._ner = ner
        self.progress = progress

    @property
    def bundle(self) -> ModelBundle:
        if self._bundle is None:
            from gaung.analyze.modelstore import ensure_models

            self._bundle = ensure_models(progress=self.progress)
        return self._bundle

    @property
    def ner(self) -> NerModel:
        if self._ner is None:
            from gaung.analyze.ner import load_ner

            self._ner = load_ner(build_if_missing=True)
        return self._ner

    @cached_property
    def version(self) -> str:
        return f"{self.bundle.version}+{self.ner.version}+{QUOTES_VERSION}+{ISSUES_VERSION}"

    def analyze_many(self, items: Sequence[tuple[str | None, str]]) -> list[Analysis]:
        """Analyse (title, text) pairs; sentiment and tone run vectorised over the whole batch.

        Entity and quote offsets point into the text after HTML and mojibake repair (`Analysis.text`),
        which is the input itself whenever it was clean; emoji are kept there and only hidden from the models.
        """
        if not items:
            return []
        repaired = [(repair(title) if title else title, repair(text)) for title, text in items]
        tones = analyze_many(
            [(replace_emoji(title) if title else title, replace_emoji(text)) for title, text in repaired],
            self.watch_terms,
            bundle=self.bundle,
        )
        results = []
        for (title, text), tone in zip(repaired, tones, strict=True):
            body = text[:MAX_ANALYSIS_CHARS]
            entities = extract_entities(body, self.matcher, self.ner)
            quotes = extract_quotes(body, self.matcher, self.ner, entities=entities)
            results.append(
                Analysis(
                    language=detect_language(replace_emoji(f"{title or ''}\n{body[:5000]}")),
                    sentiment=tone.sentiment,
                    sentiment_scores=tone.sentiment_scores,
                    tone=tone.tone.label,
                    tone_scores=tone.tone.scores,
                    tone_reason=list(tone.tone.reason),
                    entities=entities,
                    quotes=quotes,
                    version=self.version,
                    text=text,
                    title=title,
                )
            )
        return results

    def analyze(self, title: str | None, text: str) -> Analysis:
        return self.analyze_many([(title, text)])[0]

    def analyze_parallel(
        self, items: Sequence[tuple[str | None, str]], workers: int | None = None
    ) -> list[Analysis]:
        """`analyze_many` over forked worker processes for big batches (bulk imports, reprocessing).

        The models are loaded here first, so forked workers share them copy-on-write instead of loading
        their own; small batches, one core, or a platform without fork fall back to one process.
        """
        workers = workers if workers is not None else default_workers()
        if workers <= 1 or len(items) < PARALLEL_MIN_ITEMS or "fork" not in mp.get_all_start_methods():
            return self.analyze_many(items)
        self.version  # noqa: B018  (loads both models before forking)
        global _FORKED_ANALYZER
        _FORKED_ANALYZER = self
        size = -(-len(items) // workers)
        chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
                parts = list(pool.map(_analyze_in_worker, chunks))
        finally:
            _FORKED_ANALYZER = None
        return [analysis for part in parts for analysis in part]


PARALLEL_MIN_ITEMS = 32  # below this, forking costs more than it saves
_FORKED_ANALYZER: Analyzer | None = None


def default_workers() -> int:
    """Analysis processes for bulk work: `$GAUNG_ANALYSIS_WORKERS`, else up to two cores."""
    configured = os.environ.get("GAUNG_ANALYSIS_WORKERS")
    if configured:
        return max(1, int(configured))
    return max(1, min(2, os.cpu_count() or 1))


def _analyze_in_worker(items: list[tuple[str | None, str]]) -> list[Analysis]:
    assert _FORKED_ANALYZER is not None, "worker started without a forked analyzer"
    return _FORKED_ANALYZER.analyze_many(items)


# -- storing analyses -------------------------------------------------------------------------------


def store_analysis(conn: Connection, mention_id: int, analysis: Analysis) -> None:
    """Write one mention's analysis (replacing an earlier one); analysts' corrections are kept."""
    from gaung.store.schema import corrections, mention_entities, mention_quotes, mentions

    values: dict[str, Any] = {
        "language": analysis.language,
        "sentiment": analysis.sentiment,
        "sentiment_scores": analysis.sentiment_scores,
        "tone": analysis.tone,
        "tone_scores": analysis.tone_scores,
        "tone_reason": analysis.tone_reason,
        "analysis_version": analysis.version,
    }
    corrected = conn.execute(
        select(corrections.c.field, corrections.c.new_value)
        .where(corrections.c.mention_id == mention_id, corrections.c.field.in_(("tone", "sentiment")))
        .order_by(corrections.c.id)
    ).all()
    for field_name, new_value in corrected:  # later corrections override earlier ones
        values[field_name] = new_value
        if field_name == "tone":
            values["tone_reason"] = CORRECTION_REASON
    conn.execute(update(mentions).where(mentions.c.id == mention_id).values(**values))
    conn.execute(delete(mention_entities).where(mention_entities.c.mention_id == mention_id))
    conn.execute(delete(mention_quotes).where(mention_quotes.c.mention_id == mention_id))
    if analysis.entities:
        conn.execute(
            mention_entities.insert(),
            [
                {
                    "mention_id": mention_id,
                    "text": e.text,
                    "type": e.type,
                    "start": e.start,
                    "end": e.end,
                    "watch_id": e.watch_id,
                    "normalized": " ".join(e.text.lower().split()),
                }
                for e in analysis.entities
            ],
        )
    if analysis.quotes:
        conn.execute(
            mention_quotes.insert(),
            [
                {
                    "mention_id": mention_id,
                    "speaker": q.speaker,
                    "speaker_watch_id": q.speaker_watch_id,
                    "text": q.text,
                    "verb": q.verb,
                    "start": q.start,
                    "end": q.end,
                }
                for q in analysis.quotes
            ],
        )
    _reapply_entity_corrections(conn, mention_id)


def _reapply_entity_corrections(conn: Connection, mention_id: int) -> None:
    """Analysts' entity fixes (remove, retype, link to a watch id) survive re-analysis.

    Entity rows are recreated on every analysis, so a fix is matched by the span it was made on
    (start, end and text, kept in the correction's old_value), in the order the fixes were made.
    """
    from sqlalchemy import and_

    from gaung.store.schema import corrections, mention_entities

    fixes = conn.execute(
        select(corrections.c.old_value, corrections.c.new_value)
        .where(corrections.c.mention_id == mention_id, corrections.c.field == "entity")
        .order_by(corrections.c.id)
    ).all()
    for old, new in fixes:
        if not isinstance(old, dict) or not isinstance(new, dict):
            continue
        span = and_(
            mention_entities.c.mention_id == mention_id,
            mention_entities.c.start == old.get("start"),
            mention_entities.c.end == old.get("end"),
            mention_entities.c.text == old.get("text"),
        )
        action = new.get("action")
        if action == "remove":
            conn.execute(delete(mention_entities).where(span))
        elif action == "type":
            conn.execute(update(mention_entities).where(span).values(type=new.get("value")))
        elif action == "link":
            conn.execute(
                update(mention_entities).where(span).values(watch_id=(new.get("value") or "").strip() or None)
            )


class IssueStage:
    """Assigns stored mentions to issues with the incremental clusterer; its state lives in the database."""

    def __init__(self, engine: Any):
        from gaung.store.schema import analysis_state

        self.engine = engine
        with engine.connect() as conn:
            row = conn.execute(
                select(analysis_state.c.data).where(analysis_state.c.name == ISSUE_STATE)
            ).first()
        self.clusterer = IssueClusterer.from_dict(json.loads(row[0])) if row else IssueClusterer()
        self._saved_at = time.monotonic()
        self._dirty = False

    def __call__(self, conn: Connection, mention_id: int, article: Article) -> None:
        from gaung.store.schema import mentions

        analysis: Analysis | None = getattr(article, "analysis", None)
        speakers = [q.speaker for q in analysis.quotes if q.speaker] if analysis else []
        key, _label = self.clusterer.add(
            str(mention_id),
            article.title or "",
            article.text,
            article.published_at,
            article.site or "",
            tone=analysis.tone if analysis else None,
            speakers=speakers,
        )
        issue = self.clusterer.issues[key]
        issue_id = upsert_issue(conn, issue)
        conn.execute(update(mentions).where(mentions.c.id == mention_id).values(issue_id=issue_id))
        self._dirty = True
        if time.monotonic() - self._saved_at > ISSUE_STATE_SAVE_SECONDS:
            self.save(conn)

    def save(self, conn: Connection) -> None:
        """Persist the clusterer (called at batch ends, and every few seconds by the stage)."""
        from gaung.store.schema import analysis_state

        if not self._dirty:
            return
        data = json.dumps(self.clusterer.to_dict()).encode()
        now = datetime.now(UTC).replace(tzinfo=None)
        updated = conn.execute(
            update(analysis_state)
            .where(analysis_state.c.name == ISSUE_STATE)
            .values(data=data, updated_at=now)
        )
        if updated.rowcount == 0:
            conn.execute(analysis_state.insert().values(name=ISSUE_STATE, data=data, updated_at=now))
        self._saved_at = time.monotonic()
        self._dirty = False


def upsert_issue(conn: Connection, issue: Issue) -> int:
    """Mirror one clusterer issue into the `issues` table; an analyst's rename is kept."""
    from gaung.store.schema import issues

    def naive(moment: datetime | None) -> datetime | None:
        return moment.astimezone(UTC).replace(tzinfo=None) if moment and moment.tzinfo else moment

    values: dict[str, Any] = {
        "key_phrases": list(issue.key_phrases),
        "representative_mention_id": _as_int(issue.headline_id),
        "first_seen_at": naive(issue.first_seen),
        "last_seen_at": naive(issue.last_seen),
        "size": issue.size,
        "outlets": len(issue.outlets),
    }
    row = conn.execute(
        select(issues.c.id, issues.c.renamed, issues.c.merged_into).where(issues.c.key == issue.issue_id)
    ).first()
    if row is None:
        result = conn.execute(
            issues.insert().values(key=issue.issue_id, label=issue.label, renamed=False, **values)
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]
    if row.merged_into is not None:
        return _merge_target(conn, int(row.merged_into))  # an analyst merged it: new members follow
    if not row.renamed:
        values["label"] = issue.label
    conn.execute(update(issues).where(issues.c.id == row.id).values(**values))
    return int(row.id)


def _merge_target(conn: Connection, issue_id: int) -> int:
    """Follow a chain of merges to the issue that survives (bounded, in case of a cycle)."""
    from gaung.store.schema import issues

    for _ in range(20):
        target = conn.execute(
            select(issues.c.merged_into).where(issues.c.id == issue_id)
        ).scalar_one_or_none()
        if target is None:
            return issue_id
        issue_id = int(target)
    return issue_id


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def stages_for(settings: Settings, engine: Any = None, *, analyzer: Analyzer | None = None) -> dict[str, Any]:
    """Keyword arguments for `Pipeline(...)`: language + models before storage, rows and issues after."""
    analyzer = analyzer or Analyzer(settings)

    def analyze_batch(articles: list[Article]) -> None:
        todo = [a for a in articles if a.analysis is None]
        results = analyzer.analyze_parallel([(a.title, a.text) for a in todo])
        for article, analysis in zip(todo, results, strict=True):
            article.analysis = analysis
            article.language = analysis.language
            article.text, article.title = analysis.text, analysis.title  # offsets refer to the repaired text

    def analyze_stage(article: Article) -> None:
        if article.analysis is None:  # not already done by analyze_batch
            analyze_batch([article])

    def store_stage(conn: Connection, mention_id: int, article: Article) -> None:
        if article.analysis is not None:
            store_analysis(conn, mention_id, article.analysis)

    post: list[Callable[[Connection, int, Article], None]] = [store_stage]
    batch_end: list[Callable[[Connection], None]] = []
    if engine is not None:
        issue_stage = IssueStage(engine)
        post.append(issue_stage)
        batch_end.append(issue_stage.save)
    return {
        "pre_stages": [analyze_stage],
        "post_stages": post,
        "batch_end": batch_end,
        "pre_batch": [analyze_batch],
    }


# -- `gaung analyze --jsonl` --------------------------------------------------------------------------


def analyze_jsonl(
    source: Iterable[str], out: IO[str], err: IO[str], analyzer: Analyzer, batch_size: int = 64
) -> tuple[int, int]:
    """Read JSON lines {"id","title","text"} and write one analysis per line; bad lines are reported
    on `err` with their line number and skipped. Returns (analysed, rejected)."""
    done = rejected = 0
    batch: list[tuple[Any, str | None, str]] = []

    def flush() -> None:
        nonlocal done
        results = analyzer.analyze_many([(title, text) for _, title, text in batch])
        for (item_id, _, _), analysis in zip(batch, results, strict=True):
            out.write(json.dumps(analysis.to_json_dict(item_id), ensure_ascii=False) + "\n")
        done += len(batch)
        batch.clear()

    for number, line in enumerate(source, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            err.write(f"line {number}: invalid JSON ({exc.msg} at column {exc.colno}); skipped\n")
            rejected += 1
            continue
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("text", ""), str)
            or not isinstance(item.get("title") or "", str)
        ):
            err.write(f'line {number}: expected an object with string "title" and "text"; skipped\n')
            rejected += 1
            continue
        batch.append((item.get("id"), item.get("title"), item.get("text") or ""))
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return done, rejected
