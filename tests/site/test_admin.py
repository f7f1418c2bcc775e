"""The admin under gunicorn: users and groups, the audit log, and release management (products,
releases, featured versions through the SQL functions, their refusals shown on the form, the
product pages changed at once although memcached holds them)."""

from __future__ import annotations

import datetime as dt
import re

import psycopg
from psycopg.rows import dict_row

from tests.auth_fixtures import WebClient, create_user
from tests.clock import SuiteClock
from tests.site.conftest import SiteServer


def superuser_client(site: SiteServer) -> tuple[WebClient, str]:
    user = create_user(site.data.url, superuser=True)
    web = WebClient.of(site.base)
    web.login(user.email)
    return web, user.email


def audit(site: SiteServer, action: str) -> list[dict]:
    with psycopg.connect(site.data.url, row_factory=dict_row) as conn:
        return conn.execute(
            "SELECT actor_email, action, target, details FROM audit_log WHERE action = %s ORDER BY id",
            (action,),
        ).fetchall()


def test_users_and_groups_are_managed_and_logged(site: SiteServer) -> None:
    web, admin_email = superuser_client(site)
    target = create_user(site.data.url)
    group = web.post_form(
        "/admin/groups/", {"action": "save", "name": "Hackers", "permissions": ["view_pii", "view_rawdump"]}
    )
    assert group.status == 200 and "Group Hackers saved" in group.text
    bad = web.post_form("/admin/groups/", {"action": "save", "name": "X", "permissions": ["fly"]})
    assert bad.status == 400 and "unknown permission: fly" in bad.text
    edit = web.post_form(
        f"/admin/users/{target.id}/",
        [
            ("action", "update"),
            ("is_active", "1"),
            ("groups", "Hackers"),
            ("permissions", "reprocess_crashes"),
        ],
    )
    assert edit.status == 200
    as_target = WebClient.of(site.base)
    as_target.login(target.email)
    crash = as_target.get(f"/report/index/{site.data.nasty_id}.json").json()
    assert "email" in crash["processed_crash"] and crash["can_see_dumps"]
    users = web.get("/admin/users/").text
    assert target.email in users and "reprocess_crashes" in users and "view_pii" in users
    # deactivation ends the user's sessions
    web.post_form(f"/admin/users/{target.id}/", [("action", "update")])
    assert as_target.get("/api/tokens/").status == 303
    # a superuser cannot demote themselves
    me = re.search(r'href="/admin/users/(\d+)/">' + re.escape(admin_email), users)
    assert me
    self_demote = web.post_form(f"/admin/users/{me.group(1)}/", [("action", "update"), ("is_active", "1")])
    assert self_demote.status == 400 and "your own superuser" in self_demote.text
    # a new user through the form, then the audit log page
    email = f"new-{target.id}@example.org"
    assert "created" in web.post_form("/admin/users/", {"email": email, "password": "long enough pw"}).text
    assert web.post_form("/admin/users/", {"email": email, "password": "long enough pw"}).status == 400
    log_page = web.get("/admin/audit-log/").text
    for action in ("group.save", "user.update", "user.create"):
        assert action in log_page
    entry = audit(site, "user.update")[-2]
    assert entry["actor_email"] == admin_email and entry["target"] == target.email
    assert entry["details"]["groups"] == ["Hackers"]
    assert web.get("/admin/audit-log/?page=x").status == 400


def test_products_releases_featured_versions_show_at_once(site: SiteServer, clock: SuiteClock) -> None:
    web, admin_email = superuser_client(site)
    home = "/home/products/AdminApp"
    assert site.get(home).status in (400, 404)
    added = web.post_form("/admin/products/", {"product": "AdminApp", "version": "1.0", "throttle": "1.0"})
    assert added.status == 200 and "Product AdminApp added" in added.text, added.text[-2000:]
    # the SQL function's refusal is shown on the form
    again = web.post_form("/admin/products/", {"product": "AdminApp", "version": "1.0"})
    assert again.status == 400 and 'id="form-error"' in again.text and "AdminApp" in again.text
    assert site.get(home).status == 200  # cached pages did not hide it (generation bumped)
    first = site.get(home)
    assert first.headers["x-cache"] in ("HIT", "MISS")
    build = (clock.now() - dt.timedelta(days=2)).strftime("%Y%m%d%H%M%S")
    release = {
        "product": "AdminApp",
        "version": "2.0",
        "update_channel": "release",
        "build_id": build,
        "platform": "Linux",
        "repository": "release",
        "throttle": "0.5",
    }
    done = web.post_form("/admin/releases/", release)
    assert done.status == 200 and "Release AdminApp 2.0" in done.text, done.text[-2000:]
    wrong = web.post_form("/admin/releases/", {**release, "version": "3.0b", "update_channel": "beta"})
    assert wrong.status == 400 and 'id="form-error"' in wrong.text
    nodigits = web.post_form("/admin/releases/", {**release, "build_id": "yesterday"})
    assert nodigits.status == 400 and "build_id=yesterday" in nodigits.text
    unknown = web.post_form("/admin/releases/", {**release, "product": "NoSuchApp"})
    assert unknown.status == 400 and "unknown product" in unknown.text
    # one throttle: the one the reports divide by (product_build_types), the older table kept equal
    with psycopg.connect(site.data.url) as conn:
        throttles = conn.execute(
            "SELECT pbt.throttle, prc.throttle FROM product_build_types pbt"
            " JOIN product_release_channels prc ON prc.product_name = pbt.product_name"
            " AND lower(prc.release_channel) = pbt.build_type::text"
            " WHERE pbt.product_name = 'AdminApp' AND pbt.build_type = 'release'"
        ).fetchone()
    assert [float(t) for t in throttles] == [0.5, 0.5]
    # the throttle form sets a channel's throttle without a release; a bad one is refused
    form = web.post_form(
        "/admin/releases/",
        {"action": "throttle", "product": "AdminApp", "build_type": "beta", "throttle": "0.25"},
    )
    assert form.status == 200 and "Throttle of AdminApp beta set to 0.25" in form.text, form.text[-2000:]
    assert '<td>AdminApp</td><td>beta</td><td class="number">0.25</td>' in form.text
    refused = web.post_form(
        "/admin/releases/",
        {"action": "throttle", "product": "AdminApp", "build_type": "beta", "throttle": "2"},
    )
    assert refused.status == 400 and "throttle=2 is out of range" in refused.text
    with psycopg.connect(site.data.url) as conn:
        beta = conn.execute(
            "SELECT throttle FROM product_build_types WHERE product_name = 'AdminApp' AND build_type = 'beta'"
        ).fetchone()[0]
    assert float(beta) == 0.25
    page = site.get(home).text
    assert "2.0" in page
    featured = web.post_form("/admin/featured-versions/", {"product": "AdminApp", "versions": "2.0"})
    assert featured.status == 200 and "saved" in featured.text
    nothing = web.post_form("/admin/featured-versions/", {"product": "AdminApp"})
    assert nothing.status == 400 and "at least one version" in nothing.text
    versions = site.get("/api/ProductVersions/?product=AdminApp&is_featured=true").json()
    assert [v["version"] for v in versions["hits"]] == ["2.0"]
    for action in ("product.add", "release.add", "throttle.set", "featured.edit"):
        entries = audit(site, action)
        assert entries and entries[-1]["actor_email"] == admin_email
