-- symbols_uploads: one row per archive of Breakpad .sym files uploaded (web form, API or
-- `crashstats symbols upload`), Socorro's SymbolsUpload record: who, which archive, how big,
-- where it went, what it held, and how many old crashes it queued for reprocessing.
CREATE TABLE symbols_uploads (
    id bigserial PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    user_email text NOT NULL,
    archive_name text NOT NULL,
    archive_size bigint NOT NULL,
    bucket text NOT NULL,
    bucket_location text,
    file_count integer NOT NULL,
    skipped_count integer NOT NULL DEFAULT 0,
    files jsonb NOT NULL DEFAULT '[]',
    reprocess_days integer NOT NULL DEFAULT 14,
    reprocessed_crashes integer NOT NULL DEFAULT 0,
    CONSTRAINT symbols_uploads_counts_check CHECK (file_count >= 0 AND skipped_count BETWEEN 0 AND file_count),
    CONSTRAINT symbols_uploads_size_check CHECK (archive_size >= 0),
    CONSTRAINT symbols_uploads_files_check CHECK (jsonb_typeof(files) = 'array')
);
CREATE INDEX symbols_uploads_user_idx ON symbols_uploads (user_email, created_at);
CREATE INDEX symbols_uploads_created_idx ON symbols_uploads (created_at);
COMMENT ON TABLE symbols_uploads IS 'Symbol archives uploaded (who, archive, size, bucket, files with uploaded/skipped, crashes queued again because they lacked these symbols). Written by save_symbols_upload().';
COMMENT ON COLUMN symbols_uploads.files IS 'One object per .sym file of the archive: {key, debug_file, debug_id, filename, size, stored_size, sha256, skipped} (skipped: the bucket already held the same content).';
COMMENT ON COLUMN symbols_uploads.reprocessed_crashes IS 'Crashes of the last reprocess_days days that lacked one of these symbols (missing_symbols) and were queued for reprocessing (priority 1).';
