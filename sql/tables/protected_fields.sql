-- protected_fields: fields of processed crashes and report rows that identify people or are
-- restricted (Socorro's Redactor.forbidden_keys and the webapp's PII rules). The web's one
-- redaction function (web/redact.py) reads them with the raw-crash annotations of
-- protected_annotations through the redaction_rules view: 'hide' removes the field, 'scrub'
-- replaces e-mail addresses and URLs in it, for anyone without the permission.
CREATE TABLE protected_fields (
    field text PRIMARY KEY,
    permission text NOT NULL DEFAULT 'view_pii',
    treatment text NOT NULL DEFAULT 'hide',
    description text NOT NULL DEFAULT '',
    CONSTRAINT protected_fields_treatment_check CHECK (treatment IN ('hide', 'scrub'))
);
COMMENT ON TABLE protected_fields IS 'Processed-crash and report fields (dotted paths such as json_dump.sensitive) hidden or scrubbed for anyone without the named permission. Read through redaction_rules by the web''s redaction function.';
