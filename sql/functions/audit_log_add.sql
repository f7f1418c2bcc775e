-- audit_log_add(p_actor_id bigint, p_action text, p_target text, p_details jsonb) -> bigint
-- Appends one admin action to audit_log (the actor's e-mail is copied, so the row stays
-- readable after the account is deleted) and returns its id.
-- Callers: the auth/admin SQL functions below, web/admin.py (products, releases, featured
-- versions), `crashstats makesuperuser` / `tokens create`. Not rerun-safe: each call adds a row.
CREATE OR REPLACE FUNCTION audit_log_add(
    p_actor_id bigint, p_action text, p_target text DEFAULT '', p_details jsonb DEFAULT '{}'
)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_id bigint;
BEGIN
    IF NOT nonzero_string(p_action) THEN
        RAISE EXCEPTION 'audit_log_add: an action is required'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'name what was done, e.g. user.update';
    END IF;
    INSERT INTO audit_log (actor_id, actor_email, action, target, details)
    VALUES (p_actor_id,
            coalesce((SELECT email::text FROM auth_users WHERE id = p_actor_id), 'command line'),
            p_action, coalesce(p_target, ''), coalesce(p_details, '{}'))
    RETURNING id INTO v_id;
    RETURN v_id;
END;
$$;
COMMENT ON FUNCTION audit_log_add(bigint, text, text, jsonb) IS
'Appends an admin action (actor, action, target, details) to audit_log and returns its id. Called by the auth/admin functions and the admin pages; each call adds a row.';
