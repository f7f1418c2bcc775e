-- build_numeric(p_build varchar) -> numeric
-- A build id as a number when it is all digits, else NULL (reports.build is free text).
-- Not STRICT, so it is inlined into the calling query (NULL gives NULL all the same); the
-- pattern avoids a bounded repeat, which PostgreSQL's regex engine runs several times slower.
-- Callers: update_reports_clean, update_signatures, views. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION build_numeric(p_build character varying)
RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE WHEN p_build ~ '^[0-9]+$' AND length(p_build) <= 38 THEN p_build::numeric END;
$$;
COMMENT ON FUNCTION build_numeric(character varying) IS
'The build id as numeric when it is all digits, else NULL. Pure helper (reports_clean, signatures); safe to call anywhere.';
