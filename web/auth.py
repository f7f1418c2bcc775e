"""Who is asking: sessions, API tokens, CSRF, and the sign-in / sign-out / password pages.

:class:`AuthMiddleware` (WSGI, around the whole site) builds the request's
:class:`~web.viewer.Viewer` once and puts it in ``environ["crashstats.viewer"]``:

* an ``Auth-Token`` header: the token's owner with the token's permissions that the owner still
  holds (``auth_token_user``; never a superuser); an unknown, expired or revoked token -> 403;
* else the ``sessionid`` cookie (HMAC-signed with ``SECRET_KEY``; only its SHA-256 is stored):
  the session's user with their effective permissions (``auth_session_user``);
* else :data:`~web.viewer.ANONYMOUS`.

CSRF: every browser gets a ``csrftoken`` cookie (random); a form carries
``csrf_token = HMAC(SECRET_KEY, cookie)`` and :func:`check_csrf` compares them on every
POST/PUT/DELETE handled here (or the ``X-CSRFToken`` header). Requests authenticated by an
``Auth-Token`` header carry no cookies and need no CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import bottle

from pyapp import accounts, errors
from web.site import Site
from web.viewer import ANONYMOUS, Viewer

log = logging.getLogger(__name__)

SESSION_COOKIE = "sessionid"
CSRF_COOKIE = "csrftoken"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "HTTP_X_CSRFTOKEN"
TOKEN_HEADER = "HTTP_AUTH_TOKEN"
SKIP_PREFIXES = ("/static/", "/submit", "/__lbheartbeat__", "/__heartbeat__", "/__version__")
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class Signer:
    """HMAC-SHA256 signatures of cookie values with the site's secret key."""

    def __init__(self, key: bytes) -> None:
        self.key = key

    def mac(self, value: str, purpose: str) -> str:
        return hmac.new(self.key, f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()

    def sign(self, value: str, purpose: str) -> str:
        return f"{value}.{self.mac(value, purpose)}"

    def unsign(self, signed: str | None, purpose: str) -> str | None:
        if not signed or "." not in signed:
            return None
        value, _, mac = signed.rpartition(".")
        return value if hmac.compare_digest(mac, self.mac(value, purpose)) else None


def signer(site: Site) -> Signer:
    cached = getattr(site, "_auth_signer", None)
    if cached is None:
        cached = Signer(accounts.secret_key(site.config))
        site._auth_signer = cached  # type: ignore[attr-defined]
    return cached


def _cookies(environ: dict[str, Any]) -> dict[str, str]:
    from http.cookies import SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(environ.get("HTTP_COOKIE", ""))
    except Exception:  # a malformed Cookie header counts as none
        return {}
    return {k: m.value for k, m in jar.items()}


def viewer_from_row(row: dict[str, Any], *, token_id: int | None = None) -> Viewer:
    return Viewer(
        name=row["email"],
        permissions=frozenset(row["permissions"] or ()),
        is_superuser=bool(row.get("is_superuser")) and token_id is None,
        user_id=int(row["user_id"]),
        token_id=token_id,
    )


class AuthMiddleware:
    """WSGI middleware: the viewer of each request (environ ``crashstats.viewer``), the
    session hash (``crashstats.session_hash``) and the CSRF cookie."""

    def __init__(self, app: Callable[..., Any], site: Site) -> None:
        self.app = app
        self.site = site

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith(SKIP_PREFIXES):
            return self.app(environ, start_response)
        cookies = _cookies(environ)
        environ["crashstats.cookies"] = cookies
        environ["crashstats.viewer"] = ANONYMOUS
        try:
            token = environ.get(TOKEN_HEADER)
            if token:
                row = self.site.write_one(
                    "SELECT token_id, user_id, email, permissions FROM auth_token_user(%(h)s)",
                    h=accounts.secret_hash(token.strip()),
                )
                if row is None:
                    start_response("403 Forbidden", [("Content-Type", "application/json")])
                    return [b'{"error":"API token not matched, expired or revoked","status":403}']
                environ["crashstats.viewer"] = viewer_from_row(row, token_id=int(row["token_id"]))
                environ["crashstats.token"] = True
            else:
                session = signer(self.site).unsign(cookies.get(SESSION_COOKIE), "session")
                if session:
                    session_hash = accounts.secret_hash(session)
                    row = self.site.write_one(
                        "SELECT user_id, email, is_superuser, permissions FROM auth_session_user(%(h)s)",
                        h=session_hash,
                    )
                    if row is not None:
                        environ["crashstats.viewer"] = viewer_from_row(row)
                        environ["crashstats.session_hash"] = session_hash
        except errors.DatabaseError as exc:
            log.error("cannot look up the viewer: %s", exc)
            start_response("503 Service Unavailable", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"Database unavailable; try again soon.\n"]
        csrf = cookies.get(CSRF_COOKIE)
        new_csrf = None
        if not csrf or len(csrf) < 20 or len(csrf) > 100:
            new_csrf = csrf = accounts.new_secret(24)
        environ["crashstats.csrf_cookie"] = csrf

        def starter(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            value = environ.get("crashstats.new_csrf", new_csrf)
            if value and not any(
                k.lower() == "set-cookie" and v.startswith(CSRF_COOKIE + "=") for k, v in headers
            ):
                headers.append(("Set-Cookie", csrf_cookie_header(self.site, value)))
            headers.append(("Vary", "Cookie, Auth-Token"))
            return start_response(status, headers, exc_info)

        return self.app(environ, starter)


def csrf_cookie_header(site: Site, value: str) -> str:
    secure = "; Secure" if site.config["SESSION_COOKIE_SECURE"] else ""
    return f"{CSRF_COOKIE}={value}; Path=/; Max-Age=31449600; SameSite=Lax{secure}"


# --- helpers for handlers -----------------------------------------------------------------


def current_viewer() -> Viewer:
    return bottle.request.environ.get("crashstats.viewer", ANONYMOUS)


def csrf_token(site: Site) -> str:
    """The token forms carry (HMAC of this browser's csrftoken cookie)."""
    cookie = bottle.request.environ.get("crashstats.new_csrf") or bottle.request.environ.get(
        "crashstats.csrf_cookie", ""
    )
    return signer(site).mac(cookie, "csrf")


class CsrfFailure(Exception):
    pass


def check_csrf(site: Site) -> None:
    """Raise :class:`CsrfFailure` unless an unsafe request carries this browser's CSRF token
    (requests authenticated by an Auth-Token header are exempt: no cookies, no CSRF)."""
    environ = bottle.request.environ
    if environ.get("REQUEST_METHOD", "GET") not in UNSAFE_METHODS or environ.get("crashstats.token"):
        return
    cookie = environ.get("crashstats.csrf_cookie", "")
    sent = environ.get(CSRF_HEADER) or bottle.request.forms.getunicode(CSRF_FIELD) or ""
    if not cookie or not hmac.compare_digest(sent, signer(site).mac(cookie, "csrf")):
        raise CsrfFailure(
            "the form's CSRF token is missing or does not match this browser's; reload the form"
        )


def safe_next(target: str | None) -> str:
    """A local path to go to after signing in (never another site)."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 33 or ord(c) == 127 for c in target)
    ):
        return "/"
    return target


def login_url(next_path: str) -> str:
    return "/login/?next=" + quote(next_path, safe="/")


def start_session(site: Site, user_id: int) -> None:
    """A new session for ``user_id``: a fresh random id (the browser's earlier session, if any,
    is deleted), a fresh CSRF cookie, the signed HttpOnly SameSite=Lax cookie."""
    environ = bottle.request.environ
    old = signer(site).unsign(environ.get("crashstats.cookies", {}).get(SESSION_COOKIE), "session")
    session = accounts.new_secret(32)
    age = int(site.config["SESSION_COOKIE_AGE"])
    site.write_value(
        "SELECT auth_session_create(%(u)s, %(h)s, make_interval(secs => %(age)s), %(old)s)",
        u=user_id,
        h=accounts.secret_hash(session),
        age=age,
        old=accounts.secret_hash(old) if old else None,
    )
    set_cookie(site, SESSION_COOKIE, signer(site).sign(session, "session"), age)
    new_csrf = accounts.new_secret(24)
    environ["crashstats.new_csrf"] = new_csrf
    bottle.response.add_header("Set-Cookie", csrf_cookie_header(site, new_csrf))


def set_cookie(site: Site, name: str, value: str, max_age: int) -> None:
    secure = "; Secure" if site.config["SESSION_COOKIE_SECURE"] else ""
    bottle.response.add_header(
        "Set-Cookie", f"{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    )


def end_session(site: Site) -> None:
    session_hash = bottle.request.environ.get("crashstats.session_hash")
    if session_hash:
        site.write_value("SELECT auth_session_delete(%(h)s)", h=session_hash)
    set_cookie(site, SESSION_COOKIE, "", 0)


def remote_addr() -> str:
    return str(bottle.request.environ.get("REMOTE_ADDR") or "")
