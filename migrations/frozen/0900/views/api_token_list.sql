-- api_token_list: API tokens without their hashes, with a state (active, expired, revoked).
-- Callers: /api/tokens/ (a user's own), /admin/users/ (anyone's). Read-only.
CREATE OR REPLACE VIEW api_token_list AS
SELECT t.id,
       t.user_id,
       u.email,
       t.permissions,
       t.notes,
       t.created_at,
       t.expires_at,
       t.revoked_at,
       CASE WHEN t.revoked_at IS NOT NULL THEN 'revoked'
            WHEN t.expires_at <= now() THEN 'expired'
            ELSE 'active' END AS state
  FROM api_tokens t
  JOIN auth_users u ON u.id = t.user_id;
COMMENT ON VIEW api_token_list IS 'API tokens (no hashes) with owner e-mail and state active/expired/revoked; read by /api/tokens/ and the admin.';
