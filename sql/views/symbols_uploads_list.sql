-- symbols_uploads_list: the symbol uploads for the /symbols/ page, newest first (the page adds
-- WHERE user_email = <the viewer> unless the viewer holds view_all_symbol_uploads).
CREATE OR REPLACE VIEW symbols_uploads_list AS
SELECT u.id, u.created_at, u.user_email, u.archive_name, u.archive_size, u.bucket, u.bucket_location,
       u.file_count, u.skipped_count, u.file_count - u.skipped_count AS stored_count,
       u.reprocess_days, u.reprocessed_crashes, u.files
  FROM symbols_uploads u;
COMMENT ON VIEW symbols_uploads_list IS
'Symbol uploads with their counts (files, skipped, stored, crashes queued again), for the web''s /symbols/ page and its JSON; read-only.';
