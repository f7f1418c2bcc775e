-- version_sort_digit(p_digit text) -> text
-- One numeric part of a version as a 3-digit, zero-padded sortable string ('' or NULL -> '000').
-- Callers: version_sort, major_version_sort. Pure; rerun-safe.
CREATE OR REPLACE FUNCTION version_sort_digit(p_digit text)
RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN coalesce(p_digit, '') !~ '^\d+$' THEN '000'
        WHEN length(ltrim(p_digit, '0')) > 3 THEN ltrim(p_digit, '0')
        ELSE lpad(ltrim(p_digit, '0'), 3, '0')
    END;
$$;
COMMENT ON FUNCTION version_sort_digit(text) IS
'A version number part as a 3-digit zero-padded string (''5'' -> ''005''; empty -> ''000''). Pure helper of version_sort.';
