-- Withdrawing a form filed in error. The form itself is never changed or removed (it stays in
-- meeting_forms and in the integrity chain); a withdrawal is its own append-only record in two
-- steps: a team member asks, with a reason from a fixed list, and a national administrator other
-- than the one who asked confirms or declines. Both records are chained and sealed like forms.
--
-- At confirmation, under the release lock, the decision records whether the form's answers were
-- already in a decided answer table (answers_published): such a form stays in the answer tables of
-- its quarter and year, which never change; any other confirmed form enters no answer table. Every
-- release made after the confirmation leaves the form out of its exact volumes
-- (docs/disclosure.md, "Withdrawn forms").

CREATE TABLE form_withdrawal_requests (
  id uuid PRIMARY KEY,
  form_id uuid NOT NULL REFERENCES meeting_forms (id),
  reason text NOT NULL CHECK (reason IN ('duplicate', 'wrong_team', 'not_anchor_meeting', 'test')),
  requested_by uuid NOT NULL REFERENCES users (id),
  requested_at timestamptz NOT NULL,
  -- the decision names the request, its form and its requester together (foreign key below)
  UNIQUE (id, form_id, requested_by)
);
CREATE INDEX form_withdrawal_requests_by_form ON form_withdrawal_requests (form_id);

CREATE TABLE form_withdrawal_decisions (
  id uuid PRIMARY KEY,
  request_id uuid NOT NULL UNIQUE,
  form_id uuid NOT NULL,
  requested_by uuid NOT NULL,
  decision text NOT NULL CHECK (decision IN ('confirmed', 'declined')),
  decided_by uuid NOT NULL REFERENCES users (id),
  decided_at timestamptz NOT NULL,
  -- whether the form's answers were in a decided answer table when the withdrawal was confirmed
  answers_published boolean,
  FOREIGN KEY (request_id, form_id, requested_by) REFERENCES form_withdrawal_requests (id, form_id, requested_by),
  CONSTRAINT form_withdrawal_decider_is_not_requester CHECK (decided_by <> requested_by),
  CONSTRAINT form_withdrawal_confirmed_says_if_published CHECK ((decision = 'confirmed') = (answers_published IS NOT NULL))
);
-- a form is withdrawn at most once; the statistics' queries find withdrawn forms by this index
CREATE UNIQUE INDEX form_withdrawal_decisions_one_confirmed ON form_withdrawal_decisions (form_id) WHERE decision = 'confirmed';

-- At most one open (undecided) request per form, and none for a form already withdrawn. The rule
-- spans both tables, so a trigger keeps it; requests for one form take turns on an advisory lock.
CREATE FUNCTION form_withdrawal_request_is_allowed() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(7240017, hashtext(NEW.form_id::text));
  IF EXISTS (
    SELECT 1 FROM form_withdrawal_requests q
     WHERE q.form_id = NEW.form_id
       AND NOT EXISTS (SELECT 1 FROM form_withdrawal_decisions d WHERE d.request_id = q.id)
  ) OR EXISTS (
    SELECT 1 FROM form_withdrawal_decisions d WHERE d.form_id = NEW.form_id AND d.decision = 'confirmed'
  ) THEN
    RAISE EXCEPTION 'the form already has an open or confirmed withdrawal'
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'form_withdrawal_requests_one_open';
  END IF;
  RETURN NEW;
END
$$;
CREATE TRIGGER form_withdrawal_requests_one_open BEFORE INSERT ON form_withdrawal_requests
  FOR EACH ROW EXECUTE FUNCTION form_withdrawal_request_is_allowed();

CREATE TRIGGER form_withdrawal_requests_are_append_only BEFORE UPDATE OR DELETE ON form_withdrawal_requests
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER form_withdrawal_requests_are_never_truncated BEFORE TRUNCATE ON form_withdrawal_requests
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER form_withdrawal_decisions_are_append_only BEFORE UPDATE OR DELETE ON form_withdrawal_decisions
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER form_withdrawal_decisions_are_never_truncated BEFORE TRUNCATE ON form_withdrawal_decisions
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

-- The integrity chain and its queue cover the two new kinds of record.
ALTER TABLE integrity_chain DROP CONSTRAINT integrity_chain_record_kind_check;
ALTER TABLE integrity_chain ADD CONSTRAINT integrity_chain_record_kind_check
  CHECK (record_kind IN ('meeting_form', 'activity_record', 'withdrawal_request', 'withdrawal_decision'));
ALTER TABLE integrity_pending DROP CONSTRAINT integrity_pending_record_kind_check;
ALTER TABLE integrity_pending ADD CONSTRAINT integrity_pending_record_kind_check
  CHECK (record_kind IN ('meeting_form', 'activity_record', 'withdrawal_request', 'withdrawal_decision'));

GRANT SELECT, INSERT ON form_withdrawal_requests, form_withdrawal_decisions TO anchor_app;
