-- The statistics forms and the team activity records: typed columns whose CHECK constraints come
-- from the form definition (src/features/forms/definition.ts, version 1), immutable once written,
-- and linked into one tamper-evident hash chain (integrity_chain). Nothing here identifies a young
-- person: age in whole years, the meeting month, codes only.

CREATE FUNCTION text_array_is_distinct(items text[]) RETURNS boolean
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT count(*) = count(DISTINCT v) FROM unnest(items) AS v $$;

CREATE TABLE meeting_forms (
  id uuid PRIMARY KEY,
  team_id uuid NOT NULL REFERENCES teams (id),
  submitted_by uuid NOT NULL REFERENCES users (id),
  definition_version integer NOT NULL CHECK (definition_version >= 1),
  idempotency_key text NOT NULL CHECK (char_length(idempotency_key) BETWEEN 8 AND 128),
  -- hash of the submitted answers, to tell a repeated request from a different one with the same key
  request_hash text NOT NULL CHECK (char_length(request_hash) = 64),
  created_at timestamptz NOT NULL,
  meeting_month date NOT NULL CONSTRAINT meeting_month_first_day CHECK (extract(day FROM meeting_month) = 1 AND meeting_month >= DATE '2020-01-01'),
  meeting_kind text NOT NULL CONSTRAINT meeting_kind_codes CHECK (meeting_kind IN ('first', 'follow_up')),
  gender text NOT NULL CONSTRAINT gender_codes CHECK (gender IN ('girl', 'boy', 'other', 'unknown')),
  age smallint NOT NULL CONSTRAINT age_range CHECK (age BETWEEN 6 AND 29),
  home_municipality text NOT NULL CONSTRAINT home_municipality_code CHECK (home_municipality = 'unknown' OR home_municipality ~ '^[0-9]{3}$'),
  -- "not known / abroad" is an answer, not a municipality: every other value must be a real one
  home_municipality_known text GENERATED ALWAYS AS (NULLIF(home_municipality, 'unknown')) STORED REFERENCES municipalities (code),
  child_welfare_notification text NOT NULL CONSTRAINT child_welfare_notification_codes CHECK (child_welfare_notification IN ('yes', 'no', 'unknown')),
  earlier_welfare_client text NOT NULL CONSTRAINT earlier_welfare_client_codes CHECK (earlier_welfare_client IN ('yes', 'no', 'unknown')),
  has_hobby text NOT NULL CONSTRAINT has_hobby_codes CHECK (has_hobby IN ('yes', 'no', 'unknown')),
  guided_hobby text CONSTRAINT guided_hobby_codes CHECK (guided_hobby IN ('yes', 'no', 'unknown')),
  gang_like_group text NOT NULL CONSTRAINT gang_like_group_codes CHECK (gang_like_group IN ('yes', 'no', 'unknown')),
  first_time_in_anchor text NOT NULL CONSTRAINT first_time_in_anchor_codes CHECK (first_time_in_anchor IN ('yes', 'no')),
  times_in_anchor smallint CONSTRAINT times_in_anchor_range CHECK (times_in_anchor BETWEEN 2 AND 99),
  meeting_topics text[] NOT NULL
    CONSTRAINT meeting_topics_codes CHECK (meeting_topics <@ ARRAY['theft_shoplifting', 'assault', 'vandalism', 'unlawful_threat', 'robbery', 'drug_offence', 'traffic_offence', 'sexual_offence', 'cybercrime', 'weapon_offence', 'fraud', 'other_offence', 'intoxicant_use', 'radicalisation', 'close_relationship_violence', 'bullying', 'school_absence', 'mental_health', 'risky_online_behaviour', 'other_concern']::text[]
      AND cardinality(meeting_topics) >= 1 AND text_array_is_distinct(meeting_topics)),
  under_influence text NOT NULL CONSTRAINT under_influence_codes CHECK (under_influence IN ('yes', 'no', 'unknown', 'not_applicable')),
  client_role text NOT NULL CONSTRAINT client_role_codes CHECK (client_role IN ('suspect', 'injured_party', 'both', 'no_offence')),
  information_sources text[] NOT NULL
    CONSTRAINT information_sources_codes CHECK (information_sources <@ ARRAY['police', 'child_welfare_social_services', 'school', 'youth_services', 'health_care', 'guardian_relative', 'young_person', 'ngo', 'other']::text[]
      AND cardinality(information_sources) >= 1 AND text_array_is_distinct(information_sources)),
  referred_onward text NOT NULL CONSTRAINT referred_onward_codes CHECK (referred_onward IN ('yes', 'no')),
  referral_services text[]
    CONSTRAINT referral_services_codes CHECK (referral_services <@ ARRAY['child_welfare', 'social_services', 'outreach_youth_work', 'substance_abuse_services', 'mental_health_services', 'student_welfare', 'health_care', 'hobby_leisure', 'family_services', 'victim_support', 'mediation', 'exit_deradicalisation', 'other']::text[]
      AND cardinality(referral_services) >= 1 AND text_array_is_distinct(referral_services)),
  meeting_participants text[] NOT NULL
    CONSTRAINT meeting_participants_codes CHECK (meeting_participants <@ ARRAY['police', 'social_worker', 'youth_worker', 'nurse_health_care', 'psychiatric_nurse', 'school_representative', 'guardian', 'other']::text[]
      AND cardinality(meeting_participants) >= 1 AND text_array_is_distinct(meeting_participants)),
  response_time_days smallint CONSTRAINT response_time_days_range CHECK (response_time_days BETWEEN 0 AND 365),
  working_methods text[] NOT NULL
    CONSTRAINT working_methods_codes CHECK (working_methods <@ ARRAY['police_station_meeting', 'home_visit', 'meeting_elsewhere', 'phone', 'video', 'accompanied_to_service', 'consulted_professionals']::text[]
      AND cardinality(working_methods) >= 1 AND text_array_is_distinct(working_methods)),
  continuation_plan text[] NOT NULL
    CONSTRAINT continuation_plan_codes CHECK (continuation_plan <@ ARRAY['new_anchor_meeting', 'referred_to_other_services', 'phone_follow_up', 'no_further_measures', 'other']::text[]
      AND cardinality(continuation_plan) >= 1 AND text_array_is_distinct(continuation_plan)),
  regret_own text NOT NULL CONSTRAINT regret_own_codes CHECK (regret_own IN ('yes', 'partly', 'no', 'not_applicable', 'unknown')),
  regret_team text NOT NULL CONSTRAINT regret_team_codes CHECK (regret_team IN ('yes', 'partly', 'no', 'not_applicable', 'unknown')),
  usefulness text NOT NULL CONSTRAINT usefulness_codes CHECK (usefulness IN ('1', '2', '3', '4', '5', 'unknown')),
  -- guidedHobby is answered exactly when hasHobby is yes
  CONSTRAINT guided_hobby_shown_when CHECK ((has_hobby IN ('yes')) IS NOT DISTINCT FROM (guided_hobby IS NOT NULL)),
  -- timesInAnchor is answered exactly when firstTimeInAnchor is no
  CONSTRAINT times_in_anchor_shown_when CHECK ((first_time_in_anchor IN ('no')) IS NOT DISTINCT FROM (times_in_anchor IS NOT NULL)),
  -- referralServices is answered exactly when referredOnward is yes
  CONSTRAINT referral_services_shown_when CHECK ((referred_onward IN ('yes')) IS NOT DISTINCT FROM (referral_services IS NOT NULL)),
  -- responseTimeDays is answered exactly when meetingKind is first
  CONSTRAINT response_time_days_shown_when CHECK ((meeting_kind IN ('first')) IS NOT DISTINCT FROM (response_time_days IS NOT NULL)),
  CONSTRAINT continuation_plan_no_further_measures_alone CHECK (NOT ('no_further_measures' = ANY (continuation_plan)) OR cardinality(continuation_plan) = 1),
  -- derived from age, stored for reporting, and never allowed to contradict it
  under_15 boolean NOT NULL,
  adult_client boolean NOT NULL,
  CONSTRAINT under_15_from_age CHECK (under_15 = (age < 15)),
  CONSTRAINT adult_client_from_age CHECK (adult_client = (age >= 18))
);
CREATE UNIQUE INDEX meeting_forms_idempotency ON meeting_forms (submitted_by, idempotency_key);
CREATE INDEX meeting_forms_by_month ON meeting_forms (meeting_month);
CREATE INDEX meeting_forms_by_team_month ON meeting_forms (team_id, meeting_month);
CREATE INDEX meeting_forms_by_submitter ON meeting_forms (submitted_by, created_at);

