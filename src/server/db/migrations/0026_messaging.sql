-- Messaging (issue 15): mailings, their variants, one row per recipient and mailing (the unit of
-- exactly-once sending), and the campaign's suppression list (unsubscribed, bounced, complained).

CREATE TABLE mailing (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  -- Internal name in the back office (the subject is what recipients see).
  name text NOT NULL DEFAULT '',
  subject text NOT NULL DEFAULT '',
  from_name text NOT NULL DEFAULT '',
  reply_to text,
  preheader text NOT NULL DEFAULT '',
  -- 'blocks': content is {"blocks": [...]}; 'mjml': content is {"mjml": "<mjml>…"}.
  content_format text NOT NULL DEFAULT 'blocks' CHECK (content_format IN ('blocks', 'mjml')),
  content jsonb NOT NULL DEFAULT '{"blocks": []}',
  -- {segment_id?, list_ids[], exclude_segment_ids[], exclude_list_ids[]}: always intersected with
  -- e-mail consent and minus mail_suppression when resolved.
  audience jsonb NOT NULL DEFAULT '{}',
  status text NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'scheduled', 'sending', 'sent', 'paused', 'cancelled')),
  scheduled_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  -- The staff member whose zones bound the audience when sent (null: campaign-wide).
  sent_by uuid,
  zone_ids uuid[],
  total_targeted integer NOT NULL DEFAULT 0,
  sent_count integer NOT NULL DEFAULT 0,
  failed_count integer NOT NULL DEFAULT 0,
  skipped_count integer NOT NULL DEFAULT 0,
  created_by_label text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id)
);
CREATE INDEX mailing_list_idx ON mailing (campaign_id, created_at DESC);

ALTER TABLE mailing ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON mailing
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- What an A/B test varies. Variant 'A' always exists and holds the mailing's own values when
-- there is no test; null columns take the mailing's.
CREATE TABLE mailing_variant (
  campaign_id uuid NOT NULL,
  mailing_id uuid NOT NULL,
  variant text NOT NULL CHECK (variant IN ('A', 'B', 'C', 'D', 'E')),
  subject text,
  from_name text,
  preheader text,
  content jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, mailing_id, variant),
  FOREIGN KEY (campaign_id, mailing_id) REFERENCES mailing (campaign_id, id) ON DELETE CASCADE
);

ALTER TABLE mailing_variant ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON mailing_variant
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- One row per person and mailing, made set-based when the mailing is sent: its unique key is what
-- makes a second materialisation, a retry or a restarted worker send nobody twice.
CREATE TABLE mailing_recipient (
  campaign_id uuid NOT NULL,
  -- Named by the VERP return path and the unsubscribe token (HMAC-signed).
  id uuid NOT NULL,
  mailing_id uuid NOT NULL,
  person_id uuid NOT NULL,
  -- The address at send time (the person's may change afterwards).
  email text NOT NULL,
  variant text NOT NULL DEFAULT 'A',
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped')),
  -- Set with status 'sending' in the claiming transaction: a row still 'sending' after the lease
  -- belongs to a worker that died (see messaging/send.ts for what happens to it).
  claimed_at timestamptz,
  -- Not before this instant (the backoff after a temporary SMTP error).
  next_attempt_at timestamptz,
  sent_at timestamptz,
  message_id text,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  -- The person's arrondissement(s) at send time, for reports per zone.
  zone_ids uuid[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, mailing_id, person_id),
  FOREIGN KEY (campaign_id, mailing_id) REFERENCES mailing (campaign_id, id) ON DELETE CASCADE
);
-- The bounce mailbox finds a row from its VERP token alone (the token names no campaign: it must fit
-- in 64 octets), outside row-level security, as sessions and tokens find theirs.
CREATE INDEX mailing_recipient_id_idx ON mailing_recipient (id);
CREATE INDEX mailing_recipient_due_idx ON mailing_recipient (campaign_id, mailing_id, status)
  WHERE status IN ('queued', 'sending');

ALTER TABLE mailing_recipient ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON mailing_recipient
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- Addresses the campaign never mails again, whoever holds them: one row per normalised address.
CREATE TABLE mail_suppression (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  -- Lower-case, as person.email is stored.
  email text NOT NULL CHECK (email = lower(email COLLATE "C")),
  reason text NOT NULL CHECK (reason IN ('unsubscribed', 'hard_bounce', 'soft_bounces', 'complaint', 'manual')),
  -- What proves it: the token's recipient row, the DSN, the provider's event, the staff member.
  proof jsonb NOT NULL DEFAULT '{}',
  person_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, email)
);

ALTER TABLE mail_suppression ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON mail_suppression
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
