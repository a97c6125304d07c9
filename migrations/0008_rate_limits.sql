-- Request counters of the rate limiter, shared by every instance of the service: one row per
-- route and client key, counting requests until the window ends. Rows are short-lived and
-- removed once their window has passed.
CREATE TABLE rate_limit_counters (
  key text PRIMARY KEY CHECK (char_length(key) BETWEEN 1 AND 400),
  hits integer NOT NULL CHECK (hits >= 1),
  window_ends timestamptz NOT NULL
);
CREATE INDEX rate_limit_counters_window_ends ON rate_limit_counters (window_ends);

GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limit_counters TO anchor_app;
