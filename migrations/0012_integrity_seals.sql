-- Tamper evidence the database's owner cannot forge (issue 12). A submission no longer links its
-- record into the chain under a global lock: it queues the record's content hash in
-- integrity_pending, and a sealer appends the queued records as leaves of integrity_chain under
-- one seal: a Merkle root over the batch, chained to the previous seal with a keyed hash (HMAC with
-- a key that lives only in the service's configuration). Signed checkpoints (Ed25519, the signing
-- key likewise only in configuration) fix the chain's head at a tree size, as a Certificate
-- Transparency log's signed tree head does. Links written before this migration keep their plain
-- SHA-256 chain_hash; the first seal continues from their head, which anchors them under the key.

-- The queue of records filed but not yet sealed. The service adds a row in the record's own
-- transaction; the sealer moves rows into integrity_chain and removes them here.
CREATE TABLE integrity_pending (
  record_id uuid PRIMARY KEY,
  record_kind text NOT NULL CHECK (record_kind IN ('meeting_form', 'activity_record')),
  content_hash text NOT NULL CHECK (char_length(content_hash) = 64),
  filed_at timestamptz NOT NULL
);
CREATE INDEX integrity_pending_order ON integrity_pending (filed_at, record_id);

CREATE TABLE integrity_seals (
  seal_seq bigint PRIMARY KEY CHECK (seal_seq >= 1),
  -- how seal_hash is made; a later scheme gets a new name, and verify knows each
  scheme text NOT NULL CHECK (scheme IN ('hmac-sha256-merkle-v1')),
  -- the seal covers links first_leaf .. tree_size of integrity_chain (none: it anchors older links)
  first_leaf bigint NOT NULL CHECK (first_leaf >= 1),
  leaf_count integer NOT NULL CHECK (leaf_count >= 0),
  tree_size bigint NOT NULL UNIQUE CHECK (tree_size = first_leaf - 1 + leaf_count),
  merkle_root text NOT NULL CHECK (char_length(merkle_root) = 64),
  previous_hash text NOT NULL CHECK (char_length(previous_hash) = 64),
  seal_hash text NOT NULL UNIQUE CHECK (char_length(seal_hash) = 64),
  sealed_at timestamptz NOT NULL
);

-- A sealed link has no chain_hash of its own (its seal has one); an older link has no seal.
ALTER TABLE integrity_chain
  ALTER COLUMN chain_hash DROP NOT NULL,
  ADD COLUMN seal_seq bigint REFERENCES integrity_seals (seal_seq),
  ADD CONSTRAINT integrity_chain_one_scheme CHECK ((chain_hash IS NULL) <> (seal_seq IS NULL));
CREATE INDEX integrity_chain_seal ON integrity_chain (seal_seq);

CREATE TABLE integrity_checkpoints (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  tree_size bigint NOT NULL CHECK (tree_size >= 0),
  root_hash text NOT NULL CHECK (char_length(root_hash) = 64),
  made_at timestamptz NOT NULL,
  -- SHA-256 of the public key (SPKI DER), so a checkpoint names the key that signed it
  key_id text NOT NULL CHECK (char_length(key_id) = 64),
  signature text NOT NULL,
  reason text NOT NULL CHECK (reason IN ('start', 'daily', 'administrator')),
  made_by uuid REFERENCES users (id)
);
CREATE INDEX integrity_checkpoints_made_at ON integrity_checkpoints (made_at);

CREATE TRIGGER integrity_seals_are_append_only BEFORE UPDATE OR DELETE ON integrity_seals
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER integrity_seals_are_never_truncated BEFORE TRUNCATE ON integrity_seals
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
CREATE TRIGGER integrity_checkpoints_are_append_only BEFORE UPDATE OR DELETE ON integrity_checkpoints
  FOR EACH ROW EXECUTE FUNCTION forbid_change();
CREATE TRIGGER integrity_checkpoints_are_never_truncated BEFORE TRUNCATE ON integrity_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();
-- A queued record may only leave the queue once it is in the chain.
CREATE FUNCTION integrity_pending_leaves_only_when_sealed() RETURNS trigger
  LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' OR NOT EXISTS (SELECT 1 FROM integrity_chain WHERE record_id = OLD.record_id) THEN
    RAISE EXCEPTION 'a queued record leaves the queue only when it is sealed' USING ERRCODE = 'AN001';
  END IF;
  RETURN OLD;
END
$$;
CREATE TRIGGER integrity_pending_is_insert_only BEFORE UPDATE OR DELETE ON integrity_pending
  FOR EACH ROW EXECUTE FUNCTION integrity_pending_leaves_only_when_sealed();
CREATE TRIGGER integrity_pending_is_never_truncated BEFORE TRUNCATE ON integrity_pending
  FOR EACH STATEMENT EXECUTE FUNCTION forbid_change();

GRANT SELECT, INSERT ON integrity_seals, integrity_checkpoints TO anchor_app;
GRANT SELECT, INSERT, DELETE ON integrity_pending TO anchor_app;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO anchor_app;
