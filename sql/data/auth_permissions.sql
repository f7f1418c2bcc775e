-- Seed rows: Socorro's permissions. Rerun-safe.
INSERT INTO auth_permissions (name, description) VALUES
    ('view_pii', 'See personal data: e-mail, URL, user id, raw Email/URL annotations, unscrubbed comments, json_dump.sensitive'),
    ('view_rawdump', 'Download raw dumps and raw crash data'),
    ('view_exploitability', 'See exploitability ratings and the exploitability report'),
    ('view_flash_exploitability', 'See Flash exploitability'),
    ('run_custom_queries', 'Run custom Super Search queries'),
    ('run_long_queries', 'Run long queries (graphics report and similar exports)'),
    ('upload_symbols', 'Upload symbol files'),
    ('view_all_symbol_uploads', 'See everyone''s symbol uploads'),
    ('reprocess_crashes', 'Queue crashes for reprocessing or priority processing (API Reprocessing, Priorityjob)'),
    ('manage_releases', 'Add products and releases and choose featured versions through the API (crashstats addition)'),
    ('manage_skiplist', 'Change the signature skip list through the API (crashstats addition)')
ON CONFLICT (name) DO NOTHING;
