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

-- A researcher's registration names the organisation the researcher works for. Accounts made
-- researchers by an administrator before this migration have none, so rows already there are not
-- checked (NOT VALID); every row written from now on is.
ALTER TABLE users ADD CONSTRAINT users_researcher_registration_has_organisation
  CHECK (role <> 'researcher' OR status <> 'pending' OR organisation IS NOT NULL) NOT VALID;

-- The digest check looks for pending registrations that no digest has mentioned yet.
CREATE INDEX users_pending_not_notified ON users (created_at) WHERE status = 'pending' AND admins_notified_at IS NULL;
