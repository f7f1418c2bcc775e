-- raw_crashes_public: raw_crashes with the protected annotations removed (redact_raw_crash).
-- Callers: every public page, API answer and export that shows raw crash annotations; only
-- code acting for a user with view_pii reads raw_crashes itself.
CREATE OR REPLACE VIEW raw_crashes_public AS
SELECT r.uuid,
       redact_raw_crash(processed_crash_document(r.raw_crash, r.json_dump)) AS raw_crash,
       r.date_processed
  FROM raw_crashes r;
COMMENT ON VIEW raw_crashes_public IS 'raw_crashes without the annotations listed in protected_annotations: what public pages and API answers may show. Read-only.';
