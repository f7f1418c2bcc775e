-- api_token_revoke(p_actor_id bigint, p_token_id bigint) -> boolean
-- Revokes a token of the actor's own (a superuser: anyone's); audit-logged; false when there
-- is no such token the actor may revoke, or it was revoked already. Callers: /api/tokens/,
-- the admin. Rerun-safe.
CREATE OR REPLACE FUNCTION api_token_revoke(p_actor_id bigint, p_token_id bigint)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_email text;
BEGIN
    UPDATE api_tokens t SET revoked_at = now()
      FROM auth_users u
     WHERE t.id = p_token_id AND t.revoked_at IS NULL AND u.id = t.user_id
       AND (t.user_id = p_actor_id OR EXISTS (SELECT 1 FROM auth_users a WHERE a.id = p_actor_id AND a.is_superuser))
    RETURNING u.email::text INTO v_email;
    IF v_email IS NULL THEN
        RETURN false;
    END IF;
    PERFORM audit_log_add(p_actor_id, 'token.revoke', v_email, jsonb_build_object('token_id', p_token_id));
    RETURN true;
END;
$$;
COMMENT ON FUNCTION api_token_revoke(bigint, bigint) IS
'Revokes an API token of the actor (a superuser: any), audit-logged; false when none. Called by /api/tokens/; rerun-safe.';
