-- audit_log: who did what to whom, when: every admin action (users, groups, products,
-- releases, featured versions, tokens). Append-only.
CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    at timestamptz NOT NULL DEFAULT now(),
    actor_id bigint REFERENCES auth_users (id) ON DELETE SET NULL,
    actor_email text NOT NULL DEFAULT '',
    action text NOT NULL,
    target text NOT NULL DEFAULT '',
    details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at DESC);
COMMENT ON TABLE audit_log IS 'Admin actions: time, actor (id and e-mail as it was), action, target, details. Written by audit_log_add(); shown at /admin/audit-log/.';
