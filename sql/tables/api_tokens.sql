-- api_tokens: API tokens (sent as the Auth-Token header). Only the SHA-256 of the token is
-- stored; a token holds a subset of its user's permissions (checked again at every use) until
-- it expires or is revoked.
CREATE TABLE api_tokens (
    id bigserial PRIMARY KEY,
    token_hash text NOT NULL UNIQUE,
    user_id bigint NOT NULL REFERENCES auth_users (id) ON DELETE CASCADE,
    permissions text[] NOT NULL DEFAULT '{}',
    notes text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);
COMMENT ON TABLE api_tokens IS 'API tokens: SHA-256 of the token, owner, permissions (a subset of the owner''s), notes, expiry, revocation.';
