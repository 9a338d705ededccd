-- Bounces and complaints (issue 15, item 7): what the bounce mailbox and the mail providers'
-- signed webhooks report about each message, the delivery status of each recipient row, and the
-- Mailgun signature tokens already used.

-- One row per report and recipient, whatever its source: a DSN or ARF report read over IMAP
-- ('imap', keyed by the report's SHA-256 and the recipient's position in it), a Mailgun or
-- SendGrid event (keyed by the provider's event id). A second reading of the same report or a
-- provider's retry finds its row and changes nothing. The bounce rules count these rows: one hard
-- bounce, or three soft bounces of different messages within 14 days with no delivery after them,
-- or one complaint suppress the address.
CREATE TABLE delivery_event (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  source text NOT NULL CHECK (source IN ('imap', 'mailgun', 'sendgrid')),
  source_event_id text NOT NULL CHECK (length(source_event_id) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('delivered', 'delayed', 'soft_bounce', 'hard_bounce', 'complaint')),
  -- Lower-case, as mail_suppression.email.
  email text NOT NULL CHECK (email = lower(email COLLATE "C")),
  -- The message it is about, when it was found (by the VERP token, else the Message-ID).
  recipient_id uuid,
  mailing_id uuid,
  person_id uuid,
  -- RFC 3463 enhanced status ("5.1.1"), and the remote server's words.
  status_code text,
  diagnostic text,
  occurred_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, source, source_event_id)
);
-- The soft-bounce count reads an address's recent events.
CREATE INDEX delivery_event_email_idx ON delivery_event (campaign_id, email, occurred_at);
CREATE INDEX delivery_event_mailing_idx ON delivery_event (campaign_id, mailing_id) WHERE mailing_id IS NOT NULL;

ALTER TABLE delivery_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON delivery_event
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- What became of the message after it left (sent): the strongest report wins (delayed <
-- delivered < soft bounce < hard bounce < complaint), so a late "delayed" does not hide a delivery.
ALTER TABLE mailing_recipient
  ADD COLUMN delivery_status text
    CHECK (delivery_status IN ('delivered', 'delayed', 'soft_bounce', 'hard_bounce', 'complaint')),
  ADD COLUMN delivery_status_at timestamptz;
-- A report without a readable VERP token is matched by the Message-ID it quotes.
CREATE INDEX mailing_recipient_message_idx ON mailing_recipient (campaign_id, message_id) WHERE message_id IS NOT NULL;

-- Mailgun signs `timestamp + token`, not the event: a token is bound to the first event it came
-- with (a retry of that event is welcome, another event with it is a forgery). Global like
-- login_throttle, so a captured signature cannot be replayed to another campaign's URL either;
-- row-level security with no policy keeps the request role out. Rows older than the signature's
-- window are deleted by the route itself.
CREATE TABLE mail_webhook_token (
  provider text NOT NULL,
  token text NOT NULL,
  event_id text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, token)
);
CREATE INDEX mail_webhook_token_received_idx ON mail_webhook_token (received_at);
ALTER TABLE mail_webhook_token ENABLE ROW LEVEL SECURITY;
