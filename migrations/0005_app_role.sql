-- The role the running service works as. It may read and add statistics forms, activity records,
-- chain links and audit entries, but never change or remove them: even a bug or an injected
-- statement cannot alter a submitted form (the triggers refuse it as well, for every role).
-- Migrations and the integrity check run as the owner; the service switches to this role with
-- SET ROLE after migrating.

DO $$
BEGIN
  CREATE ROLE anchor_app NOLOGIN;
EXCEPTION
  -- one role per cluster, shared by every database on it (and by parallel test databases)
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

DO $$
BEGIN
  EXECUTE format('GRANT anchor_app TO %I', current_user);
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM anchor_app;
GRANT USAGE ON SCHEMA public TO anchor_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON
  teams, users, sessions, sms_challenges, virtu_authn_requests, virtu_consumed_assertions
  TO anchor_app;
GRANT SELECT, INSERT ON audit_log, meeting_forms, activity_records, integrity_chain TO anchor_app;
GRANT SELECT ON schema_migrations, wellbeing_counties, police_departments, municipalities TO anchor_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO anchor_app;
