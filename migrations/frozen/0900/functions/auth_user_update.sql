-- auth_user_update(p_actor_id bigint, p_user_id bigint, p_is_superuser boolean,
--                  p_is_active boolean, p_groups text[], p_permissions text[]) -> void
-- Sets a user's flags, groups (by name) and direct permissions, all at once, and logs the
-- change. A superuser cannot take away their own superuser flag or deactivate themselves (so
-- the site keeps an admin). Deactivating ends the user's sessions. Unknown groups or
-- permissions raise invalid_parameter_value naming them. Callers: /admin/users/<id>/, tests.
-- Rerun-safe (the same arguments give the same state, plus a log row).
CREATE OR REPLACE FUNCTION auth_user_update(
    p_actor_id bigint, p_user_id bigint, p_is_superuser boolean, p_is_active boolean,
    p_groups text[], p_permissions text[]
)
RETURNS void
LANGUAGE plpgsql
AS $$
DECLARE
    v_email text;
    v_permissions text[] := auth_check_permissions(p_permissions);
    v_unknown text[];
BEGIN
    SELECT email::text INTO v_email FROM auth_users WHERE id = p_user_id FOR UPDATE;
    IF v_email IS NULL THEN
        RAISE EXCEPTION 'no user %', p_user_id USING ERRCODE = 'no_data_found', HINT = 'see /admin/users/';
    END IF;
    IF p_actor_id = p_user_id AND (NOT p_is_superuser OR NOT p_is_active) THEN
        RAISE EXCEPTION 'you cannot remove your own superuser status or deactivate yourself'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'ask another superuser';
    END IF;
    SELECT array_agg(g ORDER BY g) INTO v_unknown
      FROM unnest(coalesce(p_groups, '{}')) g
     WHERE nonzero_string(g) AND NOT EXISTS (SELECT 1 FROM auth_groups ag WHERE ag.name = btrim(g)::citext);
    IF v_unknown IS NOT NULL THEN
        RAISE EXCEPTION 'unknown group: %', array_to_string(v_unknown, ', ')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'create it at /admin/groups/';
    END IF;
    UPDATE auth_users SET is_superuser = p_is_superuser, is_active = p_is_active WHERE id = p_user_id;
    DELETE FROM auth_user_groups WHERE user_id = p_user_id;
    INSERT INTO auth_user_groups (user_id, group_id)
    SELECT DISTINCT p_user_id, ag.id FROM auth_groups ag
     WHERE ag.name IN (SELECT btrim(g)::citext FROM unnest(coalesce(p_groups, '{}')) g);
    DELETE FROM auth_user_permissions WHERE user_id = p_user_id;
    INSERT INTO auth_user_permissions (user_id, permission) SELECT p_user_id, unnest(v_permissions);
    IF NOT p_is_active THEN
        DELETE FROM auth_sessions WHERE user_id = p_user_id;
    END IF;
    PERFORM audit_log_add(p_actor_id, 'user.update', v_email, jsonb_build_object(
        'is_superuser', p_is_superuser, 'is_active', p_is_active,
        'groups', to_jsonb(coalesce(p_groups, '{}')), 'permissions', to_jsonb(v_permissions)));
END;
$$;
COMMENT ON FUNCTION auth_user_update(bigint, bigint, boolean, boolean, text[], text[]) IS
'Sets a user''s superuser/active flags, groups and direct permissions (validated), audit-logged; deactivation ends sessions. Called by /admin/users/; rerun-safe.';
