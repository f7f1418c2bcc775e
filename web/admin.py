"""The superuser pages under ``/admin/``: users, groups, the audit log, and release management
(products, releases and their channels' throttles, featured versions).

Each change is one transaction: the SQL function that does it (``auth_user_update``,
``auth_group_save``, ``add_new_product``, ``add_new_release``, ``set_product_throttle``,
``edit_featured_versions``, ...),
its ``audit_log_add`` row and ``bump_cache_generation()``, so the product pages show it at once.
A refusal by the SQL function (its message and hint) is shown on the form, nothing changed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, LiteralString

import bottle

from pyapp import accounts, errors
from pyapp.queries import QUERIES
from web.account_pages import FormError, db_message, form, form_int, form_list, page, render
from web.site import Site
from web.viewer import Viewer

log = logging.getLogger(__name__)

AUDIT_PAGE = 100


def change(
    site: Site,
    viewer: Viewer,
    statements: list[tuple[LiteralString, dict[str, Any]]],
    action: str,
    target: str,
    details: dict[str, Any],
) -> None:
    """Run ``statements`` in one transaction with the audit row and a cache generation bump;
    a refusal by the database becomes a :class:`FormError` with its message."""
    try:
        with site.write_db.transaction() as conn:
            for query, params in statements:
                conn.execute(query, params)
            conn.execute(
                "SELECT audit_log_add(%(actor)s, %(action)s, %(target)s, %(details)s::jsonb)",
                {
                    "actor": viewer.user_id,
                    "action": action,
                    "target": target,
                    "details": json.dumps(details, default=str),
                },
            )
            generation = conn.execute(
                "SELECT bump_cache_generation(%(reason)s) AS generation",
                {"reason": f"admin {action} {target}"},
            ).fetchone()["generation"]
    except errors.QueryTimeout:
        raise
    except errors.DatabaseUnavailable:
        raise
    except errors.DatabaseError as exc:
        raise FormError(db_message(exc)) from None
    site.saw_generation(generation)


def permissions(site: Site) -> list[dict[str, Any]]:
    return site.write_rows(QUERIES["admin_permissions"])


# --- users and groups -----------------------------------------------------------------------


def users_page(site: Site) -> Callable[..., Any]:
    @page(site, superuser=True)
    def handler(viewer: Viewer) -> bytes:
        error = message = None
        status = 200
        if bottle.request.method == "POST":
            email = form("email")
            password = bottle.request.forms.getunicode("password") or ""
            try:
                if password and len(password) < accounts.MIN_PASSWORD_LENGTH:
                    raise FormError(f"the password needs at least {accounts.MIN_PASSWORD_LENGTH} characters")
                try:
                    with site.write_db.transaction() as conn:
                        conn.execute(
                            "SELECT auth_user_create(%(e)s, %(h)s, false, %(actor)s)",
                            {
                                "e": email,
                                "h": accounts.hash_password(password) if password else "",
                                "actor": viewer.user_id,
                            },
                        )
                except errors.DatabaseError as exc:
                    raise FormError(db_message(exc)) from None
                message = f"User {email} created."
            except FormError as exc:
                error, status = exc.message, exc.status
        return render(
            site,
            "admin/users.html",
            "Users",
            status=status,
            error=error,
            message=message,
            users=site.write_rows(QUERIES["admin_users"]),
        )

    return handler


def user_page(site: Site) -> Callable[..., Any]:
    @page(site, superuser=True)
    def handler(viewer: Viewer, user_id: str) -> bytes:
        try:
            uid = int(user_id)
        except ValueError:
            return render(site, "message.html", "Not found", status=404, error=f"no user {user_id}")
        user = site.write_one(QUERIES["admin_user"], id=uid)
        if user is None:
            return render(site, "message.html", "Not found", status=404, error=f"no user {user_id}")
        error = message = None
        status = 200
        if bottle.request.method == "POST":
            try:
                action = form("action", "update")
                if action == "revoke":
                    token_id = form_int("token_id")
                    if not site.write_value(
                        "SELECT api_token_revoke(%(a)s, %(t)s)", a=viewer.user_id, t=token_id
                    ):
                        raise FormError(f"no active token {token_id}", 404)
                    message = f"Token {token_id} revoked."
                else:
                    try:
                        site.write_value(
                            "SELECT auth_user_update(%(actor)s, %(u)s, %(su)s, %(active)s, %(g)s, %(p)s)",
                            actor=viewer.user_id,
                            u=uid,
                            su=bool(form("is_superuser")),
                            active=bool(form("is_active")),
                            g=form_list("groups"),
                            p=form_list("permissions"),
                        )
                    except errors.DatabaseError as exc:
                        raise FormError(db_message(exc)) from None
                    message = "Saved."
                user = site.write_one(QUERIES["admin_user"], id=uid)
            except FormError as exc:
                error, status = exc.message, exc.status
        return render(
            site,
            "admin/user.html",
            f"User {user['email']}",
            status=status,
            error=error,
            message=message,
            user=user,
            groups=site.write_rows(QUERIES["admin_groups"]),
            permissions=permissions(site),
            tokens=site.write_rows(QUERIES["admin_user_tokens"], id=uid),
        )

    return handler


def groups_page(site: Site) -> Callable[..., Any]:
    @page(site, superuser=True)
    def handler(viewer: Viewer) -> bytes:
        error = message = None
        status = 200
        if bottle.request.method == "POST":
            name = form("name")
            try:
                try:
                    if form("action") == "delete":
                        if not site.write_value(
                            "SELECT auth_group_delete(%(a)s, %(n)s)", a=viewer.user_id, n=name
                        ):
                            raise FormError(f"no group {name}", 404)
                        message = f"Group {name} deleted."
                    else:
                        site.write_value(
                            "SELECT auth_group_save(%(a)s, %(n)s, %(p)s)",
                            a=viewer.user_id,
                            n=name,
                            p=form_list("permissions"),
                        )
                        message = f"Group {name} saved."
                except errors.DatabaseError as exc:
                    raise FormError(db_message(exc)) from None
            except FormError as exc:
                error, status = exc.message, exc.status
        return render(
            site,
            "admin/groups.html",
            "Groups",
            status=status,
            error=error,
            message=message,
            groups=site.write_rows(QUERIES["admin_groups"]),
            permissions=permissions(site),
        )

    return handler


def audit_page(site: Site) -> Callable[..., Any]:
    @page(site, superuser=True)
    def handler(viewer: Viewer) -> bytes:
        raw = bottle.request.query.getunicode("page") or "1"
        try:
            number = int(raw)
            if not 1 <= number <= 100000:
                raise ValueError
        except ValueError:
            return render(
                site,
                "message.html",
                "Bad request",
                status=400,
                error=f"page={raw} is not a page number (1 or more)",
            )
        rows = site.write_rows(
            QUERIES["admin_audit_log"], limit=AUDIT_PAGE + 1, offset=(number - 1) * AUDIT_PAGE
        )
        return render(
            site,
            "admin/audit.html",
            "Audit log",
            entries=rows[:AUDIT_PAGE],
            page=number,
            more=len(rows) > AUDIT_PAGE,
        )

    return handler


def index_page(site: Site) -> Callable[..., Any]:
    @page(site, superuser=True)
    def handler(viewer: Viewer) -> bytes:
        return render(site, "admin/index.html", "Admin")

    return handler


# --- release management ---------------------------------------------------------------------


def products_page(site: Site) -> Callable[..., Any]:
    @page(site, superuser=True)
    def handler(viewer: Viewer) -> bytes:
        error = message = None
        status = 200
        values = {"product": "", "version": "", "product_id": "", "release_name": "", "throttle": "1.0"}
        if bottle.request.method == "POST":
            values = {k: form(k) for k in values}
            try:
                add_product(site, viewer, values)
                message = f"Product {values['product']} added with version {values['version']}."
            except FormError as exc:
                error, status = exc.message, exc.status
        return render(
            site,
            "admin/products.html",
            "Products",
            status=status,
            error=error,
            message=message,
            products=site.write_rows(QUERIES["admin_products"]),
            values=values,
        )

    return handler


def decimal_field(name: str, raw: str) -> Decimal:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise FormError(f"{name}={raw} is not a number") from None
    if not value.is_finite():
        raise FormError(f"{name}={raw} is not a number")
    return value


def add_product(site: Site, viewer: Viewer, values: dict[str, str]) -> None:
    """add_new_product(product, version, product id, release name, throttle)."""
    if not values.get("product") or not values.get("version"):
        raise FormError("a product needs a name and a first version")
    throttle = decimal_field("throttle", values.get("throttle") or "1.0")
    change(
        site,
        viewer,
        [
            (
                "SELECT add_new_product(%(p)s, %(v)s, %(id)s, %(rn)s, %(t)s)",
                {
                    "p": values["product"],
                    "v": values["version"],
                    "id": values.get("product_id") or None,
                    "rn": values.get("release_name") or None,
                    "t": throttle,
                },
            )
        ],
        "product.add",
        values["product"],
        {"version": values["version"], "throttle": throttle},
    )


RELEASE_FIELDS = (
    "product",
    "version",
    "update_channel",
    "build_id",
    "platform",
    "beta_number",
    "release_channel",
    "throttle",
    "repository",
)


def add_release(site: Site, viewer: Viewer, values: dict[str, str]) -> None:
    """add_new_release(..., update_products => true) and, when given, the channel's throttle
    (set_product_throttle: product_build_types, which the reports read), one transaction."""
    for name in ("product", "version", "update_channel", "build_id", "platform"):
        if not values.get(name):
            raise FormError(f"{name} is required")
    build_id = values["build_id"]
    if not build_id.isdigit() or len(build_id) != 14:
        raise FormError(f"build_id={build_id} is not a build id: 14 digits, YYYYMMDDhhmmss")
    beta = values.get("beta_number") or ""
    if beta and not beta.isdigit():
        raise FormError(f"beta_number={beta} is not a whole number")
    statements: list[tuple[LiteralString, dict[str, Any]]] = [
        (
            "SELECT add_new_release(%(p)s, %(v)s, %(ch)s, %(b)s, %(pl)s, beta_number => %(beta)s,"
            " repository => %(repo)s, update_products => true)",
            {
                "p": values["product"],
                "v": values["version"],
                "ch": values["update_channel"],
                "b": int(build_id),
                "pl": values["platform"],
                "beta": int(beta) if beta else None,
                "repo": values.get("repository") or "release",
            },
        )
    ]
    throttle = values.get("throttle") or ""
    if throttle:
        statements.append(
            (
                "SELECT set_product_throttle(%(p)s, %(ch)s, %(t)s)",
                {
                    "p": values["product"],
                    "ch": values.get("release_channel") or values["update_channel"],
                    "t": decimal_field("throttle", throttle),
                },
            )
        )
    change(
        site,
        viewer,
        statements,
        "release.add",
        f"{values['product']} {values['version']}",
        {k: values.get(k) for k in RELEASE_FIELDS},
    )


def set_throttle(site: Site, viewer: Viewer, product: str, build_type: str, raw: str) -> None:
    """set_product_throttle(product, build type, throttle): the throttle the reports divide by,
    with the stored rates of that channel's versions re-scaled."""
    if not product or not build_type:
        raise FormError("product and channel are required")
    throttle = decimal_field("throttle", raw)
    change(
        site,
        viewer,
        [
            (
                "SELECT set_product_throttle(%(p)s, %(b)s, %(t)s)",
                {"p": product, "b": build_type, "t": throttle},
            )
        ],
        "throttle.set",
        f"{product} {build_type}",
        {"throttle": throttle},
    )


