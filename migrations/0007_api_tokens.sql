-- Personal API tokens for researchers and administrators: read-only, named, expiring within 90
-- days, revocable. Only a SHA-256 hash of the token is kept; the token itself is shown once.
-- The audit log learns the new events: exports, the codebook, and tokens made, revoked and used.
CREATE TABLE api_tokens (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 80),
  token_hash text NOT NULL UNIQUE CHECK (char_length(token_hash) = 64),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz,
  revoked_by uuid REFERENCES users (id),
  CONSTRAINT api_tokens_lifetime CHECK (expires_at > created_at AND expires_at <= created_at + interval '90 days'),
  CONSTRAINT api_tokens_revocation CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, created_at);

ALTER TABLE audit_log DROP CONSTRAINT audit_log_event_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_event_check CHECK (event IN (
  'login_success', 'login_failure', 'code_sent', 'code_failure', 'lockout', 'logout',
  'registration', 'approval', 'rejection', 'role_change', 'team_change',
  'user_disabled', 'user_enabled', 'team_created', 'team_updated', 'admin_created',
  'report_exported', 'codebook_exported', 'token_created', 'token_revoked', 'token_used'));

GRANT SELECT, INSERT, UPDATE ON api_tokens TO anchor_app;
