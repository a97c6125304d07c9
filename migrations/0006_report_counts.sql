-- Running totals behind the report pages, so that a page reads a few thousand small rows instead of
-- every form of the period. Each form adds one to the count of each of its answers: per team,
-- month and kind of meeting in report_counts, and for the whole country split by a few
-- single-valued answers in report_split_counts (src/features/reports/report-facts.ts says which).
-- The rows are written in the same transaction as the form itself, so a report shows a form the
-- moment it is filed; they are derived data, rebuilt from meeting_forms whenever their layout
-- changes (report_counts_builds records which layout was built).
CREATE TABLE report_counts (
  dimension text NOT NULL CHECK (char_length(dimension) BETWEEN 1 AND 60),
  meeting_month date NOT NULL CHECK (extract(day FROM meeting_month) = 1),
  team_id uuid NOT NULL REFERENCES teams (id),
  meeting_kind text NOT NULL CHECK (meeting_kind IN ('first', 'follow_up')),
  code text NOT NULL CHECK (char_length(code) BETWEEN 1 AND 60),
  forms integer NOT NULL CHECK (forms > 0),
  PRIMARY KEY (dimension, meeting_month, team_id, meeting_kind, code)
);

CREATE TABLE report_split_counts (
  dimension text NOT NULL CHECK (char_length(dimension) BETWEEN 1 AND 60),
  split text NOT NULL CHECK (char_length(split) BETWEEN 1 AND 60),
  split_code text NOT NULL CHECK (char_length(split_code) BETWEEN 1 AND 60),
  meeting_month date NOT NULL CHECK (extract(day FROM meeting_month) = 1),
  meeting_kind text NOT NULL CHECK (meeting_kind IN ('first', 'follow_up')),
  code text NOT NULL CHECK (char_length(code) BETWEEN 1 AND 60),
  forms integer NOT NULL CHECK (forms > 0),
  PRIMARY KEY (dimension, split, meeting_month, meeting_kind, split_code, code)
);

CREATE TABLE report_counts_builds (
  layout integer PRIMARY KEY CHECK (layout >= 1),
  built_at timestamptz NOT NULL
);

-- a team's or a region's forms split by another answer are counted from the forms themselves
CREATE INDEX meeting_forms_by_home_month ON meeting_forms (home_municipality, meeting_month);

GRANT SELECT, INSERT, UPDATE ON report_counts, report_split_counts TO anchor_app;
GRANT SELECT ON report_counts_builds TO anchor_app;
