-- Deliverability (issue 15, item 5, and item 4's circuit breaker): per campaign, the caps on what
-- goes to each receiving domain, the DNS records it publishes for its From domain, the complaint-rate
-- watch (an alert, then sending paused until someone resumes), and the thresholds of the per-mailing
-- circuit breaker.

CREATE TABLE mail_deliverability (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  -- Caps for every receiving domain without its own row in mail_domain_cap: messages in flight at
  -- once (SMTP transactions) and messages a minute, per sending process.
  default_connections integer NOT NULL DEFAULT 5 CHECK (default_connections BETWEEN 1 AND 100),
  default_rate_per_minute integer NOT NULL DEFAULT 6000 CHECK (default_rate_per_minute BETWEEN 1 AND 1000000),
  -- What the SPF record must authorise: the relay's include: domains and the sending addresses.
  spf_includes text[] NOT NULL DEFAULT '{}',
  spf_ips text[] NOT NULL DEFAULT '{}',
  dmarc_policy text NOT NULL DEFAULT 'none' CHECK (dmarc_policy IN ('none', 'quarantine', 'reject')),
  -- Where aggregate DMARC reports go (rua=mailto:…), or none.
  dmarc_report_address text,
  -- Complaints over the messages sent (and not bounced) in the last 24 hours: an alert from the
  -- first rate, sending paused from the second, once at least complaint_min_sent messages went out.
  complaint_alert_rate double precision NOT NULL DEFAULT 0.001 CHECK (complaint_alert_rate > 0 AND complaint_alert_rate <= 1),
  complaint_pause_rate double precision NOT NULL DEFAULT 0.003 CHECK (complaint_pause_rate > 0 AND complaint_pause_rate <= 1),
  complaint_min_sent integer NOT NULL DEFAULT 100 CHECK (complaint_min_sent >= 1),
  -- The circuit breaker of each mailing: unsubscribes or complaints over its delivered messages,
  -- once at least breaker_min_delivered were delivered.
  breaker_unsubscribe_rate double precision NOT NULL DEFAULT 0.02 CHECK (breaker_unsubscribe_rate > 0 AND breaker_unsubscribe_rate <= 1),
  breaker_complaint_rate double precision NOT NULL DEFAULT 0.003 CHECK (breaker_complaint_rate > 0 AND breaker_complaint_rate <= 1),
  breaker_min_delivered integer NOT NULL DEFAULT 200 CHECK (breaker_min_delivered >= 1),
  -- Sending paused by the complaint rate: every send stops before its next batch and new sends are
  -- refused until a person with messaging.deliverability resumes.
  paused_at timestamptz,
  paused_rate double precision,
  -- The last alert written to the audit log (one per 24 hours at most).
  alerted_at timestamptz,
  resumed_at timestamptz,
  resumed_by uuid,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id)
);

ALTER TABLE mail_deliverability ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON mail_deliverability
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- A receiving domain's own caps (gmail.com, orange.fr, free.fr…), lower-case.
CREATE TABLE mail_domain_cap (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  domain text NOT NULL CHECK (domain = lower(domain COLLATE "C") AND length(domain) BETWEEN 3 AND 253),
  connections integer NOT NULL CHECK (connections BETWEEN 1 AND 100),
  rate_per_minute integer NOT NULL CHECK (rate_per_minute BETWEEN 1 AND 1000000),
  PRIMARY KEY (campaign_id, domain)
);

ALTER TABLE mail_domain_cap ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON mail_domain_cap
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- Why the system paused a mailing (the circuit breaker: 'unsubscribe_rate' or 'complaint_rate'),
-- and when a person resumed it past its breaker (which then stays quiet for that mailing).
ALTER TABLE mailing
  ADD COLUMN pause_reason text CHECK (pause_reason IN ('unsubscribe_rate', 'complaint_rate')),
  ADD COLUMN breaker_released_at timestamptz;

-- The rolling 24-hour complaint rate reads the campaign's recent complaints and recent sends.
CREATE INDEX delivery_event_kind_idx ON delivery_event (campaign_id, kind, occurred_at);
CREATE INDEX mailing_recipient_sent_idx ON mailing_recipient (campaign_id, sent_at) WHERE status = 'sent';
