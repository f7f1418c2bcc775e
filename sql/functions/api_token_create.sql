-- api_token_create(p_user_id bigint, p_token_hash text, p_permissions text[], p_days integer,
--                  p_notes text, p_actor_id bigint) -> bigint
-- Stores a new API token (its SHA-256; the token is shown once by the caller) with a subset of
-- the user's permissions, expiring in p_days (1..3650, default 90); audit-logged; returns its
-- id. A permission the user does not hold raises insufficient_privilege naming it.
-- Callers: /api/tokens/ (create), `crashstats tokens create`. Not rerun-safe (same hash raises).
CREATE OR REPLACE FUNCTION api_token_create(
    p_user_id bigint, p_token_hash text, p_permissions text[], p_days integer DEFAULT 90,
    p_notes text DEFAULT '', p_actor_id bigint DEFAULT NULL
)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_permissions text[] := auth_check_permissions(p_permissions);
    v_user auth_user_summary%ROWTYPE;
    v_missing text[];
    v_id bigint;
BEGIN
    SELECT * INTO v_user FROM auth_user_summary WHERE id = p_user_id;
    IF v_user.id IS NULL OR NOT v_user.is_active THEN
        RAISE EXCEPTION 'no active user %', p_user_id USING ERRCODE = 'no_data_found', HINT = 'see /admin/users/';
    END IF;
    IF p_days IS NULL OR p_days < 1 OR p_days > 3650 THEN
        RAISE EXCEPTION 'days=% is out of range: between 1 and 3650', p_days
            USING ERRCODE = 'invalid_parameter_value', HINT = 'the default is 90';
    END IF;
    SELECT array_agg(p ORDER BY p) INTO v_missing FROM unnest(v_permissions) p WHERE NOT p = ANY (v_user.permissions);
    IF v_missing IS NOT NULL THEN
        RAISE EXCEPTION '% does not hold %', v_user.email, array_to_string(v_missing, ', ')
            USING ERRCODE = 'insufficient_privilege', HINT = 'a token holds a subset of its user''s permissions';
    END IF;
    INSERT INTO api_tokens (token_hash, user_id, permissions, notes, expires_at)
    VALUES (p_token_hash, p_user_id, v_permissions, left(coalesce(p_notes, ''), 1000), now() + make_interval(days => p_days))
    RETURNING id INTO v_id;
    PERFORM audit_log_add(coalesce(p_actor_id, p_user_id), 'token.create', v_user.email::text,
        jsonb_build_object('token_id', v_id, 'permissions', to_jsonb(v_permissions), 'days', p_days));
    RETURN v_id;
END;
$$;
COMMENT ON FUNCTION api_token_create(bigint, text, text[], integer, text, bigint) IS
'Stores an API token hash with a subset of the user''s permissions, expiry in days (default 90) and notes, audit-logged; returns its id. Called by /api/tokens/ and crashstats tokens create; not rerun-safe.';
