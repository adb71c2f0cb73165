"""Users, roles, sessions, API tokens, login attempts and the audit log: the plain Python API.

The web app (`gaung.web.auth`) and the CLI (`gaung users …`) are thin shells over these functions, so a
script can manage users the same way. Secrets never reach the database in the clear: passwords are
argon2id hashes, session ids and API tokens are stored as sha256 digests (they are long random
strings, so a fast hash is enough; it only has to make a stolen database useless for logging in).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import Connection, and_, delete, func, or_, select, update

from gaung.errors import GaungError
from gaung.store.schema import api_tokens, audit_log, login_attempts, sessions, users

# Ordered: each role has the rights of the ones before it.
ROLES = ("viewer", "staff", "analyst", "admin")

MIN_PASSWORD_LENGTH = 8  # NIST SP 800-63B floor for user-chosen passwords; length beats composition rules
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; the cap only stops megabyte "passwords" as a DoS
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,99}$")

SESSION_IDLE = timedelta(hours=8)  # one working day without a click logs you out
SESSION_ABSOLUTE = timedelta(hours=12)  # a stolen cookie is worth at most one long working day
SESSION_TOUCH_EVERY = timedelta(seconds=60)  # at most one write per session per minute, not per request

LOGIN_WINDOW = timedelta(minutes=15)
LOGIN_FAILURES_PER_USER = 5  # guessing is hopeless at 5 tries per 15 minutes, typos are not punished
# Higher per address: an office sits behind one NAT address, and 20 colleagues mistyping on a Monday
# morning must not lock everybody out; 20 still stops scripted guessing from one machine.
LOGIN_FAILURES_PER_IP = 20
TOKEN_PREFIX = "gaung_"

# argon2-cffi's defaults follow RFC 9106's second recommended profile (argon2id, 64 MiB, t=3); when
# the library raises them, `verify_password` notices (check_needs_rehash) and the login stores a new hash.
HASHER = PasswordHasher()


class UserError(GaungError):
    """A user operation was refused: unknown user, bad role or password, last admin, …"""


@dataclass(frozen=True)
class User:
    """Who is acting: enough to check rights and to sign the audit log."""

    id: int
    name: str
    role: str

    def can(self, role: str) -> bool:
        """True when this user's role includes the rights of `role` (admin can do what viewers can)."""
        return role_rank(self.role) >= role_rank(role)


@dataclass(frozen=True)
class SessionInfo:
    """A live session as loaded for one request."""

    user: User
    csrf_token: str
    id_hash: str


def role_rank(role: str) -> int:
    """Position of `role` in ROLES; unknown roles raise, so a typo never grants or denies silently."""
    try:
        return ROLES.index(role)
    except ValueError:
        raise UserError(f"unknown role {role!r}; roles: {', '.join(ROLES)}") from None


def utcnow() -> datetime:
    """Naive UTC, as every datetime in the store is."""
    return datetime.now(UTC).replace(tzinfo=None)


