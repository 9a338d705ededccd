-- Domain events: a transactional outbox. A change and the events that say so are written in the
-- same transaction (both or neither); an in-process dispatcher reads them after commit and calls
-- each subscriber (webhooks, live screens), at least once.
CREATE TABLE domain_event (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  -- The writing transaction: a dispatcher reads only events whose transaction is older than every
  -- running one (pg_snapshot_xmin), so a cursor never steps over an event committed late.
  txid xid8 NOT NULL DEFAULT pg_current_xact_id(),
  type text NOT NULL,
  -- The person the event is about (no foreign key: an event outlives an erased person).
  person_id uuid,
  payload jsonb NOT NULL DEFAULT '{}',
  actor_label text NOT NULL DEFAULT '',
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id)
);
CREATE INDEX domain_event_order_idx ON domain_event (txid, id);

ALTER TABLE domain_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON domain_event
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- Where each after-commit subscriber is in the outbox (all campaigns: the dispatcher is the
-- platform's, not a tenant's). A failed delivery leaves the cursor where it was: the event is
-- delivered again on the next pass, or by the next process after a restart.
CREATE TABLE domain_event_cursor (
  subscriber text PRIMARY KEY,
  last_txid xid8 NOT NULL,
  last_id uuid NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  retry_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- Requests never need the cursors: migrate.ts revokes them from relais_app.
