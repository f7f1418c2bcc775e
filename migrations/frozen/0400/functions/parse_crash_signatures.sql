-- parse_crash_signatures(p_text text) -> text[]
-- The crash signatures named in a bug's crash-signature field (Bugzilla's cf_crash_signature):
-- every "[@ signature]" entry, the signature running to the last "]" before the next "[@" so
-- that signatures containing brackets ("[@ Foo::operator[] ]") survive; trimmed, distinct,
-- sorted. NULL or no entries gives '{}'.
-- Callers: update_bug_associations (bugzilla-associations job). Pure.
CREATE OR REPLACE FUNCTION parse_crash_signatures(p_text text)
RETURNS text[]
LANGUAGE sql
IMMUTABLE
AS $$
    SELECT COALESCE(array_agg(DISTINCT s.sig ORDER BY s.sig), '{}')
      FROM (
          SELECT btrim(substring(u.part FROM '^(.*)\]'), E' \t\r\n') AS sig
            FROM unnest(string_to_array(p_text, '[@')) WITH ORDINALITY AS u(part, n)
           WHERE u.n > 1
      ) AS s
     WHERE s.sig IS NOT NULL AND s.sig <> ''
$$;
COMMENT ON FUNCTION parse_crash_signatures(text) IS
'Signatures in a bug''s crash-signature field: each [@ signature] entry (up to the last ] before the next [@), trimmed, distinct, sorted. Called by update_bug_associations; pure.';
