-- auth_check_permissions(p_permissions text[]) -> text[]
-- The permission names given, checked against auth_permissions (a "crashstats." prefix is
-- accepted), sorted and without duplicates; an unknown name raises invalid_parameter_value
-- naming it. Callers: auth_user_update, auth_group_save, api_token_create. Read-only.
CREATE OR REPLACE FUNCTION auth_check_permissions(p_permissions text[])
RETURNS text[]
LANGUAGE plpgsql
STABLE
AS $$
DECLARE
    v_names text[];
    v_unknown text[];
BEGIN
    SELECT coalesce(array_agg(DISTINCT regexp_replace(btrim(x), '^crashstats\.', '') ORDER BY
                              regexp_replace(btrim(x), '^crashstats\.', '')), '{}')
      INTO v_names
      FROM unnest(coalesce(p_permissions, '{}')) x
     WHERE nonzero_string(x);
    SELECT array_agg(n ORDER BY n) INTO v_unknown
      FROM unnest(v_names) n
     WHERE NOT EXISTS (SELECT 1 FROM auth_permissions p WHERE p.name = n);
    IF v_unknown IS NOT NULL THEN
        RAISE EXCEPTION 'unknown permission: %', array_to_string(v_unknown, ', ')
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'known: ' || (SELECT string_agg(name, ', ' ORDER BY name) FROM auth_permissions);
    END IF;
    RETURN v_names;
END;
$$;
COMMENT ON FUNCTION auth_check_permissions(text[]) IS
'Checks permission names against auth_permissions (crashstats. prefix allowed); returns them sorted and unique, raises invalid_parameter_value naming unknown ones. Read-only.';
