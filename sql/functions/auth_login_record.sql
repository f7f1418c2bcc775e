-- auth_login_record(p_email text, p_remote_addr text, p_success boolean) -> void
-- Records a sign-in attempt (login_attempts, pruned after a day) and, on success, the user's
-- last_login. Callers: web/auth.py after checking a password. Not rerun-safe (adds a row).
CREATE OR REPLACE FUNCTION auth_login_record(p_email text, p_remote_addr text, p_success boolean)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    DELETE FROM login_attempts WHERE at < now() - interval '1 day';
    INSERT INTO login_attempts (email, remote_addr, success)
    VALUES (left(btrim(coalesce(p_email, '')), 320), coalesce(p_remote_addr, ''), p_success);
    IF p_success THEN
        UPDATE auth_users SET last_login = now() WHERE email = btrim(p_email)::citext;
    END IF;
END;
$$;
COMMENT ON FUNCTION auth_login_record(text, text, boolean) IS
'Records a sign-in attempt for the throttle (and last_login on success); prunes attempts older than a day. Called by the sign-in form; adds a row per call.';