CREATE TABLE activity_records (
  id uuid PRIMARY KEY,
  team_id uuid NOT NULL REFERENCES teams (id),
  submitted_by uuid NOT NULL REFERENCES users (id),
  idempotency_key text NOT NULL CHECK (char_length(idempotency_key) BETWEEN 8 AND 128),
  request_hash text NOT NULL CHECK (char_length(request_hash) = 64),
  created_at timestamptz NOT NULL,
  kind text NOT NULL CHECK (kind IN ('refusal', 'coffee_meeting', 'stakeholder_meeting')),
  activity_month date NOT NULL CHECK (extract(day FROM activity_month) = 1 AND activity_month >= DATE '2020-01-01'),
  -- a young person who refused to take part: only the age band, nothing else
  age_band text CHECK (age_band IN ('under_15', '15_plus')),
  participants integer CHECK (participants BETWEEN 1 AND 10000),
  CONSTRAINT activity_refusal_has_age_band CHECK ((kind = 'refusal') = (age_band IS NOT NULL)),
  CONSTRAINT activity_meeting_has_participants CHECK ((kind <> 'refusal') = (participants IS NOT NULL))
);
CREATE UNIQUE INDEX activity_records_idempotency ON activity_records (submitted_by, idempotency_key);
CREATE INDEX activity_records_by_team_month ON activity_records (team_id, activity_month);

-- One append-only chain over every form and activity record: each link hashes the record's
-- canonical content together with the previous link, so an altered, removed or inserted record
-- breaks the chain from that point on (npm run verify).
CREATE TABLE integrity_chain (
  seq bigint PRIMARY KEY CHECK (seq >= 1),
  record_kind text NOT NULL CHECK (record_kind IN ('meeting_form', 'activity_record')),
  record_id uuid NOT NULL UNIQUE,
  content_hash text NOT NULL CHECK (char_length(content_hash) = 64),
  chain_hash text NOT NULL UNIQUE CHECK (char_length(chain_hash) = 64),
  created_at timestamptz NOT NULL
);

CREATE TRIGGER meeting_forms_are_immutable BEFORE UPDATE OR DELETE ON meeting_forms
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER meeting_forms_are_never_truncated BEFORE TRUNCATE ON meeting_forms
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER activity_records_are_immutable BEFORE UPDATE OR DELETE ON activity_records
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER activity_records_are_never_truncated BEFORE TRUNCATE ON activity_records
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER integrity_chain_is_append_only BEFORE UPDATE OR DELETE ON integrity_chain
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER integrity_chain_is_never_truncated BEFORE TRUNCATE ON integrity_chain
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
