"""The demo team over a fresh workspace with real news (the scraped-2025 sample) and the content
samples: every workflow state, responses timed from real issues, outputs that are real imported posts,
a leaver who keeps his credits, SKP targets and reviews — and a second run adds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from gaung.config import settings_from_toml
from gaung.content.samples import load_content_samples
from gaung.demo import DEMO_DIR
from gaung.kinerja import assignments as work
from gaung.kinerja.board import list_assignments
from gaung.kinerja.demo_data import LEAVER, TEAM, load_demo_team
from gaung.kinerja.staff import find_staff, list_staff
from gaung.store.schema import (
    assignment_events,
    assignments,
    posts,
    skp_reviews,
    skp_targets,
    staff,
    users,
)
from gaung.store.users import authenticate
from gaung.workspace import Workspace

FIXTURES = Path(__file__).parent / "fixtures"
COUNTED = (assignments, assignment_events, staff, users, skp_targets, skp_reviews)


@pytest.fixture
def demo_ws(db_url: str, tmp_path: Path) -> Iterator[Workspace]:
    settings = settings_from_toml(DEMO_DIR / "gaung.toml")  # the demo watchlist: good stories need it
    settings.home = tmp_path / "home"
    settings.database_url = db_url
    ws = Workspace(settings)
    ws.import_path(FIXTURES / "archive" / "scraped_2025_sample.csv")
    load_content_samples(ws.engine)
    yield ws
    ws.engine.dispose()


def _counts(ws: Workspace) -> dict[str, int]:
    with ws.engine.connect() as conn:
        counts = {
            t.name: int(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()) for t in COUNTED
        }
        counts["credited"] = int(
            conn.execute(sa.select(sa.func.count()).where(posts.c.credited_staff.is_not(None))).scalar_one()
        )
    return counts


def test_demo_team_covers_every_state_and_loads_once(demo_ws: Workspace) -> None:
    added = load_demo_team(demo_ws.engine, demo_ws.settings)
    assert added["staff"] == len(TEAM) and added["responses"] >= 2 and added["campaigns"] == 3
    with demo_ws.engine.connect() as conn:
        items, total = list_assignments(conn)
        people = list_staff(conn, include_left=True)
        leaver = find_staff(conn, LEAVER)
        credited = (
            conn.execute(sa.select(posts.c.published_at).where(posts.c.credited_staff == LEAVER))
            .scalars()
            .all()
        )
        bayu_login = conn.execute(sa.select(users.c.disabled).where(users.c.name == "bayu")).scalar_one()
        june_targets = conn.execute(
            sa.select(skp_targets.c.staff_id, skp_targets.c.indicator, skp_targets.c.target).where(
                skp_targets.c.period == "2025-06"
            )
        ).all()
        quarter = conn.execute(
            sa.select(sa.func.count()).where(skp_targets.c.period == "2025-Q2")
        ).scalar_one()
        reviewed = set(
            conn.execute(sa.select(skp_reviews.c.staff_id).where(skp_reviews.c.period == "2025-06")).scalars()
        )
    assert {i["status"] for i in items} == set(work.STATUSES)
    assert {"klarifikasi", "hak_jawab", "kampanye", "konten", "lainnya"} <= {i["kind"] for i in items}
    assert {i["origin"] for i in items} == {"issue", "story", "program", "manual"}

    responses = [i for i in items if i["kind"] in work.RESPONSE_KINDS and i["time_to_respond"] is not None]
    times = sorted(i["time_to_respond"] for i in responses)
    assert times[0] <= timedelta(hours=24) < times[-1]  # some answered within the day, one beyond
    for item in responses:  # measured from the real issue's first mention
        assert item["origin_first_seen_at"] is not None and item["issue_id"] is not None

    post_outputs = [o for i in items for o in i["outputs"] if o["kind"] == "post"]
    assert len(post_outputs) >= 6 and all(o["post_id"] is not None for o in post_outputs)
    assert all(o["reach"] and o["reach"] > 0 for o in post_outputs)  # reach from the sample exports

    # the leaver: still on old work and credited on old posts, login disabled, no new work
    assert leaver["left_on"] is not None and bayu_login is True
    assert credited and max(credited).date() < leaver["left_on"]
    assert any(m["name"] == LEAVER for i in items for m in i["members"])
    assert len(people) == len(TEAM) and all(p["supervisor_name"] for p in people if p["name"] != TEAM[0].name)

    # targets for every person in June and the quarter, with a zero target left as the bad-input case
    assert {row.staff_id for row in june_targets} == {int(p["id"]) for p in people}
    assert any(row.target == 0 for row in june_targets) and quarter == len(june_targets)
    assert 0 < len(reviewed) < len(people)  # most, not all, reviewed

    with demo_ws.engine.connect() as conn:  # the team logs in with the demo's printed password
        password = (Path(demo_ws.settings.home) / "demo-login.txt").read_text(encoding="utf-8").split()[-1]
        assert authenticate(conn, "sari", password) is not None
        assert authenticate(conn, "bayu", password) is None  # left: login disabled

    before = _counts(demo_ws)
    again = load_demo_team(demo_ws.engine, demo_ws.settings)
    assert again["already_loaded"] and again["staff"] == 0
    assert _counts(demo_ws) == before
    assert total == before["assignments"]
