-- save_symbols_upload(p_user_email text, p_archive_name text, p_archive_size bigint,
--                     p_bucket text, p_location text, p_files jsonb,
--                     p_reprocess_days integer DEFAULT 14)
--   -> TABLE(upload_id bigint, reprocessed_crashes integer)
-- Records one symbol upload after its files are in the bucket, in one transaction:
--   * a symbols_uploads row (file and skipped counts from p_files);
--   * a symbols_files row per file not skipped (inserted, or replaced when the same
--     debug_file/debug_id/filename was stored in this bucket before);
--   * late symbols: queue_reprocessing_for_symbols() over every module of the archive, and the
--     count it returns goes into the upload row.
-- p_files: JSON array of {key, debug_file, debug_id, filename, size, stored_size, sha256,
-- skipped, os, arch, code_file, code_id} as pyapp.symbols.upload builds it.
-- Callers: pyapp.symbols.upload.upload_symbols (web form, API, crashstats symbols upload).
-- Not rerun-safe as such: a second call records a second upload (its files are then skipped).
CREATE OR REPLACE FUNCTION save_symbols_upload(
    p_user_email text,
    p_archive_name text,
    p_archive_size bigint,
    p_bucket text,
    p_location text,
    p_files jsonb,
    p_reprocess_days integer DEFAULT 14
)
RETURNS TABLE (upload_id bigint, reprocessed_crashes integer)
LANGUAGE plpgsql
SET "TimeZone" TO 'UTC'
AS $$
DECLARE
    v_id      bigint;
    v_count   integer;
    v_modules jsonb;
BEGIN
    IF coalesce(p_user_email, '') = '' THEN
        RAISE EXCEPTION 'save_symbols_upload: the uploader''s e-mail is required'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'crashstats symbols upload FILE --user EMAIL';
    END IF;
    IF coalesce(p_bucket, '') = '' THEN
        RAISE EXCEPTION 'save_symbols_upload: the bucket is required'
            USING ERRCODE = 'null_value_not_allowed', HINT = 'SYMBOLS_BUCKET_DEFAULT_NAME names it';
    END IF;
    IF p_files IS NULL OR jsonb_typeof(p_files) <> 'array' THEN
        RAISE EXCEPTION 'save_symbols_upload: p_files must be a JSON array'
            USING ERRCODE = 'invalid_parameter_value', HINT = '[{"key": ..., "debug_file": ..., ...}]';
    END IF;
    INSERT INTO symbols_uploads (user_email, archive_name, archive_size, bucket, bucket_location,
                                 file_count, skipped_count, files, reprocess_days)
    VALUES (p_user_email, coalesce(p_archive_name, ''), coalesce(p_archive_size, 0), p_bucket, p_location,
            jsonb_array_length(p_files),
            (SELECT count(*) FROM jsonb_array_elements(p_files) AS f WHERE (f->>'skipped')::boolean),
            p_files, coalesce(p_reprocess_days, 14))
    RETURNING id INTO v_id;

    INSERT INTO symbols_files AS s (debug_file, debug_id, filename, bucket, key, sha256, size, stored_size,
                                    os, arch, code_file, code_id, upload_id, uploaded_at)
    SELECT f->>'debug_file', f->>'debug_id', f->>'filename', p_bucket, f->>'key', f->>'sha256',
           (f->>'size')::bigint, (f->>'stored_size')::bigint, f->>'os', f->>'arch',
           f->>'code_file', f->>'code_id', v_id, now()
      FROM jsonb_array_elements(p_files) AS f
     WHERE NOT coalesce((f->>'skipped')::boolean, false)
    ON CONFLICT (debug_file, debug_id, filename, bucket) DO UPDATE
       SET key = EXCLUDED.key, sha256 = EXCLUDED.sha256, size = EXCLUDED.size,
           stored_size = EXCLUDED.stored_size, os = EXCLUDED.os, arch = EXCLUDED.arch,
           code_file = EXCLUDED.code_file, code_id = EXCLUDED.code_id,
           upload_id = EXCLUDED.upload_id, uploaded_at = EXCLUDED.uploaded_at;

    SELECT coalesce(jsonb_agg(DISTINCT jsonb_build_object('debug_file', f->>'debug_file',
                                                          'debug_id', f->>'debug_id')), '[]')
      INTO v_modules
      FROM jsonb_array_elements(p_files) AS f;
    v_count := queue_reprocessing_for_symbols(v_modules, coalesce(p_reprocess_days, 14));
    UPDATE symbols_uploads u SET reprocessed_crashes = v_count WHERE u.id = v_id;
    RETURN QUERY SELECT v_id, v_count;
END;
$$;
COMMENT ON FUNCTION save_symbols_upload(text, text, bigint, text, text, jsonb, integer) IS
'Records a symbol upload (symbols_uploads, symbols_files for the files not skipped) and queues the crashes of the last p_reprocess_days days that lacked these symbols for reprocessing; returns the upload id and that count. Called by pyapp.symbols.upload; each call records one upload.';
