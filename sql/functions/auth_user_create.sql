-- auth_user_create(p_email text, p_password_hash text, p_is_superuser boolean, p_actor_id bigint)
-- -> bigint
-- Creates an account (the password hash is argon2, made in Python; '' = cannot sign in yet)
-- and logs it in audit_log; returns the user id. An e-mail already used raises
-- unique_violation naming it. Callers: /admin/users/ (add), auth_make_superuser, tests.
-- Not rerun-safe (the second call raises).
CREATE OR REPLACE FUNCTION auth_user_create(
    p_email text, p_password_hash text, p_is_superuser boolean DEFAULT false, p_actor_id bigint DEFAULT NULL
)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
BEGIN
    IF p_email IS NULL OR btrim(p_email) !~ '^[^@\s]+@[^@\s]+$' THEN
        RAISE EXCEPTION 'not an e-mail address: %', coalesce(p_email, '(none)')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'give name@domain';
    END IF;
    IF EXISTS (SELECT 1 FROM auth_users WHERE email = btrim(p_email)::citext) THEN
        RAISE EXCEPTION 'a user % exists already', btrim(p_email)
            USING ERRCODE = 'unique_violation', HINT = 'edit that user instead';
    END IF;
    INSERT INTO auth_users (email, password_hash, is_superuser, password_changed_at)
    VALUES (btrim(p_email), coalesce(p_password_hash, ''), coalesce(p_is_superuser, false), now())
    RETURNING id INTO v_id;
    PERFORM audit_log_add(p_actor_id, 'user.create', btrim(p_email),
                          jsonb_build_object('is_superuser', coalesce(p_is_superuser, false)));
    RETURN v_id;
END;
$$;
COMMENT ON FUNCTION auth_user_create(text, text, boolean, bigint) IS
'Creates a user (e-mail, argon2 hash, superuser flag), audit-logged; returns the id. Raises unique_violation for a known e-mail. Called by the admin, auth_make_superuser and tests; not rerun-safe.';
