-- Mail tracking (issue 15): one row per open (pixel) or click (redirect) of a mailing's recipient,
-- written in batches by the tracking writer (never inline), idempotently: the id is drawn when the hit
-- is received, so a batch written twice (a retried flush) inserts nothing the second time.
CREATE TABLE mail_event (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  mailing_id uuid NOT NULL,
  recipient_id uuid NOT NULL,
  person_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('open', 'click')),
  -- The link's position among the message's tracked links (clicks only); -1 for the hidden link.
  link_index integer,
  link_url text,
  -- human, apple_proxy (Apple Mail Privacy Protection's prefetch) or scanner (a link checker): the
  -- reports, A/B tests and segments count human events by default.
  classification text NOT NULL CHECK (classification IN ('human', 'apple_proxy', 'scanner')),
  user_agent text NOT NULL DEFAULT '',
  ip inet,
  at timestamptz NOT NULL,
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, mailing_id) REFERENCES mailing (campaign_id, id) ON DELETE CASCADE
);
-- The reports: unique openers and clickers per mailing (per variant, per zone through the recipient).
CREATE INDEX mail_event_report_idx ON mail_event (campaign_id, mailing_id, kind, classification, recipient_id);
-- A person's events (segments "opened / clicked mailing X").
CREATE INDEX mail_event_person_idx ON mail_event (campaign_id, person_id, mailing_id, kind);

ALTER TABLE mail_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON mail_event
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- The per-zone report unnests the recipients' zones of one mailing.
CREATE INDEX mailing_recipient_report_idx ON mailing_recipient (campaign_id, mailing_id) INCLUDE (id, variant, status, zone_ids);
