-- Password resets: a link sent by e-mail, then the SMS code, then the new password. Only the
-- SHA-256 of the link's secret is kept, so the table alone opens nothing. A link works once and for
-- a short time; a newer link supersedes the older ones (at most one open link per user); the SMS
-- code it leads to is one of the login's own codes (sms_challenges), and wrong codes are counted
-- here too, so that the link dies after five of them however many codes were sent.
CREATE TABLE password_resets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  token_hash text NOT NULL UNIQUE CHECK (char_length(token_hash) = 64 AND token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  -- the SMS code sent for this reset: only that code can pass its code step
  sms_challenge_id uuid REFERENCES sms_challenges (id),
  code_failures integer NOT NULL DEFAULT 0 CHECK (code_failures BETWEEN 0 AND 5),
  code_verified_at timestamptz,
  used_at timestamptz,
  superseded_at timestamptz,
  CHECK (expires_at > created_at),
  CHECK (code_verified_at IS NULL OR (sms_challenge_id IS NOT NULL AND code_verified_at >= created_at)),
  CHECK (used_at IS NULL OR (code_verified_at IS NOT NULL AND used_at >= code_verified_at)),
  CHECK (used_at IS NULL OR superseded_at IS NULL)
);
CREATE INDEX password_resets_by_user ON password_resets (user_id, created_at);
-- One open link per user: a new one must supersede the others first.
CREATE UNIQUE INDEX password_resets_one_open ON password_resets (user_id) WHERE used_at IS NULL AND superseded_at IS NULL;

GRANT SELECT, INSERT, UPDATE ON password_resets TO anchor_app;
