-- auth_login_allowed(p_email text, p_remote_addr text, p_max_failures integer, p_window interval)
-- -> boolean
-- Brute-force throttle: false when the e-mail, or the address, has p_max_failures or more
-- failed sign-ins within p_window (a success does not clear earlier failures of an address,
-- it does for the e-mail). Callers: web/auth.py before checking a password. Read-only.
CREATE OR REPLACE FUNCTION auth_login_allowed(
    p_email text, p_remote_addr text, p_max_failures integer DEFAULT 5, p_window interval DEFAULT '15 minutes'
)
RETURNS boolean
LANGUAGE sql
STABLE
AS $$
    SELECT (SELECT count(*) FROM login_attempts a
             WHERE a.email = btrim(p_email)::citext AND NOT a.success AND a.at > now() - p_window
               AND a.at > coalesce((SELECT max(s.at) FROM login_attempts s
                                     WHERE s.email = btrim(p_email)::citext AND s.success), '-infinity'))
           < p_max_failures
       AND (SELECT count(*) FROM login_attempts a
             WHERE a.remote_addr = p_remote_addr AND NOT a.success AND a.at > now() - p_window)
           < p_max_failures * 4;
$$;
COMMENT ON FUNCTION auth_login_allowed(text, text, integer, interval) IS
'False when an e-mail has p_max_failures (or an address 4 times that) failed sign-ins within p_window: the brute-force throttle. Called by the sign-in form; read-only.';
