"""`gaung staff …` and `gaung assignments …`: the team and its Penugasan from the command line.

A thin shell over `gaung.kinerja.staff`, `.assignments` and `.board`: every command opens one
transaction, calls the same function the web app calls, and records what it changed in the audit log
(signed by `--by`, default the operating-system user).
"""

from __future__ import annotations

import getpass
import json
import sys
from datetime import date
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from gaung.kinerja import assignments as work
from gaung.kinerja import staff as team
from gaung.kinerja.board import get_assignment, list_assignments
from gaung.kinerja.errors import KinerjaError
from gaung.store.db import transaction
from gaung.store.users import audit

staff_app = typer.Typer(help="The office's team: who reports to whom, who left.", no_args_is_help=True)
assignments_app = typer.Typer(
    help="Penugasan: responses, content and campaign work with their outputs.", no_args_is_help=True
)
console = Console()


def _workspace() -> Any:  # imported late: gaung.cli imports this module
    from gaung.cli import workspace

    return workspace()


def _by(value: str | None) -> str:
    return value or f"cli:{getpass.getuser()}"


def _date(text: str | None, what: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise KinerjaError(f"{what} {text!r} is not a date: use YYYY-MM-DD") from None


def _json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, default=str) + "\n")


# -- staff ----------------------------------------------------------------------------------------------


@staff_app.command("add")
def staff_add(
    name: str = typer.Argument(..., help="Display name (also the name posts are credited to)."),
    user: str | None = typer.Option(None, "--user", help="Link to this login (gaung users add …)."),
    supervisor: str | None = typer.Option(None, "--supervisor", help="Supervisor's staff id or name."),
    team_name: str | None = typer.Option(None, "--team"),
    position: str | None = typer.Option(None, "--position", help="Jabatan."),
    nip: str | None = typer.Option(None, "--nip"),
    joined: str | None = typer.Option(None, "--joined", help="YYYY-MM-DD"),
) -> None:
    """Register a staff member."""
    with transaction(_workspace().engine) as conn:
        staff_id = team.add_staff(
            conn,
            name,
            user_name=user,
            supervisor=supervisor,
            team=team_name,
            position=position,
            nip=nip,
            joined_on=_date(joined, "--joined"),
        )
        audit(conn, None, "staff.add", f"staff:{staff_id}", {"name": name, "by": _by(None)})
    console.print(f"staff {staff_id}: {escape(name)}", highlight=False)


