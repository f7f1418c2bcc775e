"""accounts permissions tokens audit log api rate limits

Revision ID: 0900
Revises: 0850
"""

from pyapp import schema

revision = "0900"
down_revision = "0850"
branch_labels = None
depends_on = None

FILES = [
    "functions/audit_log_add.sql",
    "functions/auth_check_permissions.sql",
    "functions/auth_user_create.sql",
    "functions/auth_make_superuser.sql",
    "functions/auth_user_update.sql",
    "functions/auth_group_save.sql",
    "functions/auth_group_delete.sql",
    "functions/auth_login_allowed.sql",
    "functions/auth_login_record.sql",
    "functions/auth_password_hash.sql",
    "functions/auth_set_password.sql",
    "functions/auth_session_create.sql",
    "functions/auth_session_delete.sql",
    "functions/auth_session_user.sql",
    "functions/auth_token_user.sql",
    "functions/api_token_create.sql",
    "functions/api_token_revoke.sql",
    "functions/api_rate_hit.sql",
    "functions/set_release_throttle.sql",
    "tables/auth_permissions.sql",
    "tables/auth_users.sql",
    "tables/auth_groups.sql",
    "tables/auth_group_permissions.sql",
    "tables/auth_user_groups.sql",
    "tables/auth_user_permissions.sql",
    "tables/auth_sessions.sql",
    "tables/api_tokens.sql",
    "tables/audit_log.sql",
    "tables/login_attempts.sql",
    "tables/api_rate_counters.sql",
    "views/auth_user_summary.sql",
    "views/auth_group_summary.sql",
    "views/api_token_list.sql",
    "data/auth_permissions.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
