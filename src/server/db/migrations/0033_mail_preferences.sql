-- Preference page and double opt-in (issue 15, items 8 and 9).
--
-- Topics of the e-mail channel live in the consent ledger itself: an entry with a topic says
-- "given/withdrawn for this topic"; an entry without one is about the channel as a whole, as before.
-- The e-mail consent covers every topic until the person withdraws one; person.email_topics_withdrawn
-- caches the topics whose latest entry is a withdrawal (kept by relais_recompute_consents, like the
-- consent_* columns), so audiences filter set-based.
ALTER TABLE consent
  ADD COLUMN topic text CHECK (topic IN ('newsletter', 'local', 'events')),
  ADD CONSTRAINT consent_topic_channel CHECK (topic IS NULL OR channel = 'email');
DROP INDEX consent_person_idx;
CREATE INDEX consent_person_idx ON consent (campaign_id, person_id, channel, topic, at DESC);

ALTER TABLE person ADD COLUMN email_topics_withdrawn text[] NOT NULL DEFAULT '{}';

-- Each mailing is about one topic: its audience leaves out those who withdrew that topic.
ALTER TABLE mailing ADD COLUMN topic text NOT NULL DEFAULT 'newsletter' CHECK (topic IN ('newsletter', 'local', 'events'));

-- Double opt-in: a signup that asked for e-mail news waits here until the person clicks the
-- confirmation link; the e-mail consent is recorded at the click, with the signup's proof and the
-- click's.
CREATE TABLE email_confirmation (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  person_id uuid NOT NULL,
  -- The address the link was sent to (lower-case, as person.email).
  email text NOT NULL CHECK (email = lower(email COLLATE "C")),
  -- What the signup said: form, text shown, address and user agent of the request.
  signup_proof jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Links older than this are refused (a new one can be asked for, within the rate).
  expires_at timestamptz NOT NULL,
  -- Sends of the link: the rate of re-sends is read from these two.
  last_sent_at timestamptz,
  send_count integer NOT NULL DEFAULT 0,
  confirmed_at timestamptz,
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, person_id) REFERENCES person (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX email_confirmation_person_idx ON email_confirmation (campaign_id, person_id, created_at DESC);

ALTER TABLE email_confirmation ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON email_confirmation
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
