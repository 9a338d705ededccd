-- SMS: each campaign's settings (sender, how to stop, sending hours, price), one row per message
-- sent to a person (queued, deferred to the next allowed instant, handed to the provider, then its
-- delivery reports), the reports themselves (once per message and status) and the replies
-- received (STOP among them).
CREATE TABLE sms_settings (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  -- Alphanumeric sender ID (up to 11 characters), short code or non-mobile number; null = not set up.
  sender text,
  -- The name every message must carry (put in front of a text that does not name it).
  sender_name text NOT NULL DEFAULT '',
  -- The number of « STOP au … », appended to a text that does not say how to stop.
  stop_number text,
  hours_start text NOT NULL DEFAULT '08:00' CHECK (hours_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  hours_end text NOT NULL DEFAULT '21:30' CHECK (hours_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  time_zone text NOT NULL DEFAULT 'Europe/Paris',
  block_sundays boolean NOT NULL DEFAULT true,
  block_holidays boolean NOT NULL DEFAULT true,
  -- Price of one segment, in euros.
  segment_price numeric(10, 4) NOT NULL DEFAULT 0.0650 CHECK (segment_price >= 0),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id),
  CHECK (hours_start < hours_end)
);

ALTER TABLE sms_settings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sms_settings
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

CREATE TABLE sms_message (
  campaign_id uuid NOT NULL,
  id uuid NOT NULL,
  -- The send request that queued it (one API call).
  send_id uuid NOT NULL,
  person_id uuid NOT NULL,
  to_number text NOT NULL CHECK (to_number ~ '^\+[1-9][0-9]{6,14}$'),
  sender text NOT NULL,
  body text NOT NULL,
  encoding text NOT NULL CHECK (encoding IN ('GSM-7', 'UCS-2')),
  segments integer NOT NULL CHECK (segments >= 1),
  status text NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'deferred', 'sending', 'sent', 'delivered', 'undelivered', 'failed')),
  -- Not dispatched before this instant (the next allowed sending hour when deferred).
  not_before timestamptz NOT NULL DEFAULT now(),
  -- Why it waits: sunday, holiday, before_start, after_end, electoral_silence.
  deferred_reason text,
  provider text CHECK (provider IN ('twilio', 'outbox')),
  provider_sid text,
  error_code text,
  error_message text,
  created_by_label text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  delivered_at timestamptz,
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, person_id) REFERENCES person (campaign_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX sms_message_sid_idx ON sms_message (campaign_id, provider_sid);
CREATE INDEX sms_message_due_idx ON sms_message (campaign_id, not_before) WHERE status IN ('queued', 'deferred');
CREATE INDEX sms_message_send_idx ON sms_message (campaign_id, send_id);
CREATE INDEX sms_message_person_idx ON sms_message (campaign_id, person_id);

ALTER TABLE sms_message ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sms_message
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- Delivery reports as received: one row per message and status, so a repeated callback adds nothing.
CREATE TABLE sms_status_event (
  campaign_id uuid NOT NULL,
  message_id uuid NOT NULL,
  status text NOT NULL,
  provider_status text NOT NULL,
  error_code text,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, message_id, status),
  FOREIGN KEY (campaign_id, message_id) REFERENCES sms_message (campaign_id, id) ON DELETE CASCADE
);

ALTER TABLE sms_status_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sms_status_event
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- Replies received (STOP and anything else), once per provider message.
CREATE TABLE sms_inbound (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  provider_sid text NOT NULL,
  from_number text NOT NULL,
  to_number text NOT NULL,
  body text NOT NULL,
  is_stop boolean NOT NULL,
  -- The people whose SMS consent a STOP withdrew.
  person_ids uuid[] NOT NULL DEFAULT '{}',
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id)
);
CREATE UNIQUE INDEX sms_inbound_sid_idx ON sms_inbound (campaign_id, provider_sid);

ALTER TABLE sms_inbound ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sms_inbound
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

