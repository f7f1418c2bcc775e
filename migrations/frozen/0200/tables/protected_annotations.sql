-- protected_annotations: crash annotations that identify people (e-mail addresses, URLs,
-- comments, user and installation IDs). The collector stores them in raw_crashes like every
-- other annotation; this registry marks them so that public output never contains them:
-- public readers go through raw_crashes_public / redact_raw_crash(), and only users holding
-- the named permission may read raw_crashes directly.
CREATE TABLE protected_annotations (
    annotation citext PRIMARY KEY,
    permission text NOT NULL DEFAULT 'view_pii',
    description text NOT NULL DEFAULT ''
);
COMMENT ON TABLE protected_annotations IS 'Annotation names (case-insensitive) that are personal data: stored in raw_crashes, removed by redact_raw_crash() and the raw_crashes_public view; reading them needs the permission named here (Socorro''s view_pii). A DBA marks a new annotation by inserting a row; it applies to crashes already stored.';
