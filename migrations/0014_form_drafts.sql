-- Forms in progress. While an expert moves through the form's steps, the answers given so far are
-- kept here, so that nothing is lost to Back and Forward, a closed tab or a session that ended; the
-- draft is deleted when the form is sent, and expires after a set time. A draft holds the same
-- answers a filed form holds (codes and numbers, never free text, nothing identifying) and whose
-- draft it is. Unlike a filed form it changes with every step.
--
-- A draft without an owner (user_id NULL) holds the answers of a step that was sent after the
-- session had ended: its id is in a signed cookie in that browser, the next login there takes the
-- answers over, and it expires within the hour.
CREATE TABLE form_drafts (
  id uuid PRIMARY KEY,
  user_id uuid UNIQUE REFERENCES users (id) ON DELETE CASCADE,
  answers jsonb NOT NULL CHECK (jsonb_typeof(answers) = 'object' AND octet_length(answers::text) <= 16384),
  idempotency_key uuid NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  CHECK (updated_at >= created_at AND expires_at > updated_at)
);
CREATE INDEX form_drafts_expires_at ON form_drafts (expires_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON form_drafts TO anchor_app;
