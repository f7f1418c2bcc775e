"""Accounts under gunicorn: sign in and out, the session cookie (signed, HttpOnly,
SameSite=Lax, a new id at every sign-in), CSRF on every form, the brute-force throttle,
password change, `crashstats makesuperuser` and `crashstats tokens`, tokens' expiry and
revocation, and who sees which page (the permission matrix)."""

from __future__ import annotations

import os
import subprocess
import sys

import psycopg
import pytest

from pyapp.schema import ROOT
from tests.auth_fixtures import PASSWORD, WebClient, create_token, create_user, unique_email
from tests.site.conftest import SECRET_EMAIL, SiteServer


def client(site: SiteServer) -> WebClient:
    return WebClient.of(site.base)


def crashstats(site: SiteServer, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRASHSTATS_", "DATABASE_"))}
    env["DATABASE_URL"] = site.data.url
    return subprocess.run(
        [sys.executable, "-m", "pyapp.cli.main", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_sign_in_sets_a_signed_httponly_samesite_cookie_and_out_ends_the_session(site: SiteServer) -> None:
    user = create_user(site.data.url)
    web = client(site)
    assert "Sign in" in web.get("/home/products/KillerApp").text
    reply = web.login(user.email)
    assert reply.header("location") == "/api/tokens/"
    cookie = next(c for c in reply.headers["set-cookie"] if c.startswith("sessionid="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert "." in web.cookies["sessionid"]  # value.signature
    home = web.get("/home/products/KillerApp")
    assert user.email in home.text and home.status == 200
    # a tampered signature is no session at all
    forged = WebClient.of(site.base)
    value, _, mac = web.cookies["sessionid"].rpartition(".")
    forged.cookies["sessionid"] = value + "." + ("0" * len(mac))
    assert user.email not in forged.get("/home/products/KillerApp").text
    # signing out ends it server-side: the old cookie no longer works
    old = web.cookies["sessionid"]
    assert web.post_form("/logout/", {}).status == 303
    replay = WebClient.of(site.base)
    replay.cookies["sessionid"] = old
    assert replay.get("/api/tokens/").status == 303  # back to sign-in
    assert user.email not in web.get("/home/products/KillerApp").text


def test_a_new_session_id_at_every_sign_in(site: SiteServer) -> None:
    user = create_user(site.data.url)
    web = client(site)
    web.login(user.email)
    first = web.cookies["sessionid"]
    web.login(user.email)  # signing in again from the same browser
    second = web.cookies["sessionid"]
    assert first != second
    stale = WebClient.of(site.base)
    stale.cookies["sessionid"] = first
    assert stale.get("/api/tokens/").status == 303  # the earlier session was deleted
    # a session id planted before sign-in is not adopted
    planted = WebClient.of(site.base)
    planted.cookies["sessionid"] = "attacker-chosen.0000"
    planted.login(user.email)
    assert planted.cookies["sessionid"] != "attacker-chosen.0000"


def test_forms_without_the_csrf_token_are_refused(site: SiteServer) -> None:
    user = create_user(site.data.url, superuser=True)
    web = client(site)
    assert web.post("/login/", {"email": user.email, "password": PASSWORD}).status == 403
    web.login(user.email)
    for path, fields in [
        ("/admin/products/", {"product": "CsrfApp", "version": "1.0"}),
        ("/admin/groups/", {"name": "csrf-group"}),
        ("/api/tokens/", {"action": "create"}),
        ("/logout/", {}),
        ("/account/password/", {"current_password": PASSWORD}),
    ]:
        reply = web.post(path, fields)
        assert reply.status == 403, path
        assert "CSRF" in reply.text
        bad = web.post(path, {**fields, "csrf_token": "0" * 64})
        assert bad.status == 403, path
    # nothing happened
    with psycopg.connect(site.data.url) as conn:
        assert conn.execute("SELECT count(*) FROM products WHERE product_name = 'CsrfApp'").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM auth_groups WHERE name = 'csrf-group'").fetchone()[0] == 0
    assert user.email in web.get("/home/products/KillerApp").text  # still signed in


def test_brute_force_is_blocked_even_with_the_right_password(site: SiteServer) -> None:
    user = create_user(site.data.url)
    web = client(site)
    statuses = [
        web.post_form("/login/", {"email": user.email, "password": f"wrong {n}"}).status for n in range(5)
    ]
    assert statuses == [403] * 5
    blocked = web.post_form("/login/", {"email": user.email, "password": PASSWORD})
    assert blocked.status == 429 and "blocked" in blocked.text
    assert blocked.header("retry-after") == str(15 * 60)
    assert "sessionid" not in web.cookies
    # another account is not affected
    other = create_user(site.data.url)
    assert web.login(other.email).status == 303


def test_password_change_keeps_this_session_and_ends_the_others(site: SiteServer) -> None:
    user = create_user(site.data.url)
    here, elsewhere = client(site), client(site)
    here.login(user.email)
    elsewhere.login(user.email)
    short = here.post_form(
        "/account/password/",
        {"current_password": PASSWORD, "new_password": "short", "new_password_again": "short"},
    )
    assert short.status == 400 and "at least 10" in short.text
    new = "a much better password"
    done = here.post_form(
        "/account/password/", {"current_password": PASSWORD, "new_password": new, "new_password_again": new}
    )
    assert done.status == 200 and "changed" in done.text
    assert here.get("/api/tokens/").status == 200
    assert elsewhere.get("/api/tokens/").status == 303
    assert client(site).post_form("/login/", {"email": user.email, "password": PASSWORD}).status == 403
    assert client(site).login(user.email, new).status == 303


def test_makesuperuser_creates_or_promotes(site: SiteServer) -> None:
    email = unique_email("boss")
    created = crashstats(site, "makesuperuser", email)
    assert created.returncode == 0, created.stderr
    password = created.stdout.strip().rsplit(": ", 1)[1]
    web = client(site)
    web.login(email, password)
    assert web.get("/admin/users/").status == 200
    again = crashstats(site, "makesuperuser", email)
    assert again.returncode == 0 and "is a superuser" in again.stdout and "password" not in again.stdout
    plain = create_user(site.data.url)
    web2 = client(site)
    web2.login(plain.email)
    assert web2.get("/admin/users/").status == 403
    assert crashstats(site, "makesuperuser", plain.email).returncode == 0
    assert web2.get("/admin/users/").status == 200  # the running session sees it at once
    bad = crashstats(site, "makesuperuser", "not-an-email")
    assert bad.returncode != 0 and "not an e-mail address" in bad.stderr and "Traceback" not in bad.stderr


def test_tokens_cli_expiry_and_revocation(site: SiteServer) -> None:
    user = create_user(site.data.url, permissions=["view_pii", "reprocess_crashes"])
    made = crashstats(
        site, "tokens", "create", "--user", user.email, "--permission", "view_pii", "--days", "3"
    )
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    crash = f"/api/ProcessedCrash/?crash_id={site.data.nasty_id}"
    anonymous = client(site).get(crash)
    assert anonymous.status == 200 and SECRET_EMAIL not in anonymous.text
    with_token = client(site).get(crash, headers={"Auth-Token": token})
    assert with_token.status == 200 and with_token.json()["email"] == SECRET_EMAIL
    # a permission the user lacks cannot go into a token
    refused = crashstats(site, "tokens", "create", "--user", user.email, "--permission", "view_rawdump")
    assert refused.returncode != 0 and "does not hold view_rawdump" in refused.stderr
    unknown = crashstats(site, "tokens", "create", "--user", user.email, "--permission", "fly")
    assert unknown.returncode != 0 and "unknown permission: fly" in unknown.stderr
    listed = crashstats(site, "tokens", "list", "--user", user.email)
    token_id = listed.stdout.split("\t", 1)[0]
    assert "active" in listed.stdout and token not in listed.stdout
    # expiry: the database's clock decides
    with psycopg.connect(site.data.url, autocommit=True) as conn:
        conn.execute(
            "UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = %s", (int(token_id),)
        )
    assert client(site).get(crash, headers={"Auth-Token": token}).status == 403
    with psycopg.connect(site.data.url, autocommit=True) as conn:
        conn.execute(
            "UPDATE api_tokens SET expires_at = now() + interval '1 day' WHERE id = %s", (int(token_id),)
        )
    assert client(site).get(crash, headers={"Auth-Token": token}).status == 200
    assert crashstats(site, "tokens", "revoke", token_id).returncode == 0
    assert client(site).get(crash, headers={"Auth-Token": token}).status == 403
    assert "revoked" in crashstats(site, "tokens", "list", "--user", user.email).stdout
    # with the web page: create, see once, revoke
    web = client(site)
    web.login(user.email)
    page = web.post_form(
        "/api/tokens/", {"action": "create", "permissions": "reprocess_crashes", "notes": "ci"}
    )
    assert page.status == 200
    new_token = page.text.split('<pre id="new-token">', 1)[1].split("</pre>", 1)[0]
    assert client(site).get("/api/Platforms/", headers={"Auth-Token": new_token}).status == 200
    assert new_token not in web.get("/api/tokens/").text  # shown once
    with psycopg.connect(site.data.url) as conn:
        stored = conn.execute(
            "SELECT token_hash, expires_at - created_at FROM api_tokens ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert new_token not in stored[0] and stored[1].days == 90
    new_id = web.get("/api/tokens/").text.split("<td>", 1)[1].split("</td>", 1)[0]
    assert web.post_form("/api/tokens/", {"action": "revoke", "token_id": new_id}).status == 200
    assert client(site).get("/api/Platforms/", headers={"Auth-Token": new_token}).status == 403
    # a permission taken from the user is gone from their tokens at once
    token2 = create_token(site.data.url, user, ["view_pii"])
    with psycopg.connect(site.data.url, autocommit=True) as conn:
        conn.execute("SELECT auth_user_update(NULL, %s, false, true, '{}', '{}')", (user.id,))
    assert SECRET_EMAIL not in client(site).get(crash, headers={"Auth-Token": token2}).text


PRIVATE = {  # page or endpoint -> the permissions it needs
    "/exploitability/": ("view_exploitability",),
    "/api/UnredactedCrash/?crash_id={nasty}": ("view_pii", "view_exploitability"),
    "/api/RawCrash/?crash_id={nasty}&format=raw": ("view_rawdump",),
}
#: write endpoints probed with an empty body: 403 without the permission, 400 (a required
#: parameter missing) with it, so nothing is written
WRITES = {
    ("POST", "/api/Products/"): "manage_releases",
    ("POST", "/api/Releases/"): "manage_releases",
    ("PUT", "/api/ReleasesFeatured/"): "manage_releases",
    ("POST", "/api/Reprocessing/"): "reprocess_crashes",
    ("POST", "/api/Priorityjob/"): "reprocess_crashes",
    ("POST", "/api/SkipList/"): "manage_skiplist",
    ("DELETE", "/api/SkipList/"): "manage_skiplist",
}
SUPER = [
    "/admin/",
    "/admin/users/",
    "/admin/groups/",
    "/admin/audit-log/",
    "/admin/products/",
    "/admin/releases/",
    "/admin/featured-versions/",
]
ALL_PERMISSIONS = [
    "view_pii",
    "view_rawdump",
    "view_exploitability",
    "view_flash_exploitability",
    "run_custom_queries",
    "run_long_queries",
    "upload_symbols",
    "view_all_symbol_uploads",
    "reprocess_crashes",
    "manage_releases",
    "manage_skiplist",
]


@pytest.mark.parametrize("who", ["anonymous", "signed_in", *ALL_PERMISSIONS, "superuser"])
def test_the_permission_matrix(site: SiteServer, who: str) -> None:
    web = client(site)
    api = client(site)
    held: set[str] = set()
    if who != "anonymous":
        perms = [who] if who in ALL_PERMISSIONS else []
        user = create_user(site.data.url, permissions=perms, superuser=who == "superuser")
        web.login(user.email)
        held = set(ALL_PERMISSIONS) if who == "superuser" else set(perms)
        api.headers["Auth-Token"] = create_token(site.data.url, user, sorted(held))
    for template, needed in PRIVATE.items():
        path = template.format(nasty=site.data.nasty_id)
        for caller in (web, api):
            status = caller.get(path).status
            if set(needed) <= held:
                assert status in (200, 404), (path, status)  # 404: the dump file is not in this data set
            else:
                assert status == 403, (path, status)
    for (method, path), needed in WRITES.items():
        status = api.request(method, path, b"", {"Content-Type": "application/x-www-form-urlencoded"}).status
        assert status == (400 if needed in held else 403), (method, path, status)
    for path in SUPER:
        status = web.get(path).status
        expected = 200 if who == "superuser" else 303 if who == "anonymous" else 403
        assert status == expected, (path, status)
        assert api.get(path).status in (303, 401, 403)  # a token never opens the admin
    crash = web.get(f"/report/index/{site.data.nasty_id}.json").json()
    assert ("email" in crash["processed_crash"]) == ("view_pii" in held)
    assert ("exploitability" in crash["processed_crash"]) == ("view_exploitability" in held)
    assert crash["can_see_dumps"] == ("view_rawdump" in held)
    fields = web.get("/api/SuperSearch/?email=~piimarker").status
    assert fields == (200 if "view_pii" in held else 403)
