-- Seed rows: Socorro's restricted processed-crash fields (Redactor.forbidden_keys, the webapp's
-- PII and exploitability rules). Rerun-safe.
INSERT INTO protected_fields (field, permission, treatment, description) VALUES
    ('email', 'view_pii', 'hide', 'e-mail address typed into the crash reporter'),
    ('url', 'view_pii', 'hide', 'page the user was on'),
    ('user_id', 'view_pii', 'hide', 'user id set by the application'),
    ('user_comments', 'view_pii', 'scrub', 'comment typed into the crash reporter: e-mail addresses and URLs removed'),
    ('exploitability', 'view_exploitability', 'hide', 'exploitability rating of the crash'),
    ('json_dump.sensitive', 'view_pii', 'hide', 'the stackwalker''s sensitive section (exploitability)'),
    ('memory_info', 'view_pii', 'hide', 'memory report of the crashing process'),
    ('upload_file_minidump_flash1.json_dump.sensitive', 'view_pii', 'hide', 'sensitive section of an extra dump'),
    ('upload_file_minidump_flash2.json_dump.sensitive', 'view_pii', 'hide', 'sensitive section of an extra dump'),
    ('upload_file_minidump_browser.json_dump.sensitive', 'view_pii', 'hide', 'sensitive section of an extra dump')
ON CONFLICT DO NOTHING;
