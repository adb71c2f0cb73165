"""`gaung users …`: accounts, roles and API tokens from the command line (mounted by gaung.cli).

The first admin of a fresh installation is made here (`gaung users add admin --role admin
--password-stdin`); everything else can also be done on the Pengguna page. Passwords are read from
stdin, never from arguments, so they do not land in shell history or `ps` output. Every change is in
the audit log, signed "cli" (whoever can run this command already holds the database).
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from gaung.errors import GaungError
from gaung.store import users as store
from gaung.store.db import transaction
from gaung.workspace import Workspace

users_app = typer.Typer(help="Manage users, roles and API tokens.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for scripts (Authorization: Bearer …).", no_args_is_help=True)
users_app.add_typer(token_app, name="token")
console = Console()
err = Console(stderr=True)
CLI_DETAILS = {"via": "cli"}


def _workspace() -> Workspace:
    """The workspace of the enclosing `gaung` command (honours its --config)."""
    from gaung import cli  # cli mounts this module: import when used

    return cli.workspace()


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise GaungError("no password on stdin (pipe it in: echo 'secret' | gaung users add …)")
        return password
    if not sys.stdin.isatty():
        raise GaungError("use --password-stdin to read the password from a pipe")
    first = getpass.getpass("Password / kata sandi: ")
    if getpass.getpass("Again / ulangi: ") != first:
        raise GaungError("the two passwords differ; nothing changed")
    return first


def _role_option() -> Any:
    return typer.Option(..., "--role", "-r", help=f"One of: {', '.join(store.ROLES)}.")


@users_app.command("add")
def add(
    name: str = typer.Argument(..., help="Login name (letters, digits, . _ @ -); case does not matter."),
    role: str = _role_option(),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
) -> None:
    """Create a user (works on a fresh database: migrations run first)."""
    password = _read_password(password_stdin)
    with transaction(_workspace().engine) as conn:
        user_id = store.add_user(conn, name, password, role)
        row = store.get_user_row(conn, user_id)
        store.audit(conn, None, "user.add", row["name"], {**CLI_DETAILS, "role": role})
    console.print(f"Added user #{user_id} {row['name']} ({role})", highlight=False)


@users_app.command("list")
def list_() -> None:
    """List users with role, status, last login and live API tokens."""
    with _workspace().engine.connect() as conn:
        rows = store.list_users(conn)
        tokens = store.list_tokens(conn)
    table = Table("id", "name", "role", "status", "last login (UTC)", "tokens")
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["name"],
            r["role"],
            "disabled" if r["disabled"] else "active",
            r["last_login_at"].strftime("%Y-%m-%d %H:%M") if r["last_login_at"] else "never",
            str(r["tokens"]),
        )
    console.print(table)
    live = [t for t in tokens if t["revoked_at"] is None]
    if live:
        token_table = Table("token id", "user", "label", "starts with", "last used (UTC)", title="API tokens")
        for t in live:
            token_table.add_row(
                str(t["id"]),
                t["user_name"],
                t["label"],
                t["prefix"] + "…",
                t["last_used_at"].strftime("%Y-%m-%d %H:%M") if t["last_used_at"] else "never",
            )
        console.print(token_table)


@users_app.command("set-role")
def set_role(name: str = typer.Argument(...), role: str = _role_option()) -> None:
    """Change a user's role (applies from their next request)."""
    with transaction(_workspace().engine) as conn:
        before = store.set_role(conn, name, role)
        store.audit(
            conn, None, "user.role", before["name"], {**CLI_DETAILS, "from": before["role"], "to": role}
        )
    console.print(f"{before['name']}: {before['role']} -> {role}", highlight=False)


@users_app.command("disable")
def disable(name: str = typer.Argument(...)) -> None:
    """Disable a user: their sessions end and their API tokens stop working."""
    with transaction(_workspace().engine) as conn:
        row = store.set_disabled(conn, name, True)
        store.audit(conn, None, "user.disable", row["name"], CLI_DETAILS)
    console.print(f"{row['name']}: disabled", highlight=False)


@users_app.command("enable")
def enable(name: str = typer.Argument(...)) -> None:
    """Re-enable a disabled user."""
    with transaction(_workspace().engine) as conn:
        row = store.set_disabled(conn, name, False)
        store.audit(conn, None, "user.enable", row["name"], CLI_DETAILS)
    console.print(f"{row['name']}: enabled", highlight=False)


@users_app.command("set-password")
def set_password(
    name: str = typer.Argument(...),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
) -> None:
    """Set a new password (the user is logged out everywhere)."""
    password = _read_password(password_stdin)
    with transaction(_workspace().engine) as conn:
        store.set_password(conn, name, password)
        store.audit(conn, None, "user.password", name.strip().lower(), CLI_DETAILS)
    console.print(f"{name}: password changed", highlight=False)


@token_app.command("create")
def token_create(
    name: str = typer.Argument(..., help="The user the token acts as (with that user's role)."),
    label: str = typer.Option(..., "--label", "-l", help="Which script or machine uses it."),
) -> None:
    """Create an API token and print it once; only its hash is kept."""
    with transaction(_workspace().engine) as conn:
        token_id, token = store.create_token(conn, name, label)
        store.audit(conn, None, "token.create", name.strip().lower(), {**CLI_DETAILS, "token_id": token_id})
    err.print(f"API token #{token_id} for {name} ({label}); shown once, store it now:", highlight=False)
    sys.stdout.write(token + "\n")


@token_app.command("revoke")
def token_revoke(token_id: int = typer.Argument(..., help="See: gaung users list")) -> None:
    """Revoke an API token at once."""
    with transaction(_workspace().engine) as conn:
        row = store.revoke_token(conn, token_id)
        store.audit(conn, None, "token.revoke", row["user_name"], {**CLI_DETAILS, "token_id": token_id})
    console.print(f"API token #{token_id} ({row['label']}) revoked", highlight=False)
