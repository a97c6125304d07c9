-- A team's own figures are counted live from its forms of a few months (src/features/reports/
-- reports.repository.ts). Forms of many teams arrive interleaved, so a team's year lies scattered
-- over about one table page per form. The (team, month) index now carries every answer with it,
-- in (team, month) order: those counts read a few index pages instead (an index-only scan), and
-- the database keeps the copy right with every insert. test/features/forms-storage.test.ts checks
-- that it holds every question's column of the form definition.
DROP INDEX meeting_forms_by_team_month;
CREATE INDEX meeting_forms_by_team_month ON meeting_forms (team_id, meeting_month) INCLUDE (
  id, meeting_kind, gender, age, home_municipality, child_welfare_notification, earlier_welfare_client,
  has_hobby, guided_hobby, gang_like_group, first_time_in_anchor, times_in_anchor, meeting_topics,
  under_influence, client_role, information_sources, referred_onward, referral_services,
  meeting_participants, response_time_days, working_methods, continuation_plan, regret_own,
  regret_team, usefulness
);

-- An index-only scan skips the table only for pages marked all-visible, which a vacuum does. Forms
-- are only ever inserted, and by default a vacuum waits until a fifth of the table is new: at the
-- real pace the current year, the one people look at, would stay unmarked for a year or more.
-- Vacuum after every 1,000 new forms.
ALTER TABLE meeting_forms SET (autovacuum_vacuum_insert_threshold = 1000, autovacuum_vacuum_insert_scale_factor = 0);