def sha256_hex(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


# -- passwords ------------------------------------------------------------------------------------
def hash_password(password: str) -> str:
    """An argon2id hash of `password` after checking the length rules."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password too short: use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"password too long: at most {MAX_PASSWORD_LENGTH} characters")
    return HASHER.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verified against when the user does not exist, so "no such user" takes as long as "wrong password"
    return HASHER.hash(secrets.token_urlsafe(16))


def verify_password(password_hash: str, password: str) -> tuple[bool, str | None]:
    """(matches, new hash when the stored one uses outdated parameters, else None)."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False, None
    try:
        HASHER.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    if HASHER.check_needs_rehash(password_hash):
        return True, HASHER.hash(password)
    return True, None


# -- users ----------------------------------------------------------------------------------------
def normalize_name(name: str) -> str:
    """Lower-cased, trimmed user name; raises when it would be confusing in logs or URLs."""
    clean = name.strip().lower()
    if not NAME_PATTERN.match(clean):
        raise UserError(
            f"invalid user name {name!r}: use 1-100 letters, digits, '.', '_', '@' or '-', "
            "starting with a letter or digit"
        )
    return clean


def add_user(conn: Connection, name: str, password: str, role: str) -> int:
    """Create a user; returns its id. Names are unique regardless of case."""
    name = normalize_name(name)
    role_rank(role)
    if conn.execute(select(users.c.id).where(users.c.name == name)).first() is not None:
        raise UserError(f"user {name!r} already exists (see: gaung users list)")
    result = conn.execute(
        users.insert().values(
            name=name, password_hash=hash_password(password), role=role, disabled=False, created_at=utcnow()
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def get_user_row(conn: Connection, name_or_id: str | int) -> dict[str, Any]:
    """The users row for a name or id; raises UserError naming what was not found."""
    if isinstance(name_or_id, int):
        query = select(users).where(users.c.id == name_or_id)
    else:
        query = select(users).where(users.c.name == name_or_id.strip().lower())
    row = conn.execute(query).mappings().first()
    if row is None:
        raise UserError(f"no user {name_or_id!r} (see: gaung users list)")
    return dict(row)


def list_users(conn: Connection) -> list[dict[str, Any]]:
    """Every user without the password hash, with the number of live API tokens."""
    live_tokens = (
        select(func.count())
        .where(api_tokens.c.user_id == users.c.id, api_tokens.c.revoked_at.is_(None))
        .scalar_subquery()
    )
    query = select(
        users.c.id,
        users.c.name,
        users.c.role,
        users.c.disabled,
        users.c.created_at,
        users.c.last_login_at,
        live_tokens.label("tokens"),
    ).order_by(users.c.name)
    return [dict(r) for r in conn.execute(query).mappings()]


def _active_admins(conn: Connection) -> int:
    query = select(func.count()).where(users.c.role == "admin", users.c.disabled.is_(False))
    return int(conn.execute(query).scalar_one())


def set_role(conn: Connection, name_or_id: str | int, role: str) -> dict[str, Any]:
    """Change a user's role (effective on their next request); returns the row before the change."""
    role_rank(role)
    row = get_user_row(conn, name_or_id)
    if row["role"] == "admin" and role != "admin" and not row["disabled"] and _active_admins(conn) <= 1:
        raise UserError(f"{row['name']} is the last active admin; make another admin first")
    conn.execute(update(users).where(users.c.id == row["id"]).values(role=role))
    return row


def set_disabled(conn: Connection, name_or_id: str | int, disabled: bool) -> dict[str, Any]:
    """Disable (or re-enable) a user; disabling ends their sessions and stops their API tokens."""
    row = get_user_row(conn, name_or_id)
    if disabled and row["role"] == "admin" and not row["disabled"] and _active_admins(conn) <= 1:
        raise UserError(f"{row['name']} is the last active admin; make another admin first")
    conn.execute(update(users).where(users.c.id == row["id"]).values(disabled=disabled))
    if disabled:
        conn.execute(delete(sessions).where(sessions.c.user_id == row["id"]))
    return row


def set_password(conn: Connection, name_or_id: str | int, password: str) -> None:
    """Set a new password and end the user's sessions (whoever held the old one is logged out)."""
    row = get_user_row(conn, name_or_id)
    conn.execute(update(users).where(users.c.id == row["id"]).values(password_hash=hash_password(password)))
    conn.execute(delete(sessions).where(sessions.c.user_id == row["id"]))


def authenticate(conn: Connection, name: str, password: str) -> User | None:
    """The user when name and password match an enabled account; upgrades outdated hashes."""
    row = conn.execute(select(users).where(users.c.name == name.strip().lower())).mappings().first()
    if row is None:
        verify_password(_dummy_hash(), password)
        return None
    ok, new_hash = verify_password(row["password_hash"], password)
    if not ok or row["disabled"]:
        return None
    values: dict[str, Any] = {"last_login_at": utcnow()}
    if new_hash is not None:
        values["password_hash"] = new_hash
    conn.execute(update(users).where(users.c.id == row["id"]).values(**values))
    return User(id=row["id"], name=row["name"], role=row["role"])


# -- login rate limiting --------------------------------------------------------------------------
def login_retry_after(conn: Connection, username: str, ip: str, now: datetime | None = None) -> int:
    """Seconds until another login attempt is allowed for this name and address (0: allowed now)."""
    now = now or utcnow()
    since = now - LOGIN_WINDOW
    username = username.strip().lower()
    last_success = conn.execute(
        select(func.max(login_attempts.c.at)).where(
            login_attempts.c.username == username, login_attempts.c.succeeded.is_(True)
        )
    ).scalar_one()
    # a successful login forgives the name's earlier typos, but not the address's
    user_since = max(since, last_success) if last_success else since
    waits = [0]
    for column, value, start, limit in (
        (login_attempts.c.username, username, user_since, LOGIN_FAILURES_PER_USER),
        (login_attempts.c.ip, ip, since, LOGIN_FAILURES_PER_IP),
    ):
        recent = conn.execute(
            select(login_attempts.c.at)
            .where(column == value, login_attempts.c.succeeded.is_(False), login_attempts.c.at > start)
            .order_by(login_attempts.c.at.desc())
            .limit(limit)
        ).scalars()
        times = list(recent)
        if len(times) >= limit:
            # allowed again once the limit-th most recent failure leaves the window
            waits.append(int((times[-1] + LOGIN_WINDOW - now).total_seconds()) + 1)
    return max(waits)


def record_login_attempt(conn: Connection, username: str, ip: str, succeeded: bool) -> None:
    """Remember one attempt, and forget this name's and address's attempts older than a day."""
    now = utcnow()
    username = username.strip().lower()[:100]
    old = now - timedelta(days=1)
    conn.execute(
        delete(login_attempts).where(
            or_(login_attempts.c.username == username, login_attempts.c.ip == ip), login_attempts.c.at < old
        )
    )
    conn.execute(login_attempts.insert().values(at=now, username=username, ip=ip, succeeded=succeeded))


# -- sessions -------------------------------------------------------------------------------------
def create_session(
    conn: Connection, user: User, *, ip: str | None = None, user_agent: str | None = None
) -> tuple[str, str]:
    """Start a session; returns (the cookie value, the session's CSRF token)."""
    now = utcnow()
    conn.execute(
        delete(sessions).where(or_(sessions.c.expires_at < now, sessions.c.last_seen_at < now - SESSION_IDLE))
    )
    session_id = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    conn.execute(
        sessions.insert().values(
            id_hash=sha256_hex(session_id),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_ABSOLUTE,
            ip=(ip or "")[:64] or None,
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    return session_id, csrf


def load_session(conn: Connection, session_id: str, now: datetime | None = None) -> SessionInfo | None:
    """The live session for a cookie value, or None when it is unknown, expired or its user disabled.

    An expired session is deleted here, so it cannot come back; refreshes last_seen_at at most once a
    minute so browsing does not turn every page view into a write.
    """
    now = now or utcnow()
    id_hash = sha256_hex(session_id)
    row = (
        conn.execute(
            select(sessions, users.c.name, users.c.role, users.c.disabled)
            .join(users, users.c.id == sessions.c.user_id)
            .where(sessions.c.id_hash == id_hash)
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    if row["disabled"] or now >= row["expires_at"] or now - row["last_seen_at"] >= SESSION_IDLE:
        conn.execute(delete(sessions).where(sessions.c.id_hash == id_hash))
        return None
    if now - row["last_seen_at"] >= SESSION_TOUCH_EVERY:
        conn.execute(update(sessions).where(sessions.c.id_hash == id_hash).values(last_seen_at=now))
    return SessionInfo(
        user=User(id=row["user_id"], name=row["name"], role=row["role"]),
        csrf_token=row["csrf_token"],
        id_hash=id_hash,
    )


def delete_session(conn: Connection, session_id: str) -> None:
    """End a session (logout)."""
    conn.execute(delete(sessions).where(sessions.c.id_hash == sha256_hex(session_id)))


# -- API tokens -----------------------------------------------------------------------------------
def create_token(conn: Connection, name_or_id: str | int, label: str) -> tuple[int, str]:
    """Issue an API token for a user; returns (id, token). The token is not stored: show it once."""
    label = label.strip()
    if not label or len(label) > 200:
        raise UserError("a token needs a label of 1-200 characters (what script or machine uses it)")
    row = get_user_row(conn, name_or_id)
    if row["disabled"]:
        raise UserError(f"user {row['name']!r} is disabled; enable the account before issuing tokens")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    result = conn.execute(
        api_tokens.insert().values(
            user_id=row["id"],
            label=label,
            token_hash=sha256_hex(token),
            prefix=token[: len(TOKEN_PREFIX) + 6],
            created_at=utcnow(),
        )
    )
    return int(result.inserted_primary_key[0]), token  # type: ignore[index]


def revoke_token(conn: Connection, token_id: int) -> dict[str, Any]:
    """Revoke a token at once; returns its row (with the owner's name). Revoking twice is harmless."""
    row = (
        conn.execute(
            select(api_tokens, users.c.name.label("user_name"))
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(api_tokens.c.id == token_id)
        )
        .mappings()
        .first()
    )
    if row is None:
        raise UserError(f"no API token with id {token_id} (see: gaung users list)")
    if row["revoked_at"] is None:
        conn.execute(update(api_tokens).where(api_tokens.c.id == token_id).values(revoked_at=utcnow()))
    return dict(row)


def list_tokens(conn: Connection, user_id: int | None = None) -> list[dict[str, Any]]:
    """API tokens (never the token itself), newest first, with the owner's name."""
    query = (
        select(
            api_tokens.c.id,
            api_tokens.c.user_id,
            users.c.name.label("user_name"),
            api_tokens.c.label,
            api_tokens.c.prefix,
            api_tokens.c.created_at,
            api_tokens.c.last_used_at,
            api_tokens.c.revoked_at,
        )
        .join(users, users.c.id == api_tokens.c.user_id)
        .order_by(api_tokens.c.id.desc())
    )
    if user_id is not None:
        query = query.where(api_tokens.c.user_id == user_id)
    return [dict(r) for r in conn.execute(query).mappings()]


def user_for_token(conn: Connection, token: str, now: datetime | None = None) -> User | None:
    """The owner of a live token (not revoked, owner enabled), with the owner's current role."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    now = now or utcnow()
    row = (
        conn.execute(
            select(
                api_tokens.c.id,
                api_tokens.c.last_used_at,
                users.c.id.label("uid"),
                users.c.name,
                users.c.role,
            )
            .join(users, users.c.id == api_tokens.c.user_id)
            .where(
                and_(
                    api_tokens.c.token_hash == sha256_hex(token),
                    api_tokens.c.revoked_at.is_(None),
                    users.c.disabled.is_(False),
                )
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    if row["last_used_at"] is None or now - row["last_used_at"] >= SESSION_TOUCH_EVERY:
        conn.execute(update(api_tokens).where(api_tokens.c.id == row["id"]).values(last_used_at=now))
    return User(id=row["uid"], name=row["name"], role=row["role"])


# -- audit log ------------------------------------------------------------------------------------
def audit(
    conn: Connection, user: User | None, action: str, target: str, details: dict[str, Any] | None = None
) -> None:
    """Record who did what to what. `user` None means the system or the command line."""
    conn.execute(
        audit_log.insert().values(
            at=utcnow(),
            user_id=user.id if user else None,
            user_name=user.name if user else None,
            action=action[:60],
            target=str(target),
            details=details,
        )
    )


def list_audit(conn: Connection, limit: int = 100, action: str | None = None) -> list[dict[str, Any]]:
    """The most recent audit entries, newest first."""
    query = select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
    if action is not None:
        query = query.where(audit_log.c.action == action)
    return [dict(r) for r in conn.execute(query).mappings()]
