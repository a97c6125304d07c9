-- Login limits that hold under concurrency, throttling instead of lockout, and opaque keys.
--
-- One live SMS code per user: a new code supersedes the open ones under the user's row lock, and
-- the database refuses a second open code should anything ever slip past that lock. Open codes
-- left by parallel logins before this migration are superseded first, keeping each user's newest.
UPDATE sms_challenges c SET superseded_at = now()
  WHERE consumed_at IS NULL AND superseded_at IS NULL
    AND EXISTS (SELECT 1 FROM sms_challenges newer
                WHERE newer.user_id = c.user_id AND newer.consumed_at IS NULL AND newer.superseded_at IS NULL
                  AND (newer.created_at, newer.id) > (c.created_at, c.id));
CREATE UNIQUE INDEX sms_challenges_one_open_per_user ON sms_challenges (user_id)
  WHERE consumed_at IS NULL AND superseded_at IS NULL;

-- Refused VIRTU answers are their own event, so they never count against password logins of the
-- people behind the same address.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_event_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_event_check CHECK (event IN (
  'login_success', 'login_failure', 'code_sent', 'code_failure', 'lockout', 'logout',
  'registration', 'approval', 'rejection', 'role_change', 'team_change',
  'user_disabled', 'user_enabled', 'team_created', 'team_updated', 'admin_created',
  'report_exported', 'codebook_exported', 'token_created', 'token_revoked', 'token_used',
  'saml_failure'));

-- The addresses an account has logged in from (the throttle lets its owner through from them).
CREATE INDEX audit_log_successes_by_user ON audit_log (actor_user_id, ip, occurred_at)
  WHERE event = 'login_success';

-- Idempotency keys are UUIDs (stored in lower case), so no key can carry a name or an identity
-- code. NOT VALID: rows stored before stay as they are (the tables are append-only); every new row
-- is checked.
ALTER TABLE meeting_forms ADD CONSTRAINT meeting_forms_idempotency_key_uuid
  CHECK (idempotency_key ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$') NOT VALID;
ALTER TABLE activity_records ADD CONSTRAINT activity_records_idempotency_key_uuid
  CHECK (idempotency_key ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$') NOT VALID;
