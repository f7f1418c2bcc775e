-- partition_object_name(p_partname text, p_element text, p_suffix text) -> text
-- Name of an index or constraint a registry element gives a partition:
-- <partition>_<element with non-identifier characters as _>_<suffix> ("reports_20261123_id_key");
-- names longer than PostgreSQL's 63 characters end in an md5 digest instead of being cut, so
-- two long elements never collide.
-- Callers: apply_weekly_partition_registry. Pure.
CREATE OR REPLACE FUNCTION partition_object_name(p_partname text, p_element text, p_suffix text)
RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$
    SELECT CASE WHEN octet_length(s.name) <= 63 THEN s.name
                ELSE left(s.name, 54) || '_' || left(md5(s.name), 8) END
      FROM (SELECT p_partname || '_' || regexp_replace(p_element, '[^A-Za-z0-9_]+', '_', 'g')
                   || '_' || p_suffix AS name) AS s;
$$;
COMMENT ON FUNCTION partition_object_name(text, text, text) IS
'Name of the index or constraint a report_partition_info element gives a partition (<partition>_<element>_<suffix>, digest-shortened past 63 characters). Pure.';
