"""The staff registry: supervisor links without loops, people who leave, and who may see whose work
(staff their own, supervisors their team, admins everything). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from gaung.kinerja import staff as team
from gaung.kinerja.errors import KinerjaError
from gaung.store.db import transaction
from gaung.store.schema import staff, users
from gaung.store.users import User, add_user
from gaung.workspace import Workspace

PASSWORD = "kata-sandi-uji-123"


@pytest.fixture
def office(ws: Workspace) -> dict[str, User]:
    """kepala → {sari → dimas, bayu}; an admin and an analyst without staff records."""
    made: dict[str, User] = {}
    with transaction(ws.engine) as conn:
        for name, role in (
            ("kepala", "analyst"),
            ("sari", "staff"),
            ("dimas", "staff"),
            ("bayu", "staff"),
            ("admin", "admin"),
            ("analis", "analyst"),
        ):
            made[name] = User(add_user(conn, name, PASSWORD, role), name, role)
        head = team.add_staff(conn, "Rina Kusuma", user_name="kepala", position="Kepala Seksi")
        sari = team.add_staff(conn, "Sari Wulandari", user_name="sari", supervisor=head)
        team.add_staff(conn, "Dimas Saputra", user_name="dimas", supervisor="Sari Wulandari")
        team.add_staff(conn, "Bayu Pratama", user_name="BAYU", supervisor=head, joined_on=date(2024, 1, 2))
        team.add_staff(conn, "Wawan Videografer")  # no login at all
        assert sari
    return made


def _ids(ws: Workspace, *names: str) -> set[int]:
    with ws.engine.connect() as conn:
        return {int(team.find_staff(conn, name)["id"]) for name in names}


def test_visibility_staff_own_supervisors_team_admins_all(ws: Workspace, office: dict[str, User]) -> None:
    with ws.engine.connect() as conn:
        see = {name: team.visible_staff_ids(conn, user) for name, user in office.items()}
        head = int(team.find_staff(conn, "Rina Kusuma")["id"])
        assert team.team_of(conn, head) == sorted(_ids(ws, "Sari Wulandari", "Dimas Saputra", "Bayu Pratama"))
        assert team.can_see(conn, office["sari"], int(team.find_staff(conn, "Dimas Saputra")["id"]))
        assert not team.can_see(conn, office["sari"], int(team.find_staff(conn, "Bayu Pratama")["id"]))
        assert team.visible_staff_ids(conn, None) == set()
    assert see["admin"] is None  # everything
    assert see["kepala"] == _ids(ws, "Rina Kusuma", "Sari Wulandari", "Dimas Saputra", "Bayu Pratama")
    assert see["sari"] == _ids(ws, "Sari Wulandari", "Dimas Saputra")  # herself and her report
    assert see["dimas"] == _ids(ws, "Dimas Saputra")
    assert see["bayu"] == _ids(ws, "Bayu Pratama")  # login names ignore case
    assert see["analis"] == set()  # a login without a staff record sees nobody's scorecard


def test_self_supervision_and_loops_are_refused(ws: Workspace, office: dict[str, User]) -> None:
    with transaction(ws.engine) as conn:
        head = int(team.find_staff(conn, "Rina Kusuma")["id"])
        with pytest.raises(KinerjaError, match="cannot supervise themself"):
            team.set_supervisor(conn, head, head)
        with pytest.raises(KinerjaError, match=r"Dimas Saputra reports to Rina Kusuma .* loop"):
            team.set_supervisor(conn, head, "Dimas Saputra")  # indirect: Dimas → Sari → Rina
        with pytest.raises(KinerjaError, match="loop"):
            team.set_supervisor(conn, "Sari Wulandari", "Dimas Saputra")
        old = team.set_supervisor(conn, "Dimas Saputra", "Bayu Pratama")
        assert old == int(team.find_staff(conn, "Sari Wulandari")["id"])
        assert team.set_supervisor(conn, "Wawan Videografer", None) is None
        bayu = int(team.find_staff(conn, "Bayu Pratama")["id"])
        assert int(team.find_staff(conn, "Dimas Saputra")["id"]) in team.team_of(conn, bayu)


def test_a_loop_written_into_the_database_does_not_hang(ws: Workspace, office: dict[str, User]) -> None:
    with transaction(ws.engine) as conn:
        head = int(team.find_staff(conn, "Rina Kusuma")["id"])
        sari = int(team.find_staff(conn, "Sari Wulandari")["id"])
        conn.execute(sa.update(staff).where(staff.c.id == head).values(supervisor_id=sari))  # by hand
        assert head not in team.team_of(conn, head) and sari in team.team_of(conn, head)
        assert team.visible_staff_ids(conn, office["sari"]) == set(team.team_of(conn, sari)) | {sari}


def test_leaving_keeps_the_record_and_disables_the_login(ws: Workspace, office: dict[str, User]) -> None:
    with transaction(ws.engine) as conn:
        bayu = int(team.find_staff(conn, "Bayu Pratama")["id"])
        with pytest.raises(KinerjaError, match="joined on 2024-01-02"):
            team.mark_left(conn, bayu, date(2023, 12, 31))
        team.mark_left(conn, bayu, date(2025, 7, 15))
        with pytest.raises(KinerjaError, match="left on 2025-07-15: choose a current supervisor"):
            team.add_staff(conn, "Magang Baru", supervisor="Bayu Pratama")
    with ws.engine.connect() as conn:
        names = [p["name"] for p in team.list_staff(conn)]
        everyone = [p["name"] for p in team.list_staff(conn, include_left=True)]
        disabled = conn.execute(sa.select(users.c.disabled).where(users.c.name == "bayu")).scalar_one()
        person = team.get_staff(conn, bayu)
    assert "Bayu Pratama" not in names and "Bayu Pratama" in everyone
    assert disabled is True and person is not None and person["left_on"] == date(2025, 7, 15)
    assert not team.is_active(person, date(2025, 7, 15)) and team.is_active(person, date(2025, 7, 14))


def test_bad_input(ws: Workspace, office: dict[str, User]) -> None:
    with transaction(ws.engine) as conn:
        with pytest.raises(KinerjaError, match="already exists"):
            team.add_staff(conn, "  rina   kusuma ")
        with pytest.raises(KinerjaError, match="needs a name"):
            team.add_staff(conn, "   ")
        with pytest.raises(KinerjaError, match="no user 'nobody'"):
            team.add_staff(conn, "Orang Baru", user_name="nobody")
        with pytest.raises(KinerjaError, match="already belongs to staff member 'Sari Wulandari'"):
            team.add_staff(conn, "Orang Baru", user_name="sari")
        with pytest.raises(KinerjaError, match="no staff member with id 999"):
            team.find_staff(conn, 999)
        with pytest.raises(KinerjaError, match="cannot change salary"):
            team.update_staff(conn, "Sari Wulandari", salary=1)
        team.update_staff(conn, "Sari Wulandari", position="Pranata Humas", team="Konten")
        assert team.find_staff(conn, "sari")["position"] == "Pranata Humas"  # by login name too
    with ws.engine.connect() as conn:
        assert len(team.list_staff(conn)) == 5  # the refusals stored nothing


def test_renaming_keeps_the_credits_given_by_name(ws: Workspace) -> None:
    """posts.credited_staff names people: a rename carries their posts over in the same transaction
    (however the name was spelled), and a name someone else has is refused with nothing changed."""
    from kinerjahelpers import seed_office

    from gaung.config import KinerjaSettings
    from gaung.kinerja.scorecards import scorecard
    from gaung.store.schema import posts

    office = seed_office(ws.engine)
    before = {}
    with ws.engine.connect() as conn:
        for name in ("Budi", "Joko"):
            card = scorecard(conn, office.staff[name], "2025-06", KinerjaSettings())
            before[name] = sorted(e.id for e in card.indicator("posts_published").evidence)
    assert before["Joko"] == [office.posts["P4"]]  # credited as "joko " (loosely spelled)
    with transaction(ws.engine) as conn:
        team.update_staff(conn, office.staff["Budi"], name="Budi  Santoso")
        team.update_staff(conn, office.staff["Joko"], name="Joko Widodo")
    with ws.engine.connect() as conn:
        credited = {
            key: conn.execute(sa.select(posts.c.credited_staff).where(posts.c.id == post_id)).scalar_one()
            for key, post_id in office.posts.items()
        }
        for name in ("Budi", "Joko"):
            card = scorecard(conn, office.staff[name], "2025-06", KinerjaSettings())
            assert sorted(e.id for e in card.indicator("posts_published").evidence) == before[name], name
    assert credited == {
        "P1": None,
        "P2": "Budi Santoso",
        "P3": "Joko Widodo",
        "P4": "Joko Widodo",
        "P5": "Budi Santoso",
        "P6": "Budi Santoso",
        "P7": "Budi Santoso",
    }
    with transaction(ws.engine) as conn, pytest.raises(KinerjaError, match="'Sari' already exists"):
        team.update_staff(conn, office.staff["Budi"], name="sari")
    with ws.engine.connect() as conn:
        assert team.get_staff(conn, office.staff["Budi"])["name"] == "Budi Santoso"  # type: ignore[index]
        assert (
            conn.execute(
                sa.select(sa.func.count()).where(posts.c.credited_staff == "Budi Santoso")
            ).scalar_one()
            == 4
        )
