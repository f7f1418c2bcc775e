-- Seed rows: the annotations that identify people (Socorro's protected fields, Antenna's
-- removed fields, Breakpad/Crashpad client IDs). Rerun-safe.
INSERT INTO protected_annotations (annotation, permission, description) VALUES
    ('Email', 'view_pii', 'e-mail address typed into the crash reporter (any case: email)'),
    ('URL', 'view_pii', 'page the user was on'),
    ('PluginContentURL', 'view_pii', 'page that hosted the crashing plugin'),
    ('Comments', 'view_pii', 'comment typed into the crash reporter'),
    ('comments_', 'view_pii', 'Breakpad/Google form of Comments'),
    ('PluginUserComment', 'view_pii', 'comment typed for a plugin hang'),
    ('UserID', 'view_pii', 'user id set by the application'),
    ('user_id', 'view_pii', 'user id set by the application'),
    ('guid', 'view_pii', 'Breakpad/Crashpad client (installation) id'),
    ('InstallationID', 'view_pii', 'installation id'),
    ('TelemetryClientId', 'view_pii', 'telemetry client id'),
    ('TelemetryServerURL', 'view_pii', 'telemetry server URL (carries the client id)'),
    ('TelemetrySessionId', 'view_pii', 'telemetry session id'),
    ('ServerURL', 'view_pii', 'crash report server URL (may carry credentials)')
ON CONFLICT DO NOTHING;
