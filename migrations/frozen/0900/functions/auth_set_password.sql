-- auth_set_password(p_user_id bigint, p_password_hash text, p_keep_session text) -> void
-- Stores a new argon2 hash and ends every other session of the user (the one that changed the
-- password, p_keep_session, stays). Audit-logged. Callers: /account/password/, tests. Rerun-safe.
CREATE OR REPLACE FUNCTION auth_set_password(p_user_id bigint, p_password_hash text, p_keep_session text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_email text;
BEGIN
    IF NOT nonzero_string(p_password_hash) THEN
        RAISE EXCEPTION 'auth_set_password: a password hash is required' USING ERRCODE = 'null_value_not_allowed',
            HINT = 'hash the password with argon2 first';
    END IF;
    UPDATE auth_users SET password_hash = p_password_hash, password_changed_at = now()
     WHERE id = p_user_id RETURNING email::text INTO v_email;
    IF v_email IS NULL THEN
        RAISE EXCEPTION 'no user %', p_user_id USING ERRCODE = 'no_data_found', HINT = 'see /admin/users/';
    END IF;
    DELETE FROM auth_sessions WHERE user_id = p_user_id AND session_hash IS DISTINCT FROM p_keep_session;
    PERFORM audit_log_add(p_user_id, 'user.password', v_email, '{}');
END;
$$;
COMMENT ON FUNCTION auth_set_password(bigint, text, text) IS
'Stores a user''s new argon2 hash and ends their other sessions, audit-logged. Called by the password change page; rerun-safe.';
