"""Issue clustering: assignment, window expiry, aggregation, state round-trip and the JSONL command."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

from gaung.analyze.issues import IssueClusterer, item_terms
from gaung.analyze.issues_cli import cluster_jsonl
from gaung.analyze.issues_eval import bcubed

T0 = datetime(2025, 6, 18, 8, tzinfo=UTC)
ERUPTION = "Gunung Lewotobi Laki-laki erupsi, abu vulkanik membuat bandara di Flores ditutup"
BOMB = "Pesawat Saudia Airlines bawa jemaah haji mendarat darurat di Kualanamu karena ancaman bom"


def test_item_terms_drop_stopwords_and_weight_title() -> None:
    terms = item_terms("Erupsi Lewotobi", "Liputan6.com, Jakarta yang dan erupsi")
    assert terms["erupsi"] == 3 and terms["erupsi lewotobi"] == 2
    assert "yang" not in terms and "liputan6" not in terms


def test_same_event_joins_other_event_opens() -> None:
    c = IssueClusterer()
    a, _ = c.add("1", "Gunung Lewotobi erupsi, bandara Flores ditutup", ERUPTION, T0, "detik.com")
    b, _ = c.add("2", "Erupsi Lewotobi: penerbangan ke Flores dibatalkan", ERUPTION, T0, "kompas.com")
    d, label = c.add("3", "Ancaman bom di pesawat Saudia Airlines", BOMB, T0, "tempo.co")
    assert a == b != d
    issue = c.issues[a]
    assert issue.outlets == {"detik.com": 1, "kompas.com": 1}
    assert issue.timeline == {"2025-06-18": 2} and issue.member_ids == ["1", "2"]
    assert "—" in issue.label and any("lewotobi" in p for p in issue.key_phrases)
    assert "Saudia" in label


def test_window_expiry_opens_new_issue() -> None:
    c = IssueClusterer(window_days=3)
    first, _ = c.add("1", "Gunung Lewotobi erupsi", ERUPTION, T0, "detik.com")
    later, _ = c.add("2", "Gunung Lewotobi erupsi lagi", ERUPTION, T0 + timedelta(days=10), "detik.com")
    assert first != later and c.issues[first].closed and c.issues[first].centroid == {}


def test_tone_and_speakers_aggregate() -> None:
    c = IssueClusterer()
    c.add("1", "Lewotobi erupsi", ERUPTION, T0, "a", tone="negative", speakers=["Mensos"])
    issue_id, _ = c.add("2", "Lewotobi erupsi", ERUPTION, T0, "b", tone="neutral", speakers=["Mensos"])
    issue = c.issues[issue_id]
    assert issue.tone_mix == {"negative": 0.5, "neutral": 0.5} and issue.speakers == {"Mensos": 2}


def test_state_round_trip_continues_identically() -> None:
    items = [
        ("1", "Lewotobi erupsi", ERUPTION),
        ("2", "Bom Saudia", BOMB),
        ("3", "Lewotobi erupsi, bandara tutup", ERUPTION),
        ("4", "Ancaman bom Saudia", BOMB),
    ]
    whole = IssueClusterer()
    results = [whole.add(i, t, x, T0, "s") for i, t, x in items]
    half = IssueClusterer()
    for i, t, x in items[:2]:
        half.add(i, t, x, T0, "s")
    resumed = IssueClusterer.from_dict(json.loads(json.dumps(half.to_dict())))
    assert [resumed.add(i, t, x, T0, "s") for i, t, x in items[2:]] == results[2:]
    assert resumed.add("1", "Lewotobi erupsi", ERUPTION, T0, "s")[0] == results[0][0]  # idempotent


def test_empty_and_naive_dates_do_not_crash() -> None:
    c = IssueClusterer()
    c.add("1", "", "", None, "")
    c.add("2", "Lewotobi", ERUPTION, datetime(2025, 6, 18, 9), "x")
    c.add("3", "Lewotobi", ERUPTION, T0, "x")
    assert len(c.item_issue) == 3


def test_bcubed_known_values() -> None:
    assert bcubed(["a", "a", "b"], ["x", "x", "y"])["f1"] == 1.0
    singletons = bcubed(["a", "a"], ["x", "y"])
    assert singletons["precision"] == 1.0 and singletons["recall"] == 0.5


def test_cluster_jsonl_reports_bad_lines_and_continues() -> None:
    lines = [
        json.dumps({"id": "1", "title": "Lewotobi erupsi", "text": ERUPTION,
                    "published_at": "2025-06-18T08:00:00+07:00", "source": "detik.com"}),
        "{not json",
        json.dumps(["no", "id"]),
        json.dumps({"id": "2", "title": "Lewotobi erupsi lagi", "text": ERUPTION,
                    "published_at": "Rabu 18 Jun 2025 22:02 WIB", "source": "okezone.com"}),
    ]  # fmt: skip
    out, err = io.StringIO(), io.StringIO()
    clustered, rejected = cluster_jsonl(io.StringIO("\n".join(lines) + "\n"), out, err)
    assert (clustered, rejected) == (2, 2)
    assert "line 2" in err.getvalue() and "line 3" in err.getvalue()
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == ["1", "2"] and rows[0]["issue_id"] == rows[1]["issue_id"]
    assert set(rows[0]) == {"id", "issue_id", "issue_label"} and rows[0]["issue_label"]
