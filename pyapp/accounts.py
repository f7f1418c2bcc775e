"""Accounts outside the web: argon2 password hashes, random secrets and their SHA-256 (session
ids and API tokens are stored only as hashes), the site's SECRET_KEY, and the calls the CLI and
tests make (create a user, make a superuser, create a token). The rules live in SQL
(``auth_*`` and ``api_token_*`` functions); this module hashes and moves values.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import secrets
from pathlib import Path
from typing import Any

import argon2
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from pyapp.config import Config

log = logging.getLogger(__name__)

_HASHER = argon2.PasswordHasher()

#: shortest password the forms accept
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (with its own salt and parameters)."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash`` (an empty or broken hash matches nothing)."""
    if not stored_hash:
        return False
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def dummy_verify() -> None:
    """Spend the time of one verification (unknown e-mails take as long as wrong passwords)."""
    verify_password(_dummy_hash(), "not the password")


@functools.cache
def _dummy_hash() -> str:
    """The hash dummy_verify checks, made once per process by the web's sign-in pages when they
    load (:func:`prepare_dummy_verify`) so that even the first unknown e-mail takes one
    verification: an argon2 hash costs ~0.6 s of CPU and 64 MB, which every process importing
    this module (each ``crashstats`` command, each processor worker) paid when it was made here
    at import."""
    return _HASHER.hash(secrets.token_urlsafe(16))


def prepare_dummy_verify() -> None:
    """Make dummy_verify's hash now (the sign-in pages call this when they load)."""
    _dummy_hash()


def new_secret(nbytes: int = 32) -> str:
    """A random URL-safe secret (session ids, API tokens, one-time passwords)."""
    return secrets.token_urlsafe(nbytes)


def secret_hash(value: str) -> str:
    """The SHA-256 (hex) under which a session id or API token is stored."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def secret_key(config: Config) -> bytes:
    """``SECRET_KEY``, or a random key kept in ``<CRASHSTATS_VAR_DIR>/secret_key`` (mode 0600),
    made on first use, so every worker of one host signs with the same key."""
    configured = config["SECRET_KEY"]
    if configured:
        return str(configured).encode("utf-8")
    path = Path(config["CRASHSTATS_VAR_DIR"]) / "secret_key"
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = new_secret(48).encode("ascii")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    log.warning("SECRET_KEY is not set: using a generated key kept in %s", path)
    return key


# --- calls made by the CLI and tests (conn: a psycopg connection; the caller commits) ------


def create_user(
    conn: Any,
    email: str,
    password: str | None,
    *,
    superuser: bool = False,
    permissions: list[str] | tuple[str, ...] = (),
    groups: list[str] | tuple[str, ...] = (),
) -> int:
    """Create a user with a password (None: cannot sign in), direct permissions and groups."""
    row = conn.execute(
        "SELECT auth_user_create(%s, %s, %s, NULL) AS id",
        (email, hash_password(password) if password else "", superuser),
    ).fetchone()
    user_id = int(row["id"] if isinstance(row, dict) else row[0])
    if permissions or groups:
        conn.execute(
            "SELECT auth_user_update(NULL, %s, %s, true, %s, %s)",
            (user_id, superuser, list(groups), list(permissions)),
        )
    return user_id


def make_superuser(conn: Any, email: str) -> tuple[int, str | None]:
    """Promote ``email`` to superuser, creating it when missing; returns (user id, the one-time
    password of a new account or None)."""
    password = new_secret(12)
    row = conn.execute(
        "SELECT user_id, created FROM auth_make_superuser(%s, %s)", (email, hash_password(password))
    ).fetchone()
    values = row if isinstance(row, dict) else {"user_id": row[0], "created": row[1]}
    return int(values["user_id"]), password if values["created"] else None


def create_token(
    conn: Any, user_id: int, permissions: list[str], days: int, notes: str = "", actor_id: int | None = None
) -> tuple[int, str]:
    """A new API token for ``user_id``: (token id, the token, to show once)."""
    token = new_secret(24)
    row = conn.execute(
        "SELECT api_token_create(%s, %s, %s, %s, %s, %s) AS id",
        (user_id, secret_hash(token), permissions, days, notes, actor_id),
    ).fetchone()
    return int(row["id"] if isinstance(row, dict) else row[0]), token


def user_id_for(conn: Any, email: str) -> int | None:
    row = conn.execute("SELECT id FROM auth_user_summary WHERE email = %s::citext", (email,)).fetchone()
    if row is None:
        return None
    return int(row["id"] if isinstance(row, dict) else row[0])