@staff_app.command("list")
def staff_list(
    include_left: bool = typer.Option(False, "--all", help="Include people who left."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The team, by name."""
    with _workspace().engine.connect() as conn:
        people = team.list_staff(conn, include_left=include_left)
    if as_json:
        _json(people)
        return
    table = Table("id", "name", "login", "supervisor", "team", "position", "left")
    for p in people:
        table.add_row(
            str(p["id"]),
            escape(p["name"]),
            escape(p["user_name"] or "-"),
            escape(p["supervisor_name"] or "-"),
            escape(p["team"] or "-"),
            escape(p["position"] or "-"),
            str(p["left_on"] or ""),
        )
    console.print(table)


@staff_app.command("leave")
def staff_leave(
    person: str = typer.Argument(..., help="Staff id or name."),
    on: str = typer.Option(..., "--on", help="Last day, YYYY-MM-DD."),
    keep_login: bool = typer.Option(False, "--keep-login", help="Do not disable their login."),
) -> None:
    """Record that someone left: their work and credits stay, their login is disabled."""
    left_on = _date(on, "--on")
    assert left_on is not None
    with transaction(_workspace().engine) as conn:
        found = team.find_staff(conn, person)
        team.mark_left(conn, int(found["id"]), left_on, disable_login=not keep_login)
        audit(conn, None, "staff.leave", f"staff:{found['id']}", {"left_on": str(left_on), "by": _by(None)})
    console.print(f"{escape(found['name'])} left on {left_on}", highlight=False)


@staff_app.command("supervisor")
def staff_supervisor(
    person: str = typer.Argument(..., help="Staff id or name."),
    supervisor: str = typer.Argument(..., help="The supervisor's staff id or name; '-' for none."),
) -> None:
    """Set who supervises someone (loops and self-supervision are refused)."""
    with transaction(_workspace().engine) as conn:
        found = team.find_staff(conn, person)
        old = team.set_supervisor(conn, int(found["id"]), None if supervisor == "-" else supervisor)
        audit(conn, None, "staff.supervisor", f"staff:{found['id']}", {"from": old, "to": supervisor})
    console.print(f"{escape(found['name'])}: supervisor {escape(supervisor)}", highlight=False)


# -- assignments ----------------------------------------------------------------------------------------


def _member_pairs(values: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for value in values:
        name, sep, role = value.rpartition(":")
        if not sep or not name.strip():
            raise KinerjaError(f"--member {value!r}: write NAME:ROLE, e.g. 'Sari Wulandari:writer'")
        pairs.append((name.strip(), role.strip()))
    return pairs


@assignments_app.command("list")
def assignments_list(
    status: str | None = typer.Option(None, help="ide | dikerjakan | ditinjau | terbit | selesai"),
    kind: str | None = typer.Option(None, help=" | ".join(work.KINDS)),
    person: str | None = typer.Option(None, "--person", help="Only this staff member's (id or name)."),
    overdue: bool = typer.Option(False, "--overdue", help="Only past due and not yet published."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Assignments, soonest due first."""
    with _workspace().engine.connect() as conn:
        staff_id = int(team.find_staff(conn, person)["id"]) if person else None
        items, total = list_assignments(
            conn, status=status, kind=kind, staff_id=staff_id, overdue=True if overdue else None
        )
    if as_json:
        _json(
            [
                {
                    **{k: v for k, v in item.items() if k not in ("moves", "time_to_respond")},
                    "time_to_respond_hours": _hours(item["time_to_respond"]),
                }
                for item in items
            ]
        )
        return
    table = Table("id", "status", "kind", "title", "due (UTC)", "members", title=f"{total} assignments")
    for item in items:
        due = str(item["due_at"] or "-") + (" [red]LATE[/red]" if item["overdue"] else "")
        members = ", ".join(f"{m['name']} ({m['role']})" for m in item["members"]) or "-"
        table.add_row(
            str(item["id"]), item["status"], item["kind"], escape(item["title"]), due, escape(members)
        )
    console.print(table)


def _hours(value: Any) -> float | None:
    return round(value.total_seconds() / 3600, 2) if value is not None else None


@assignments_app.command("add")
def assignments_add(
    title: str | None = typer.Argument(None, help="Title (default: from the issue, story or programme)."),
    kind: str = typer.Option("lainnya", help=" | ".join(work.KINDS)),
    issue: int | None = typer.Option(
        None, "--issue", help="Answer this issue (klarifikasi, hak_jawab, siaran_pers)."
    ),
    story: int | None = typer.Option(None, "--story", help="Content from this good story (mention id)."),
    program: str | None = typer.Option(None, "--program", help="A campaign for this programme."),
    brief: str | None = typer.Option(None, "--brief"),
    due: str | None = typer.Option(
        None, "--due", help="YYYY-MM-DD (end of that day, WIB) or YYYY-MM-DD HH:MM."
    ),
    member: list[str] = typer.Option([], "--member", help="NAME:ROLE, repeatable (writer, designer, ...)."),
    by: str | None = typer.Option(None, "--by", help="Who creates it (kept with it)."),
) -> None:
    """Create an assignment, from an issue, a good story, a programme or by hand."""
    options: dict[str, Any] = {
        "brief": brief,
        "due_at": work.parse_due(due),
        "members": _member_pairs(member),
        "created_by": _by(by),
    }
    if kind == "lainnya" and story is not None:
        kind = "konten"  # the natural kind for each origin when none is given
    elif kind == "lainnya" and program is not None:
        kind = "kampanye"
    with transaction(_workspace().engine) as conn:
        new_id = work.new_assignment(
            conn, kind, title=title, issue_id=issue, mention_id=story, program=program, **options
        )
        audit(
            conn,
            None,
            "assignment.create",
            f"assignment:{new_id}",
            {"kind": kind, "by": options["created_by"]},
        )
    console.print(f"assignment {new_id} created (status ide)")


@assignments_app.command("move")
def assignments_move(
    assignment_id: int = typer.Argument(...),
    status: str = typer.Argument(..., help="ide | dikerjakan | ditinjau | terbit | selesai"),
    note: str | None = typer.Option(None, "--note"),
    by: str | None = typer.Option(None, "--by"),
) -> None:
    """Move an assignment along the workflow (back one step at most; selesai only after terbit)."""
    with transaction(_workspace().engine) as conn:
        event = work.move_assignment(conn, assignment_id, status, actor=_by(by), note=note)
        audit(
            conn,
            None,
            "assignment.move",
            f"assignment:{assignment_id}",
            {"from": event["from_status"], "to": status, "by": _by(by)},
        )
    console.print(f"assignment {assignment_id}: {event['from_status']} → {event['to_status']}")


@assignments_app.command("comment")
def assignments_comment(
    assignment_id: int = typer.Argument(...),
    text: str = typer.Argument(...),
    by: str | None = typer.Option(None, "--by"),
) -> None:
    """Add a comment."""
    with transaction(_workspace().engine) as conn:
        work.add_comment(conn, assignment_id, _by(by), text)
        audit(conn, None, "assignment.comment", f"assignment:{assignment_id}", {"by": _by(by)})
    console.print(f"comment added to assignment {assignment_id}")


@assignments_app.command("link")
def assignments_link(
    assignment_id: int = typer.Argument(...),
    url: str = typer.Argument(..., help="A post's permalink, or a document/report address."),
    kind: str = typer.Option("post", help=" | ".join(work.OUTPUT_KINDS)),
    title: str | None = typer.Option(None, "--title"),
    by: str | None = typer.Option(None, "--by"),
) -> None:
    """Link an output; a post is matched to the imported posts by its permalink (now or after an import)."""
    with transaction(_workspace().engine) as conn:
        output = work.add_output(conn, assignment_id, url, kind=kind, title=title, added_by=_by(by))
        audit(
            conn,
            None,
            "assignment.link",
            f"assignment:{assignment_id}",
            {"url": output["url"], "by": _by(by)},
        )
    if output["post_id"] is not None:
        console.print(f"linked to post {output['post_id']} ({escape(output['url'])})", highlight=False)
    elif output["kind"] == "post":
        console.print(
            f"linked {escape(output['url'])}; no imported post has this permalink yet — it will be matched "
            "after the next `gaung content import`",
            highlight=False,
        )
    else:
        console.print(f"linked {escape(output['url'])}", highlight=False)


@assignments_app.command("show")
def assignments_show(
    assignment_id: int = typer.Argument(...), as_json: bool = typer.Option(False, "--json")
) -> None:
    """One assignment with its history, comments and outputs."""
    with _workspace().engine.connect() as conn:
        item = get_assignment(conn, assignment_id)
    if item is None:
        raise KinerjaError(f"no assignment with id {assignment_id}")
    if as_json:
        _json({**item, "time_to_respond_hours": _hours(item.pop("time_to_respond"))})
        return
    console.print(f"[bold]#{item['id']} {escape(item['title'])}[/bold]  {item['kind']} · {item['status']}")
    for event in item["events"]:
        console.print(
            f"  {event['at']:%Y-%m-%d %H:%M} {event['from_status'] or '-'} → {event['to_status']} "
            f"({escape(event['actor'] or '?')})",
            highlight=False,
        )
    for output in item["outputs"]:
        console.print(
            f"  output {output['kind']}: {escape(output['url'])} reach {output['reach'] or '-'}",
            highlight=False,
        )
    ttr = item["time_to_respond"]
    if ttr is not None:
        console.print(f"  time to respond: {_hours(ttr)} h")
