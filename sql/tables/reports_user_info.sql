-- reports_user_info: the private data of reports_clean rows (email, url, comments, app notes).
CREATE TABLE reports_user_info (
    uuid text NOT NULL,
    date_processed timestamptz NOT NULL,
    email citext,
    url text,
    user_comments citext,
    app_notes citext
) PARTITION BY RANGE (date_processed);
COMMENT ON TABLE reports_user_info IS 'Private data split out of reports_clean: only people with view_pii may read email and url; comments are shown scrubbed.';