def releases_page(site: Site) -> Callable[..., Any]:
    @page(site, superuser=True)
    def handler(viewer: Viewer) -> bytes:
        error = message = None
        status = 200
        values = dict.fromkeys(RELEASE_FIELDS, "")
        values["repository"] = "release"
        if bottle.request.method == "POST" and form("action") == "throttle":
            product, build_type, throttle = form("product"), form("build_type"), form("throttle")
            try:
                set_throttle(site, viewer, product, build_type, throttle)
                message = f"Throttle of {product} {build_type} set to {throttle}."
            except FormError as exc:
                error, status = exc.message, exc.status
        elif bottle.request.method == "POST":
            values = {k: form(k) for k in RELEASE_FIELDS}
            try:
                add_release(site, viewer, values)
                message = f"Release {values['product']} {values['version']} ({values['build_id']}) added."
            except FormError as exc:
                error, status = exc.message, exc.status
        return render(
            site,
            "admin/releases.html",
            "Releases",
            status=status,
            error=error,
            message=message,
            values=values,
            products=site.write_rows(QUERIES["admin_products"]),
            channels=site.write_rows(QUERIES["admin_release_channels"]),
            releases=site.write_rows(QUERIES["admin_recent_releases"], limit=50),
            throttles=site.write_rows(QUERIES["admin_throttles"]),
            build_types=["release", "beta", "aurora", "nightly", "esr"],
        )

    return handler


