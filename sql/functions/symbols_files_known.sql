-- symbols_files_known(p_bucket text, p_files jsonb) -> TABLE(key text)
-- Which files of an upload the bucket already holds with the same content: p_files is a JSON
-- array of {key, sha256}; the keys of those with a symbols_files row of the same bucket, key
-- and SHA-256 come back (the upload skips them).
-- Callers: pyapp.symbols.upload before storing anything. Read-only, rerun-safe.
CREATE OR REPLACE FUNCTION symbols_files_known(p_bucket text, p_files jsonb)
RETURNS TABLE (key text)
LANGUAGE sql
STABLE
AS $$
    SELECT s.key
      FROM jsonb_array_elements(coalesce(p_files, '[]')) AS f
      JOIN symbols_files s ON s.bucket = p_bucket AND s.key = f->>'key' AND s.sha256 = f->>'sha256';
$$;
COMMENT ON FUNCTION symbols_files_known(text, jsonb) IS
'Keys of the given {key, sha256} files already stored with the same content in the bucket (skipped by the upload). Called by pyapp.symbols.upload; read-only.';
