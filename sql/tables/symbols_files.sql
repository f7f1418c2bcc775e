-- symbols_files: every .sym file in the symbol store, by (debug_file, debug_id, filename) and
-- bucket: what the symbol server answers from and what late-symbol reprocessing matches against
-- missing_symbols. The object itself is in S3 (gzip-encoded) under key.
CREATE TABLE symbols_files (
    debug_file text NOT NULL,
    debug_id text NOT NULL,
    filename text NOT NULL,
    bucket text NOT NULL,
    key text NOT NULL,
    sha256 text NOT NULL,
    size bigint NOT NULL,
    stored_size bigint NOT NULL,
    os text,
    arch text,
    code_file text,
    code_id text,
    upload_id bigint NOT NULL REFERENCES symbols_uploads (id),
    uploaded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (debug_file, debug_id, filename, bucket),
    CONSTRAINT symbols_files_sha256_check CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    CONSTRAINT symbols_files_size_check CHECK (size >= 0 AND stored_size >= 0)
);
CREATE INDEX symbols_files_upload_idx ON symbols_files (upload_id);
COMMENT ON TABLE symbols_files IS 'The symbol store''s index: one row per .sym file per bucket (S3 key, SHA-256 of the uncompressed text, sizes, MODULE/INFO details, the upload that last stored it). Written by save_symbols_upload(); read by symbols_file_lookup() (the symbol server).';
CREATE UNIQUE INDEX symbols_files_bucket_key ON symbols_files (bucket, key);
