-- auth_group_delete(p_actor_id bigint, p_name text) -> boolean
-- Deletes a group (its members lose its permissions); audit-logged; false when there is no
-- such group. Callers: /admin/groups/. Rerun-safe.
CREATE OR REPLACE FUNCTION auth_group_delete(p_actor_id bigint, p_name text)
RETURNS boolean
LANGUAGE plpgsql
AS $$
BEGIN
    DELETE FROM auth_groups WHERE name = btrim(p_name)::citext;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM audit_log_add(p_actor_id, 'group.delete', btrim(p_name), '{}');
    RETURN true;
END;
$$;
COMMENT ON FUNCTION auth_group_delete(bigint, text) IS
'Deletes a group by name, audit-logged; false when absent. Called by /admin/groups/; rerun-safe.';
