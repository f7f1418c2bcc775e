-- auth_make_superuser(p_email text, p_password_hash text) -> TABLE(user_id bigint, created boolean)
-- The seed's "Becoming a superuser": promotes the user with that e-mail (and activates it);
-- when there is none, creates it with p_password_hash (the one-time password's hash made by
-- the CLI) as a superuser. Audit-logged. Callers: `crashstats makesuperuser EMAIL`.
-- Rerun-safe (a second call finds the superuser and changes nothing but the log).
CREATE OR REPLACE FUNCTION auth_make_superuser(p_email text, p_password_hash text)
RETURNS TABLE (user_id bigint, created boolean)
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
BEGIN
    SELECT id INTO v_id FROM auth_users WHERE email = btrim(p_email)::citext;
    IF v_id IS NULL THEN
        v_id := auth_user_create(p_email, p_password_hash, true, NULL);
        RETURN QUERY SELECT v_id, true;
        RETURN;
    END IF;
    UPDATE auth_users SET is_superuser = true, is_active = true WHERE id = v_id;
    PERFORM audit_log_add(NULL, 'user.superuser', btrim(p_email), '{"is_superuser": true}');
    RETURN QUERY SELECT v_id, false;
END;
$$;
COMMENT ON FUNCTION auth_make_superuser(text, text) IS
'Promotes the user of an e-mail to superuser, or creates it (with the given password hash) as one; returns (user_id, created). Called by crashstats makesuperuser; rerun-safe.';
