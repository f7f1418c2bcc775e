-- symbols_file_lookup(p_debug_file text, p_debug_id text, p_filename text)
--   -> TABLE(bucket text, location text, key text, sha256 text, size bigint, stored_size bigint,
--            uploaded_at timestamptz)
-- Where the symbol server finds <debug_file>/<debug_id>/<filename>: the most recently uploaded
-- copy (a file stored in several buckets) with its bucket's location (from the upload), no row
-- when the store does not have it. The debug id is compared in upper case (Breakpad's form).
-- Callers: the web's symbol server (GET /symbols/<debug_file>/<debug_id>/<file>). Read-only.
CREATE OR REPLACE FUNCTION symbols_file_lookup(p_debug_file text, p_debug_id text, p_filename text)
RETURNS TABLE (
    bucket text, location text, key text, sha256 text, size bigint, stored_size bigint, uploaded_at timestamptz
)
LANGUAGE sql
STABLE
AS $$
    SELECT s.bucket, u.bucket_location, s.key, s.sha256, s.size, s.stored_size, s.uploaded_at
      FROM symbols_files s
      JOIN symbols_uploads u ON u.id = s.upload_id
     WHERE s.debug_file = p_debug_file AND s.debug_id = upper(p_debug_id) AND s.filename = p_filename
     ORDER BY s.uploaded_at DESC, s.bucket
     LIMIT 1;
$$;
COMMENT ON FUNCTION symbols_file_lookup(text, text, text) IS
'The stored copy (bucket, location, key, SHA-256, sizes) of one .sym file, the latest upload first; no row when absent. Called by the symbol server; read-only.';
