-- auth_users: people who sign in (e-mail + argon2 password hash). A superuser holds every
-- permission and may use /admin/.
CREATE TABLE auth_users (
    id bigserial PRIMARY KEY,
    email citext NOT NULL UNIQUE CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
    password_hash text NOT NULL DEFAULT '',
    is_superuser boolean NOT NULL DEFAULT false,
    is_active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_login timestamptz,
    password_changed_at timestamptz
);
COMMENT ON TABLE auth_users IS 'Accounts of the web site: e-mail, argon2 password hash (empty: cannot sign in), superuser and active flags.';
