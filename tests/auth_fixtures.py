"""Accounts for tests (a pytest plugin, listed in tests/conftest.py's ``pytest_plugins``).

* :func:`create_user` / :func:`create_token`: a user with a password, permissions, groups or
  superuser status, and an API token, written through the same SQL functions the site uses;
  take a database URL (they commit).
* :class:`WebClient`: a browser over plain HTTP: a cookie jar, ``login()``, ``get()``, and
  ``post_form()`` which fetches the form page first and sends its CSRF token back.
* fixture ``make_user``: ``make_user(db_url, permissions=[...], superuser=False)`` -> a
  :class:`TestUser` with a unique e-mail and a known password.
"""

from __future__ import annotations

import http.client
import itertools
import json
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

import psycopg
import pytest
from psycopg.rows import dict_row

from pyapp import accounts

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class TestUser:
    __test__ = False  # not a test class

    id: int
    email: str
    password: str
    permissions: tuple[str, ...] = ()
    superuser: bool = False


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{next(_counter)}-{uuid.uuid4().hex[:8]}@example.org"


def create_user(
    db_url: str,
    email: str | None = None,
    *,
    password: str = PASSWORD,
    permissions: Iterable[str] = (),
    groups: Iterable[str] = (),
    superuser: bool = False,
) -> TestUser:
    """A user (committed) with a password, direct permissions, groups, superuser status."""
    email = email or unique_email()
    perms = tuple(permissions)
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        user_id = accounts.create_user(
            conn, email, password, superuser=superuser, permissions=list(perms), groups=list(groups)
        )
        conn.commit()
    return TestUser(user_id, email, password, perms, superuser)


def create_token(db_url: str, user: TestUser, permissions: Iterable[str] = (), days: int = 90) -> str:
    """A new API token of ``user`` (committed) holding ``permissions``."""
    with psycopg.connect(db_url, row_factory=dict_row) as conn:
        _, token = accounts.create_token(conn, user.id, list(permissions), days, "test")
        conn.commit()
    return token


@dataclass
class Reply:
    status: int
    headers: dict[str, list[str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> Any:
        return json.loads(self.body)

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[0] if values else None


@dataclass
class WebClient:
    """A cookie-keeping HTTP client of one site (``base`` = http://127.0.0.1:PORT)."""

    host: str
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, base: str) -> WebClient:
        hostport = base.split("://", 1)[1].rstrip("/")
        host, _, port = hostport.partition(":")
        return cls(host, int(port or 80))

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        sent = dict(self.headers)
        sent.update(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            collected: dict[str, list[str]] = {}
            for key, value in response.getheaders():
                collected.setdefault(key.lower(), []).append(value)
            reply = Reply(response.status, collected, response.read())
        finally:
            conn.close()
        for line in reply.headers.get("set-cookie", []):
            jar: SimpleCookie = SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return reply

    def get(self, path: str, headers: dict[str, str] | None = None) -> Reply:
        return self.request("GET", path, headers=headers)

    def post(
        self, path: str, fields: dict[str, Any] | list[tuple[str, Any]], headers: dict | None = None
    ) -> Reply:
        body = urlencode(fields, doseq=True).encode()
        return self.request(
            "POST", path, body, {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
        )

    def csrf_from(self, form_path: str) -> str:
        page = self.get(form_path)
        match = CSRF_INPUT.search(page.text)
        assert match, f"no CSRF token in {form_path} ({page.status})"
        return match.group(1)

    def post_form(
        self, form_path: str, fields: dict[str, Any] | list[tuple[str, Any]], action: str | None = None
    ) -> Reply:
        """Fetch the form at ``form_path``, then POST ``fields`` with its CSRF token."""
        token = self.csrf_from(form_path)
        items = list(fields.items()) if isinstance(fields, dict) else list(fields)
        return self.post(action or form_path, [*items, ("csrf_token", token)])

    def login(self, email: str, password: str = PASSWORD) -> Reply:
        reply = self.post_form("/login/", {"email": email, "password": password, "next": "/api/tokens/"})
        assert reply.status == 303, f"sign-in of {email} failed: {reply.status} {reply.text[:500]}"
        return reply


@pytest.fixture
def make_user() -> Callable[..., TestUser]:
    """``make_user(db_url, permissions=[...], superuser=False, groups=[...])`` -> TestUser."""
    return create_user
