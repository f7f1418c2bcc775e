"""The people pages: ``/login/`` (e-mail + password, throttled), ``/logout/`` (a confirm form),
``/account/password/`` and ``/api/tokens/`` (list, create, revoke one's API tokens), plus the
form helpers the admin pages share (render, CSRF, the signed-in / superuser gates).

These pages are never cached: they show one person's data and carry CSRF tokens. Every one
checks its request as the other pages do (:func:`web.framework.check_request`): a query, form
or path value holding NUL, not UTF-8, or too long is a 400 naming it, before anything else.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

import bottle

from pyapp import accounts, errors
from pyapp.queries import QUERIES
from web import auth
from web.framework import CONTENT_TYPES, BadRequest, check_request, render_html
from web.site import Site
from web.viewer import Viewer

log = logging.getLogger(__name__)

# the hash unknown e-mails are checked against, made before the first sign-in
accounts.prepare_dummy_verify()


class FormError(Exception):
    """A form that cannot be done as sent: shown on the form again, with this message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def render(site: Site, template: str, title: str, *, status: int = 200, **context: Any) -> bytes:
    bottle.response.status = status
    bottle.response.content_type = CONTENT_TYPES["html"]
    bottle.response.set_header("Cache-Control", "no-store")
    context.setdefault("error", None)
    context.setdefault("message", None)
    return render_html(
        site, template, title=title, viewer=auth.current_viewer(), csrf_token=auth.csrf_token(site), **context
    )


def form(name: str, default: str = "") -> str:
    value = bottle.request.forms.getunicode(name)
    return default if value is None else value.strip()


#: the largest id a bigint column holds (token and user ids)
MAX_ID = 2**63 - 1


def form_int(name: str, default: str = "", *, low: int = 1, high: int = MAX_ID) -> int:
    """The form field ``name`` as a whole number from ``low`` to ``high``; FormError naming it
    otherwise (a number the database's column cannot hold included)."""
    raw = form(name, default)
    try:
        value = int(raw)
    except ValueError:
        raise FormError(f"{name}={raw[:100]} is not a whole number") from None
    if not low <= value <= high:
        raise FormError(f"{name}={raw[:100]} is out of range: between {low} and {high}")
    return value


def form_list(name: str) -> list[str]:
    return [v for v in (bottle.request.forms.getall(name) or []) if v]


def db_message(exc: errors.DatabaseError) -> str:
    return exc.message + (f" ({exc.hint})" if exc.hint else "")


def checked(site: Site, handler: Callable[..., Any]) -> Callable[..., Any]:
    """``handler`` (a Bottle callback) behind :func:`web.framework.check_request`: a request
    value no page can use gets the 400 message page naming it."""

    def callback(**kwargs: Any) -> Any:
        try:
            check_request(kwargs)
        except BadRequest as exc:
            return render(site, "message.html", "Bad request", status=400, error=exc.message)
        return handler(**kwargs)

    return callback


def page(site: Site, *, signed_in: bool = False, superuser: bool = False) -> Callable[..., Any]:
    """Decorator of a people/admin page: the request check (:func:`checked`), the gate
    (anonymous -> sign in; a signed-in user without superuser -> 403), CSRF on unsafe methods,
    and FormError/CsrfFailure turned into the form shown again by the handler's ``on_error``
    (or a plain error page)."""

    def wrap(handler: Callable[..., Any]) -> Callable[..., Any]:
        def callback(**kwargs: Any) -> Any:
            viewer = auth.current_viewer()
            if (signed_in or superuser) and (viewer.user_id is None or viewer.token_id is not None):
                if bottle.request.method == "GET":
                    bottle.redirect(auth.login_url(bottle.request.fullpath), 303)
                return render(
                    site,
                    "message.html",
                    "Sign in first",
                    status=401,
                    error="This page is for signed-in users.",
                )
            if superuser and not viewer.is_superuser:
                return render(
                    site,
                    "message.html",
                    "Permission needed",
                    status=403,
                    error="This page is for superusers.",
                )
            try:
                auth.check_csrf(site)
            except auth.CsrfFailure as exc:
                return render(site, "message.html", "Form expired", status=403, error=str(exc))
            return handler(viewer, **kwargs)

        return checked(site, callback)

    return wrap


# --- sign in / out / password -------------------------------------------------------------


def login_get(site: Site) -> bytes:
    return render(
        site, "login.html", "Sign in", email="", next=auth.safe_next(bottle.request.query.get("next"))
    )


def login_post(site: Site) -> bytes:
    next_path = auth.safe_next(form("next"))
    email = form("email")
    password = bottle.request.forms.getunicode("password") or ""

    def again(message: str, status: int) -> bytes:
        return render(
            site, "login.html", "Sign in", status=status, email=email, next=next_path, error=message
        )

    try:
        auth.check_csrf(site)
    except auth.CsrfFailure as exc:
        return again(str(exc), 403)
    if not email or not password:
        return again("Give your e-mail address and your password.", 400)
    cfg = site.config
    allowed = site.write_value(
        "SELECT auth_login_allowed(%(e)s, %(a)s, %(n)s, make_interval(mins => %(m)s))",
        e=email,
        a=auth.remote_addr(),
        n=cfg["CRASHSTATS_LOGIN_MAX_FAILURES"],
        m=cfg["CRASHSTATS_LOGIN_BLOCK_MINUTES"],
    )
    if not allowed:
        bottle.response.set_header("Retry-After", str(60 * int(cfg["CRASHSTATS_LOGIN_BLOCK_MINUTES"])))
        return again(
            "Too many failed attempts: signing in is blocked for this account for "
            f"{cfg['CRASHSTATS_LOGIN_BLOCK_MINUTES']} minutes.",
            429,
        )
    row = site.write_one("SELECT user_id, password_hash FROM auth_password_hash(%(e)s)", e=email)
    if row is None:
        accounts.dummy_verify()
        ok = False
    else:
        ok = accounts.verify_password(row["password_hash"], password)
    site.write_value("SELECT auth_login_record(%(e)s, %(a)s, %(ok)s)", e=email, a=auth.remote_addr(), ok=ok)
    if not ok or row is None:
        return again("That e-mail address and password do not match an active account.", 403)
    auth.start_session(site, int(row["user_id"]))
    redirect_with_cookies(next_path)
    return b""


