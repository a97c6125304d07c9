-- Registration that fits the person: an expert of an Anchor team chooses a team and a profession; a
-- researcher gives an organisation and no team. The administrator approves the role asked for. The
-- language of the registration is kept for the notices the person gets (approval, rejection), and
-- the moment the administrators' digest first mentioned a registration, so that a digest goes out
-- at most once an hour and never mentions the same registration twice.
ALTER TABLE users ADD COLUMN organisation text
  CONSTRAINT users_organisation_text CHECK (organisation = btrim(organisation) AND char_length(organisation) BETWEEN 2 AND 160);
ALTER TABLE users ADD COLUMN language text NOT NULL DEFAULT 'fi'
  CONSTRAINT users_language_known CHECK (language IN ('fi', 'sv', 'en'));
ALTER TABLE users ADD COLUMN admins_notified_at timestamptz;

-- The professions are those of the experts in a team; a researcher or an administrator may have none.
ALTER TABLE users ALTER COLUMN profession DROP NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_expert_has_profession CHECK (role <> 'expert' OR profession IS NOT NULL);

-- A researcher's registration names the organisation the researcher works for. Before this
-- migration every registration was an expert's (with a team and a profession), and only an
-- administrator could make a pending one a researcher's; such a registration goes back to the
-- expert's registration it was when it still names its team, so the administrator decides it as it
-- was made. Any other (no team left) is closed as rejected: the person can register again.
UPDATE users SET role = 'expert'
  WHERE role = 'researcher' AND status = 'pending' AND organisation IS NULL AND team_id IS NOT NULL AND profession IS NOT NULL;
UPDATE users SET status = 'rejected'
  WHERE role = 'researcher' AND status = 'pending' AND organisation IS NULL;
ALTER TABLE users ADD CONSTRAINT users_researcher_registration_has_organisation
  CHECK (role <> 'researcher' OR status <> 'pending' OR organisation IS NOT NULL);

-- A researcher belongs to no team: a team's members see its figures exactly and at once, which is
-- for those who file its forms. Researchers registered before this migration chose a team; it is
-- dropped.
UPDATE users SET team_id = NULL WHERE role = 'researcher' AND team_id IS NOT NULL;
ALTER TABLE users ADD CONSTRAINT users_researcher_has_no_team CHECK (role <> 'researcher' OR team_id IS NULL);

-- The digest check looks for pending registrations that no digest has mentioned yet.
CREATE INDEX users_pending_not_notified ON users (created_at) WHERE status = 'pending' AND admins_notified_at IS NULL;
