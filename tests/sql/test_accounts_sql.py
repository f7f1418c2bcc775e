"""The account functions in SQL: permission names, effective permissions, groups, sessions,
tokens (subset, expiry, revocation, permissions taken away), the login throttle, the API rate
counter, makesuperuser, the audit log, set_release_throttle."""

from __future__ import annotations

import psycopg
import pytest

from pyapp import accounts
from tests.support import scalar


def user(sql: psycopg.Connection, email: str, *, permissions=(), groups=(), superuser: bool = False) -> int:
    return accounts.create_user(
        sql, email, "a password here", superuser=superuser, permissions=list(permissions), groups=list(groups)
    )


def perms(sql: psycopg.Connection, user_id: int) -> list[str]:
    return scalar(sql, "SELECT permissions FROM auth_user_summary WHERE id = %s", (user_id,))


def test_permission_names_are_checked(sql: psycopg.Connection) -> None:
    assert scalar(
        sql, "SELECT auth_check_permissions(%s)", (["crashstats.view_pii", "view_pii", " view_rawdump "],)
    ) == ["view_pii", "view_rawdump"]
    with (
        sql.transaction(force_rollback=True),
        pytest.raises(psycopg.errors.InvalidParameterValue, match="unknown permission: fly, swim"),
    ):
        sql.execute("SELECT auth_check_permissions(%s)", (["swim", "view_pii", "fly"],))
    names = [r["name"] for r in sql.execute("SELECT name FROM auth_permissions").fetchall()]
    for socorro in (
        "view_pii",
        "view_rawdump",
        "view_exploitability",
        "view_flash_exploitability",
        "run_custom_queries",
        "run_long_queries",
        "upload_symbols",
        "view_all_symbol_uploads",
        "reprocess_crashes",
    ):
        assert socorro in names


def test_effective_permissions_come_from_the_user_the_groups_or_superuser(sql: psycopg.Connection) -> None:
    sql.execute("SELECT auth_group_save(NULL, 'Hackers', %s)", (["view_pii", "view_rawdump"],))
    a = user(sql, "a@example.org", permissions=["reprocess_crashes"], groups=["hackers"])  # citext
    assert perms(sql, a) == ["reprocess_crashes", "view_pii", "view_rawdump"]
    b = user(sql, "b@example.org", superuser=True)
    assert len(perms(sql, b)) == scalar(sql, "SELECT count(*) FROM auth_permissions")
    sql.execute("SELECT auth_group_save(NULL, 'Hackers', %s)", (["view_pii"],))
    assert perms(sql, a) == ["reprocess_crashes", "view_pii"]
    assert scalar(sql, "SELECT auth_group_delete(NULL, 'Hackers')") is True
    assert scalar(sql, "SELECT auth_group_delete(NULL, 'Hackers')") is False
    assert perms(sql, a) == ["reprocess_crashes"]
    with (
        sql.transaction(force_rollback=True),
        pytest.raises(psycopg.errors.InvalidParameterValue, match="unknown group: Nobody"),
    ):
        sql.execute("SELECT auth_user_update(NULL, %s, false, true, %s, '{}')", (a, ["Nobody"]))
    with (
        sql.transaction(force_rollback=True),
        pytest.raises(psycopg.errors.UniqueViolation, match="exists already"),
    ):
        user(sql, "A@example.org")
    with (
        sql.transaction(force_rollback=True),
        pytest.raises(psycopg.errors.InvalidParameterValue, match="not an e-mail address"),
    ):
        user(sql, "nobody")
    actions = [r["action"] for r in sql.execute("SELECT action FROM audit_log ORDER BY id").fetchall()]
    assert actions[:2] == ["group.save", "user.create"] and "group.delete" in actions


def test_sessions_expire_and_end_with_deactivation(sql: psycopg.Connection) -> None:
    a = user(sql, "s@example.org", permissions=["view_pii"])
    sql.execute("SELECT auth_session_create(%s, 'h1', interval '1 hour', NULL)", (a,))
    row = sql.execute("SELECT * FROM auth_session_user('h1')").fetchone()
    assert row["email"] == "s@example.org" and row["permissions"] == ["view_pii"]
    # a sign-in replacing h1 deletes it
    sql.execute("SELECT auth_session_create(%s, 'h2', interval '1 hour', 'h1')", (a,))
    assert sql.execute("SELECT * FROM auth_session_user('h1')").fetchone() is None
    sql.execute("UPDATE auth_sessions SET expires_at = now() - interval '1 second' WHERE session_hash = 'h2'")
    assert sql.execute("SELECT * FROM auth_session_user('h2')").fetchone() is None
    sql.execute("SELECT auth_session_create(%s, 'h3', interval '1 hour', NULL)", (a,))
    assert (
        scalar(sql, "SELECT count(*) FROM auth_sessions WHERE user_id = %s", (a,)) == 1
    )  # expired h2 pruned
    sql.execute("SELECT auth_user_update(NULL, %s, false, false, '{}', '{}')", (a,))
    assert scalar(sql, "SELECT count(*) FROM auth_sessions WHERE user_id = %s", (a,)) == 0
    with sql.transaction(force_rollback=True), pytest.raises(psycopg.errors.InvalidParameterValue):
        sql.execute("SELECT auth_session_create(%s, 'h4', interval '-1 hour', NULL)", (a,))


