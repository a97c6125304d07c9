-- VIRTU (SAML 2.0) login state, kept in the database so that any instance of the service can
-- finish a login another instance started.

-- AuthnRequests this service has sent and not yet seen answered: a response is accepted only if
-- its InResponseTo names one of these (and each is removed when its answer arrives).
CREATE TABLE virtu_authn_requests (
  id text PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 256),
  created_at timestamptz NOT NULL
);
CREATE INDEX virtu_authn_requests_by_time ON virtu_authn_requests (created_at);

-- Every assertion that has been accepted once: the same assertion (or a second answer to the same
-- AuthnRequest) is refused even if the request id were somehow still outstanding. Kept until the
-- assertion could no longer pass the time-window check anyway.
CREATE TABLE virtu_consumed_assertions (
  assertion_id text PRIMARY KEY CHECK (char_length(assertion_id) BETWEEN 1 AND 256),
  in_response_to text NOT NULL CHECK (char_length(in_response_to) BETWEEN 1 AND 256),
  seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL CHECK (expires_at > seen_at)
);
CREATE UNIQUE INDEX virtu_consumed_assertions_in_response_to ON virtu_consumed_assertions (in_response_to);
CREATE INDEX virtu_consumed_assertions_by_expiry ON virtu_consumed_assertions (expires_at);
