-- auth_group_save(p_actor_id bigint, p_name text, p_permissions text[]) -> integer
-- Creates the group or replaces its permissions; audit-logged; returns its id.
-- Callers: /admin/groups/, tests. Rerun-safe.
CREATE OR REPLACE FUNCTION auth_group_save(p_actor_id bigint, p_name text, p_permissions text[])
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_id integer;
    v_permissions text[] := auth_check_permissions(p_permissions);
BEGIN
    IF NOT nonzero_string(btrim(p_name)) THEN
        RAISE EXCEPTION 'a group needs a name' USING ERRCODE = 'null_value_not_allowed', HINT = 'e.g. Hackers';
    END IF;
    INSERT INTO auth_groups (name) VALUES (btrim(p_name))
    ON CONFLICT (name) DO UPDATE SET name = auth_groups.name
    RETURNING id INTO v_id;
    DELETE FROM auth_group_permissions WHERE group_id = v_id;
    INSERT INTO auth_group_permissions (group_id, permission) SELECT v_id, unnest(v_permissions);
    PERFORM audit_log_add(p_actor_id, 'group.save', btrim(p_name),
                          jsonb_build_object('permissions', to_jsonb(v_permissions)));
    RETURN v_id;
END;
$$;
COMMENT ON FUNCTION auth_group_save(bigint, text, text[]) IS
'Creates a group or replaces its permissions (validated), audit-logged; returns its id. Called by /admin/groups/; rerun-safe.';