def test_tokens_hold_a_subset_and_lose_what_the_user_loses(sql: psycopg.Connection) -> None:
    a = user(sql, "t@example.org", permissions=["view_pii", "view_rawdump"])
    token_id, token = accounts.create_token(sql, a, ["view_pii", "view_rawdump"], 90)
    h = accounts.secret_hash(token)
    assert (
        token not in h and scalar(sql, "SELECT count(*) FROM api_tokens WHERE token_hash = %s", (token,)) == 0
    )
    row = sql.execute("SELECT * FROM auth_token_user(%s)", (h,)).fetchone()
    assert row["permissions"] == ["view_pii", "view_rawdump"] and row["token_id"] == token_id
    sql.execute("SELECT auth_user_update(NULL, %s, false, true, '{}', %s)", (a, ["view_rawdump"]))
    assert sql.execute("SELECT permissions FROM auth_token_user(%s)", (h,)).fetchone()["permissions"] == [
        "view_rawdump"
    ]
    with (
        sql.transaction(force_rollback=True),
        pytest.raises(psycopg.errors.InsufficientPrivilege, match="does not hold view_pii"),
    ):
        accounts.create_token(sql, a, ["view_pii"], 90)
    with (
        sql.transaction(force_rollback=True),
        pytest.raises(psycopg.errors.InvalidParameterValue, match="days=0 is out of range"),
    ):
        accounts.create_token(sql, a, [], 0)
    other = user(sql, "o@example.org")
    assert scalar(sql, "SELECT api_token_revoke(%s, %s)", (other, token_id)) is False  # not theirs
    assert scalar(sql, "SELECT api_token_revoke(%s, %s)", (a, token_id)) is True
    assert sql.execute("SELECT * FROM auth_token_user(%s)", (h,)).fetchone() is None
    assert scalar(sql, "SELECT state FROM api_token_list WHERE id = %s", (token_id,)) == "revoked"
    expiring_id, expiring = accounts.create_token(sql, a, [], 1)
    sql.execute("UPDATE api_tokens SET expires_at = now() WHERE id = %s", (expiring_id,))
    assert (
        sql.execute("SELECT * FROM auth_token_user(%s)", (accounts.secret_hash(expiring),)).fetchone() is None
    )
    assert scalar(sql, "SELECT state FROM api_token_list WHERE id = %s", (expiring_id,)) == "expired"


def test_the_login_throttle(sql: psycopg.Connection) -> None:
    for _ in range(4):
        sql.execute("SELECT auth_login_record('x@example.org', '10.0.0.1', false)")
    assert scalar(sql, "SELECT auth_login_allowed('x@example.org', '10.0.0.1', 5, '15 minutes')") is True
    sql.execute("SELECT auth_login_record('X@example.org', '10.0.0.2', false)")
    assert scalar(sql, "SELECT auth_login_allowed('x@example.org', '10.0.0.3', 5, '15 minutes')") is False
    assert scalar(sql, "SELECT auth_login_allowed('y@example.org', '10.0.0.1', 5, '15 minutes')") is True
    sql.execute("UPDATE login_attempts SET at = at - interval '16 minutes'")
    assert scalar(sql, "SELECT auth_login_allowed('x@example.org', '10.0.0.3', 5, '15 minutes')") is True
    for n in range(20):  # one address trying many e-mails
        sql.execute("SELECT auth_login_record(%s, '10.9.9.9', false)", (f"e{n}@example.org",))
    assert scalar(sql, "SELECT auth_login_allowed('fresh@example.org', '10.9.9.9', 5, '15 minutes')") is False


def test_rate_counter_and_makesuperuser_and_throttle(sql: psycopg.Connection) -> None:
    hits = [sql.execute("SELECT * FROM api_rate_hit('c1', 2)").fetchone() for _ in range(3)]
    assert [h["allowed"] for h in hits] == [True, True, False] and 1 <= hits[-1]["reset_seconds"] <= 60
    assert sql.execute("SELECT * FROM api_rate_hit('c2', 2)").fetchone()["allowed"] is True
    uid, password = accounts.make_superuser(sql, "boss@example.org")
    assert password and accounts.verify_password(
        scalar(sql, "SELECT password_hash FROM auth_password_hash('boss@example.org')"), password
    )
    again, none = accounts.make_superuser(sql, "BOSS@example.org")
    assert again == uid and none is None
    with (
        sql.transaction(force_rollback=True),
        pytest.raises(psycopg.errors.InvalidParameterValue, match="throttle=0"),
    ):
        sql.execute("SELECT set_release_throttle('KillerApp', 'release', 0)")
