-- Push sources for listening (issue 19): WebSub subscriptions of RSS/Atom watches whose feed names a
-- hub (the secret sealed like account credentials, the callback reached by an unguessable token),
-- and the state of Mastodon streaming (SSE) connections held by the stream job.
CREATE TABLE listening_websub (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  -- Null once the watch is removed: the row stays until the hub confirms the unsubscription.
  watch_id uuid,
  hub_url text NOT NULL,
  topic_url text NOT NULL,
  -- The callback's path segment: 32 random bytes, base64url; nothing else routes a delivery.
  callback_token text NOT NULL UNIQUE,
  -- nonce || ciphertext || tag of { secret } under LISTENING_SECRET_KEY (crypto.ts).
  secret bytea NOT NULL,
  -- pending: asked, the hub has not verified; verified: deliveries accepted until expires_at;
  -- expired: the lease ran out; denied: the hub refused (hub.reason); unsubscribing: asked to stop.
  state text NOT NULL CHECK (state IN ('pending', 'verified', 'expired', 'denied', 'unsubscribing')),
  lease_seconds integer,
  expires_at timestamptz,
  requested_at timestamptz NOT NULL DEFAULT now(),
  denied_reason text,
  deliveries integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  last_delivery_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, watch_id) REFERENCES listening_watch (campaign_id, id) ON DELETE SET NULL (watch_id)
);
CREATE UNIQUE INDEX listening_websub_watch_idx ON listening_websub (campaign_id, watch_id) WHERE watch_id IS NOT NULL;
ALTER TABLE listening_websub ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON listening_websub
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

CREATE TABLE listening_stream (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  watch_id uuid NOT NULL,
  -- connected: a stream job holds the connection until held_until; else waiting for next_attempt_at.
  state text NOT NULL CHECK (state IN ('connected', 'disconnected')),
  held_until timestamptz,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  failures integer NOT NULL DEFAULT 0,
  connected_at timestamptz,
  last_event_at timestamptz,
  events integer NOT NULL DEFAULT 0,
  last_error text,
  PRIMARY KEY (campaign_id, watch_id),
  FOREIGN KEY (campaign_id, watch_id) REFERENCES listening_watch (campaign_id, id) ON DELETE CASCADE
);
ALTER TABLE listening_stream ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON listening_stream
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