def set_featured(site: Site, viewer: Viewer, product: str, versions: list[str]) -> None:
    if not product:
        raise FormError("product is required")
    if not versions:
        raise FormError("choose at least one version to feature")
    change(
        site,
        viewer,
        [("SELECT edit_featured_versions(%(p)s, VARIADIC %(v)s::text[])", {"p": product, "v": versions})],
        "featured.edit",
        product,
        {"versions": versions},
    )


def featured_page(site: Site) -> Callable[..., Any]:
    @page(site, superuser=True)
    def handler(viewer: Viewer) -> bytes:
        error = message = None
        status = 200
        if bottle.request.method == "POST":
            product = form("product")
            try:
                set_featured(site, viewer, product, form_list("versions"))
                message = f"Featured versions of {product} saved."
            except FormError as exc:
                error, status = exc.message, exc.status
        products = site.write_rows(QUERIES["admin_products"])
        listing = [
            {
                "product": p["product_name"],
                "versions": site.write_rows(QUERIES["admin_product_versions"], product=p["product_name"]),
            }
            for p in products
        ]
        return render(
            site,
            "admin/featured.html",
            "Featured versions",
            status=status,
            error=error,
            message=message,
            listing=listing,
        )

    return handler


def install(app: bottle.Bottle, site: Site) -> None:
    """Add the admin pages to the site's Bottle app."""
    both = ["GET", "POST"]
    app.route("/admin/", "GET", index_page(site))
    app.route("/admin", "GET", lambda: bottle.redirect("/admin/", 301))
    app.route("/admin/users/", both, users_page(site))
    app.route("/admin/users/<user_id>/", both, user_page(site))
    app.route("/admin/groups/", both, groups_page(site))
    app.route("/admin/audit-log/", "GET", audit_page(site))
    app.route("/admin/products/", both, products_page(site))
    app.route("/admin/releases/", both, releases_page(site))
    app.route("/admin/featured-versions/", both, featured_page(site))
