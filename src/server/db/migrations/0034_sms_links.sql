-- SMS short links (issue 15, item 11): each URL of an SMS is sent as <PUBLIC_URL>/s/<code>, one code
-- per message and link. The code is random (10 base62 characters, about 59 bits): short enough for an
-- SMS, not guessable, and it names its URL here, so the redirect goes nowhere else.
CREATE TABLE sms_link (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  code text NOT NULL CHECK (code ~ '^[0-9A-Za-z]{10}$'),
  message_id uuid NOT NULL,
  -- The link's position in the text (0, 1, …).
  link_index integer NOT NULL,
  url text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, code),
  FOREIGN KEY (campaign_id, message_id) REFERENCES sms_message (campaign_id, id) ON DELETE CASCADE
);
-- The redirect finds a code alone (the short URL names no campaign), outside row-level security, as
-- sessions and the bounce mailbox find theirs; the row tells the campaign.
CREATE INDEX sms_link_code_idx ON sms_link (code);
CREATE INDEX sms_link_message_idx ON sms_link (campaign_id, message_id);

ALTER TABLE sms_link ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sms_link
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- Clicks on short links, written by the tracking writer as mail_event's are (buffered, idempotent on
-- the id drawn when the hit arrived) and classified alike: human, or scanner (a click within a minute
-- of the send: link previews of messaging apps; three links within two seconds).
CREATE TABLE sms_click (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  message_id uuid NOT NULL,
  send_id uuid NOT NULL,
  person_id uuid NOT NULL,
  link_index integer NOT NULL,
  link_url text NOT NULL,
  classification text NOT NULL CHECK (classification IN ('human', 'apple_proxy', 'scanner')),
  user_agent text NOT NULL DEFAULT '',
  ip inet,
  at timestamptz NOT NULL,
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, message_id) REFERENCES sms_message (campaign_id, id) ON DELETE CASCADE
);
-- The send's report: clicks per classification, link and message.
CREATE INDEX sms_click_report_idx ON sms_click (campaign_id, send_id, classification, link_index, message_id);

ALTER TABLE sms_click ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sms_click
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
