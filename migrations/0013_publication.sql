-- Publication through releases (docs/disclosure.md).
--
-- 1. A form keeps the wellbeing services county and police department its team had when it was
--    filed, so reorganising teams never moves past forms. Forms filed before this migration get
--    their team's areas as they are now, marked as not recorded at filing (their chain content
--    stays as it was hashed).
-- 2. Every form carries a secret random record key for the cell-key method. It is never shown or
--    exported; forms filed before this migration get one here.
-- 3. The running report totals kept with every form (0006) are gone: releases are built in bulk
--    from the forms, and a team's own view counts its own forms.
-- 4. Releases: immutable snapshots. Each form enters exactly one release; each aggregate (a period
--    and an area) is decided once, and its protected tables are stored once, never made again.

ALTER TABLE meeting_forms DISABLE TRIGGER meeting_forms_are_immutable;
ALTER TABLE meeting_forms
  ADD COLUMN wellbeing_county text REFERENCES wellbeing_counties (code),
  ADD COLUMN police_department text REFERENCES police_departments (code),
  ADD COLUMN area_recorded_at_filing boolean NOT NULL DEFAULT true,
  ADD COLUMN record_key bigint;
UPDATE meeting_forms AS f
   SET wellbeing_county = t.wellbeing_county,
       police_department = t.police_department,
       area_recorded_at_filing = false,
       record_key = floor(random() * 4294967296)::bigint
  FROM teams AS t
 WHERE t.id = f.team_id;
ALTER TABLE meeting_forms
  ALTER COLUMN wellbeing_county SET NOT NULL,
  ALTER COLUMN police_department SET NOT NULL,
  ALTER COLUMN record_key SET NOT NULL,
  ADD CONSTRAINT record_key_range CHECK (record_key BETWEEN 0 AND 4294967295);
ALTER TABLE meeting_forms ENABLE TRIGGER meeting_forms_are_immutable;
CREATE INDEX meeting_forms_by_county_month ON meeting_forms (wellbeing_county, meeting_month);
CREATE INDEX meeting_forms_by_police_month ON meeting_forms (police_department, meeting_month);

CREATE TABLE releases (
  id integer PRIMARY KEY CHECK (id >= 1),
  -- the last closed month whose forms the release holds
  through_month date NOT NULL CHECK (extract(day FROM through_month) = 1),
  made_at timestamptz NOT NULL,
  -- a national administrator, or null when the schedule or `npm run release` made it
  made_by uuid REFERENCES users (id),
  made_how text NOT NULL CHECK (made_how IN ('schedule', 'administrator', 'command')),
  CONSTRAINT release_maker CHECK ((made_how = 'administrator') = (made_by IS NOT NULL)),
  -- the method and its parameters, as published with every number
  method jsonb NOT NULL
);

-- Which release each form entered: once, never again.
CREATE TABLE release_forms (
  form_id uuid PRIMARY KEY REFERENCES meeting_forms (id),
  release_id integer NOT NULL REFERENCES releases (id)
);
CREATE INDEX release_forms_by_release ON release_forms (release_id);

-- Each aggregate is decided once: published with its tables, or withheld with the reason.
CREATE TABLE release_aggregates (
  aggregate_key text PRIMARY KEY CHECK (char_length(aggregate_key) BETWEEN 6 AND 80),
  release_id integer NOT NULL REFERENCES releases (id),
  period text NOT NULL CHECK (period ~ '^[0-9]{4}(-Q[1-4])?$'),
  area text NOT NULL CHECK (char_length(area) BETWEEN 3 AND 60),
  -- the exact number of forms (a volume, published as it is)
  forms integer NOT NULL CHECK (forms >= 0),
  status text NOT NULL CHECK (status IN ('published', 'withheld')),
  reason text CHECK ((status = 'withheld') = (reason IS NOT NULL) AND reason IN ('too_few_forms', 'one_team', 'close_to_other', 'rest_too_small')),
  -- membership: forms of the period and area that entered releases up to this one
  cutoff_release integer NOT NULL REFERENCES releases (id)
);
CREATE INDEX release_aggregates_by_release ON release_aggregates (release_id);

-- The protected answer tables of a published aggregate: one per question, and at the country level
-- one per question and split. Values are the published (perturbed) counts.
CREATE TABLE release_tables (
  aggregate_key text NOT NULL REFERENCES release_aggregates (aggregate_key),
  table_key text NOT NULL CHECK (char_length(table_key) BETWEEN 2 AND 80),
  cells jsonb NOT NULL,
  PRIMARY KEY (aggregate_key, table_key)
);

-- Exact volumes as of each release: forms per month, team, recorded area and kind of meeting.
CREATE TABLE release_volumes (
  release_id integer NOT NULL REFERENCES releases (id),
  month date NOT NULL,
  team_id uuid NOT NULL REFERENCES teams (id),
  wellbeing_county text NOT NULL,
  police_department text NOT NULL,
  meeting_kind text NOT NULL CHECK (meeting_kind IN ('first', 'follow_up')),
  forms integer NOT NULL CHECK (forms > 0),
  PRIMARY KEY (release_id, month, team_id, wellbeing_county, police_department, meeting_kind)
);

-- Exact team activity as of each release.
CREATE TABLE release_activity (
  release_id integer NOT NULL REFERENCES releases (id),
  month date NOT NULL,
  team_id uuid NOT NULL REFERENCES teams (id),
  kind text NOT NULL,
  age_band text NOT NULL DEFAULT '',
  records integer NOT NULL CHECK (records > 0),
  participants integer NOT NULL CHECK (participants >= 0),
  PRIMARY KEY (release_id, month, team_id, kind, age_band)
);

CREATE TRIGGER releases_are_immutable BEFORE UPDATE OR DELETE ON releases FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER release_forms_are_immutable BEFORE UPDATE OR DELETE ON release_forms FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER release_aggregates_are_immutable BEFORE UPDATE OR DELETE ON release_aggregates FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER release_tables_are_immutable BEFORE UPDATE OR DELETE ON release_tables FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER release_volumes_are_immutable BEFORE UPDATE OR DELETE ON release_volumes FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER release_activity_is_immutable BEFORE UPDATE OR DELETE ON release_activity FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER releases_are_never_truncated BEFORE TRUNCATE ON releases FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER release_forms_are_never_truncated BEFORE TRUNCATE ON release_forms FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER release_aggregates_are_never_truncated BEFORE TRUNCATE ON release_aggregates FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER release_tables_are_never_truncated BEFORE TRUNCATE ON release_tables FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER release_volumes_are_never_truncated BEFORE TRUNCATE ON release_volumes FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER release_activity_is_never_truncated BEFORE TRUNCATE ON release_activity FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

GRANT SELECT, INSERT ON releases, release_forms, release_aggregates, release_tables, release_volumes, release_activity TO anchor_app;

DROP TABLE report_counts;
DROP TABLE report_split_counts;
DROP TABLE report_counts_builds;

-- Making a release is audited.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_event_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_event_check CHECK (event IN (
  'login_success', 'login_failure', 'code_sent', 'code_failure', 'lockout', 'logout',
  'registration', 'approval', 'rejection', 'role_change', 'team_change',
  'user_disabled', 'user_enabled', 'team_created', 'team_updated', 'admin_created',
  'report_exported', 'codebook_exported', 'token_created', 'token_revoked', 'token_used',
  'saml_failure', 'release_made'));
