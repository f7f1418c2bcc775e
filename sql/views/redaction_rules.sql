-- redaction_rules: what the web's redaction function hides or scrubs, in one list: the
-- processed-crash and report fields of protected_fields (scope 'processed') and the raw-crash
-- annotations of protected_annotations (scope 'raw', hidden, compared case-insensitively).
-- Callers: web/redact.py (loaded once per cache generation). Read-only.
CREATE OR REPLACE VIEW redaction_rules AS
SELECT 'processed'::text AS scope, f.field, f.permission, f.treatment
  FROM protected_fields f
UNION ALL
SELECT 'raw'::text, a.annotation::text, a.permission, 'hide'::text
  FROM protected_annotations a;
COMMENT ON VIEW redaction_rules IS 'Every redaction rule: processed/report fields (protected_fields) and raw annotations (protected_annotations) with the permission that lifts it and hide/scrub. Read by the web''s redaction function.';