def redirect_with_cookies(location: str) -> None:
    """303 to ``location`` keeping the Set-Cookie headers of this response."""
    response = bottle.HTTPResponse(status=303)
    response.set_header("Location", location)
    for value in bottle.response.headerlist:
        if value[0].lower() == "set-cookie":
            response.add_header("Set-Cookie", value[1])
    raise response


def logout_get(site: Site) -> bytes:
    return render(site, "logout.html", "Sign out")


def logout_post(site: Site) -> bytes:
    try:
        auth.check_csrf(site)
    except auth.CsrfFailure as exc:
        return render(site, "message.html", "Form expired", status=403, error=str(exc))
    auth.end_session(site)
    redirect_with_cookies("/")
    return b""


def password_page(site: Site) -> Callable[..., Any]:
    @page(site, signed_in=True)
    def handler(viewer: Viewer) -> bytes:
        if bottle.request.method == "GET":
            return render(site, "password.html", "Change your password")
        current = bottle.request.forms.getunicode("current_password") or ""
        new = bottle.request.forms.getunicode("new_password") or ""
        again = bottle.request.forms.getunicode("new_password_again") or ""
        row = site.write_one("SELECT user_id, password_hash FROM auth_password_hash(%(e)s)", e=viewer.name)
        error = None
        if row is None or not accounts.verify_password(row["password_hash"], current):
            error = "Your current password is not right."
        elif len(new) < accounts.MIN_PASSWORD_LENGTH:
            error = f"The new password needs at least {accounts.MIN_PASSWORD_LENGTH} characters."
        elif new != again:
            error = "The two new passwords differ."
        if error:
            return render(site, "password.html", "Change your password", status=400, error=error)
        site.write_value(
            "SELECT auth_set_password(%(u)s, %(h)s, %(keep)s)",
            u=viewer.user_id,
            h=accounts.hash_password(new),
            keep=bottle.request.environ.get("crashstats.session_hash"),
        )
        return render(site, "password.html", "Change your password", message="Your password is changed.")

    return handler


# --- API tokens -----------------------------------------------------------------------------


def tokens_page(site: Site) -> Callable[..., Any]:
    @page(site, signed_in=True)
    def handler(viewer: Viewer) -> bytes:
        new_token = None
        error = None
        status = 200
        if bottle.request.method == "POST":
            action = form("action")
            try:
                if action == "revoke":
                    token_id = form_int("token_id")
                    if not site.write_value(
                        "SELECT api_token_revoke(%(a)s, %(t)s)", a=viewer.user_id, t=token_id
                    ):
                        raise FormError(f"you have no active token {token_id}", 404)
                elif action == "create":
                    days = form_int("days", str(site.config["CRASHSTATS_API_TOKEN_DAYS"]), high=3650)
                    permissions = form_list("permissions")
                    try:
                        with site.write_db.transaction() as conn:
                            _, new_token = accounts.create_token(
                                conn, int(viewer.user_id or 0), permissions, days, form("notes")
                            )
                    except errors.DatabaseError as exc:
                        raise FormError(db_message(exc)) from None
                else:
                    raise FormError("action must be create or revoke")
            except FormError as exc:
                error, status = exc.message, exc.status
        tokens = site.write_rows(
            "SELECT id, permissions, notes, created_at, expires_at, revoked_at, state FROM api_token_list"
            " WHERE user_id = %(u)s ORDER BY created_at DESC, id DESC",
            u=viewer.user_id,
        )
        return render(
            site,
            "tokens.html",
            "API tokens",
            status=status,
            error=error,
            tokens=tokens,
            new_token=new_token,
            permissions=sorted(viewer.permissions)
            if not viewer.is_superuser
            else [r["name"] for r in site.write_rows(QUERIES["admin_permissions"])],
            default_days=site.config["CRASHSTATS_API_TOKEN_DAYS"],
            today=dt.datetime.now(dt.UTC),
        )

    return handler


def install(app: bottle.Bottle, site: Site) -> None:
    """Add the people pages to the site's Bottle app."""
    app.route("/login/", "GET", checked(site, lambda: login_get(site)))
    app.route("/login/", "POST", checked(site, lambda: login_post(site)))
    app.route("/login", "GET", lambda: bottle.redirect("/login/", 301))
    app.route("/logout/", "GET", checked(site, lambda: logout_get(site)))
    app.route("/logout/", "POST", checked(site, lambda: logout_post(site)))
    handler = password_page(site)
    app.route("/account/password/", ["GET", "POST"], handler)
    handler = tokens_page(site)
    app.route("/api/tokens/", ["GET", "POST"], handler)
