-- Foundation: teams, users, sessions, SMS challenges and the append-only audit log.
-- Times are written by the application from its clock (so tests can move time); the database
-- checks shape, references and the rules that must never be broken.

CREATE FUNCTION forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'rows of % can never be changed or removed', TG_TABLE_NAME
    USING ERRCODE = 'AN001';
END;
$$;

CREATE TABLE teams (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL CHECK (name = btrim(name) AND char_length(name) BETWEEN 2 AND 120),
  police_department text NOT NULL CHECK (police_department ~ '^[a-z0-9-]{2,40}$'),
  wellbeing_county text NOT NULL CHECK (wellbeing_county ~ '^[a-z0-9-]{2,40}$'),
  municipalities text[] NOT NULL DEFAULT '{}'
    CHECK (array_position(municipalities, NULL) IS NULL
       AND array_to_string(municipalities, ',') ~ '^([0-9]{3}(,[0-9]{3})*)?$'),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX teams_name_unique ON teams (lower(name));

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  team_id uuid REFERENCES teams (id),
  name text NOT NULL CHECK (name = btrim(name) AND char_length(name) BETWEEN 2 AND 120),
  email text NOT NULL CHECK (email = lower(btrim(email)) AND char_length(email) <= 254
                             AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  phone text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
  profession text NOT NULL CHECK (profession IN
    ('police', 'social_work', 'youth_work', 'health_care', 'psychiatric_nursing', 'school', 'other')),
  role text NOT NULL DEFAULT 'expert' CHECK (role IN ('expert', 'admin', 'researcher')),
  login_method text NOT NULL CHECK (login_method IN ('sms', 'virtu')),
  password_hash text CHECK (password_hash LIKE 'scrypt$%'),
  virtu_local_id text CHECK (char_length(virtu_local_id) BETWEEN 1 AND 256),
  virtu_home_organization text CHECK (char_length(virtu_home_organization) BETWEEN 1 AND 256),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'active', 'disabled', 'rejected')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  decided_at timestamptz,
  decided_by uuid REFERENCES users (id),
  -- an SMS user can only ever log in with a password and a phone to send the code to
  CONSTRAINT users_sms_login_complete CHECK (login_method <> 'sms' OR (password_hash IS NOT NULL AND phone IS NOT NULL)),
  CONSTRAINT users_virtu_login_complete CHECK (login_method <> 'virtu' OR (virtu_local_id IS NOT NULL AND virtu_home_organization IS NOT NULL)),
  -- experts file forms for a team, so they always belong to one
  CONSTRAINT users_expert_has_team CHECK (role <> 'expert' OR team_id IS NOT NULL)
);
-- a rejected registration frees its e-mail address and VIRTU identity for a new one
CREATE UNIQUE INDEX users_email_unique ON users (email) WHERE status <> 'rejected';
CREATE UNIQUE INDEX users_virtu_identity_unique ON users (virtu_home_organization, virtu_local_id)
  WHERE virtu_local_id IS NOT NULL AND status <> 'rejected';
CREATE INDEX users_team ON users (team_id);
CREATE INDEX users_status ON users (status, created_at);

CREATE TABLE sessions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  method text NOT NULL CHECK (method IN ('sms', 'virtu')),
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
  ended_at timestamptz,
  end_reason text CHECK (end_reason IN ('logout', 'user_disabled', 'idle', 'expired', 'role_changed'))
);
CREATE INDEX sessions_open_by_user ON sessions (user_id) WHERE ended_at IS NULL;

CREATE TABLE sms_challenges (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES users (id),
  code_hash text NOT NULL CHECK (char_length(code_hash) = 64),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > created_at),
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 5),
  consumed_at timestamptz,
  superseded_at timestamptz
);
CREATE INDEX sms_challenges_by_user ON sms_challenges (user_id, created_at);

CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at timestamptz NOT NULL,
  event text NOT NULL CHECK (event IN (
    'login_success', 'login_failure', 'code_sent', 'code_failure', 'lockout', 'logout',
    'registration', 'approval', 'rejection', 'role_change', 'team_change',
    'user_disabled', 'user_enabled', 'team_created', 'team_updated', 'admin_created')),
  actor_user_id uuid REFERENCES users (id),
  subject_user_id uuid REFERENCES users (id),
  -- keyed hash of the e-mail address tried, so failures count per account even for unknown ones
  account_key text CHECK (char_length(account_key) = 64),
  ip text CHECK (char_length(ip) <= 64),
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_by_time ON audit_log (occurred_at);
CREATE INDEX audit_log_failures_by_account ON audit_log (account_key, occurred_at)
  WHERE event IN ('login_failure', 'code_failure');
CREATE INDEX audit_log_failures_by_ip ON audit_log (ip, occurred_at)
  WHERE event IN ('login_failure', 'code_failure');

CREATE TRIGGER audit_log_is_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER audit_log_is_never_truncated BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
