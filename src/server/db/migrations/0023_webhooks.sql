-- Webhooks: a campaign's subscriptions (a URL, the event types it wants, a signing secret) and the
-- deliveries made for them. A delivery is a row before it is a request, so retries survive a
-- restart and the back office reads the log from here.
CREATE TABLE webhook_subscription (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL DEFAULT '',
  url text NOT NULL,
  event_types text[] NOT NULL,
  -- The HMAC key of the Relais-Signature header: kept as is (signing needs it), shown once.
  secret text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  -- 'failing' when the platform turned it off (failures for a day, or too many in a row), 'manual'.
  disabled_reason text CHECK (disabled_reason IN ('failing', 'manual')),
  disabled_at timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0,
  -- First failure of the current run of failures (null after a success).
  failing_since timestamptz,
  last_error text,
  created_by_label text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  CHECK (active = (disabled_reason IS NULL))
);

ALTER TABLE webhook_subscription ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_subscription
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

CREATE TABLE webhook_delivery (
  campaign_id uuid NOT NULL,
  id uuid NOT NULL,
  subscription_id uuid NOT NULL,
  -- The domain event delivered (null for a test delivery); one delivery per subscription and event.
  event_id uuid,
  event_type text NOT NULL,
  -- Sent in the body with each object, the same on every attempt and replay.
  idempotency_key text NOT NULL,
  -- The JSON array sent (Action Network's shape), kept so that retries and replays send the same.
  body jsonb NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz,
  -- No attempt after this instant: a day after the event; a replay or a test is one attempt.
  retry_until timestamptz NOT NULL,
  -- Asked for from the back office (a test, a replay): sent even to a disabled endpoint, never
  -- counted towards disabling it.
  manual boolean NOT NULL DEFAULT false,
  -- A worker sending it holds it until then (another worker skips it; a crashed one lets it go).
  claimed_until timestamptz,
  last_attempt_at timestamptz,
  response_status integer,
  duration_ms integer,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  delivered_at timestamptz,
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, subscription_id) REFERENCES webhook_subscription (campaign_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX webhook_delivery_event_idx ON webhook_delivery (campaign_id, subscription_id, event_id);
CREATE INDEX webhook_delivery_log_idx ON webhook_delivery (campaign_id, subscription_id, created_at DESC);
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (campaign_id, next_attempt_at) WHERE state = 'pending';

ALTER TABLE webhook_delivery ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_delivery
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
