-- Petitions and the public forms (signups, signatures): a petition (title, text, target, goal,
-- thresholds, the target's answer), and one row per form submission, petition signature or signup,
-- kept pending until its e-mail link is clicked (nothing counts before), quarantined when the form
-- guard held it back (stored, never counted), voided by the staff. The guard's alerts (one address or
-- e-mail domain past 100 submissions in an hour) are remembered so the staff is told once an hour.
CREATE TABLE petition (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL,
  title text NOT NULL,
  summary text NOT NULL DEFAULT '',
  body text NOT NULL DEFAULT '',
  target text NOT NULL DEFAULT '',
  goal integer NOT NULL DEFAULT 1000 CHECK (goal > 0),
  zone_id uuid,
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
  -- [{ "count": 500, "text": "..." }]: what happens when the count reaches each threshold.
  thresholds jsonb NOT NULL DEFAULT '[]',
  answer text NOT NULL DEFAULT '',
  answered_at timestamptz,
  delivered_at timestamptz,
  created_by_label text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, slug),
  FOREIGN KEY (campaign_id, zone_id) REFERENCES zone (campaign_id, id) ON DELETE SET NULL (zone_id)
);

ALTER TABLE petition ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON petition
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

CREATE TABLE form_submission (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  -- 'newsletter', 'volunteer', 'popup' or 'petition' (then petition_id names it).
  form text NOT NULL,
  petition_id uuid,
  status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'quarantined', 'voided')),
  -- Why the guard held it back: honeypot, too_fast, burst, window, no_proof_window.
  quarantine_reason text,
  -- normalised (people's normalizeEmail) before any duplicate is looked for
  email text NOT NULL,
  email_domain text NOT NULL,
  given_name text NOT NULL DEFAULT '',
  family_name text NOT NULL DEFAULT '',
  postal_code text NOT NULL DEFAULT '',
  phone text NOT NULL DEFAULT '',
  message text NOT NULL DEFAULT '',
  zone_id uuid,
  public_name boolean NOT NULL DEFAULT false,
  wants_news boolean NOT NULL DEFAULT false,
  -- the exact words shown next to the box, recorded with the consent on confirmation
  consent_text text NOT NULL DEFAULT '',
  lang text NOT NULL DEFAULT 'fr',
  client_address text NOT NULL DEFAULT '',
  user_agent text NOT NULL DEFAULT '',
  -- 'altcha' when the proof of work was solved, 'none' (JavaScript off), 'api' (record_signature_helper)
  proof text NOT NULL DEFAULT 'none',
  origin text NOT NULL DEFAULT '',
  person_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  confirmed_at timestamptz,
  voided_at timestamptz,
  void_reason text,
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, petition_id) REFERENCES petition (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, person_id) REFERENCES person (campaign_id, id) ON DELETE SET NULL (person_id)
);

-- One confirmed signature per address and petition (a second signature is told "already signed").
CREATE UNIQUE INDEX form_submission_signed ON form_submission (campaign_id, petition_id, email)
  WHERE status = 'confirmed' AND petition_id IS NOT NULL;
CREATE INDEX form_submission_petition ON form_submission (campaign_id, petition_id, status);
CREATE INDEX form_submission_address ON form_submission (campaign_id, client_address, created_at);
CREATE INDEX form_submission_domain ON form_submission (campaign_id, email_domain, created_at);

ALTER TABLE form_submission ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON form_submission
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

CREATE TABLE form_alert (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('address', 'domain')),
  key text NOT NULL,
  hour timestamptz NOT NULL,
  count integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, kind, key, hour)
);

ALTER TABLE form_alert ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON form_alert
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- The form guard's ledger (site/form-guard.ts): one row per public form post, whatever the form
-- (petitions, signups, events' RSVPs), so rate limits count per client address and form, and floods
-- per address or e-mail domain, across all of them.
CREATE TABLE form_guard_hit (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  form text NOT NULL,
  client_address text NOT NULL,
  email_domain text NOT NULL DEFAULT '',
  verdict text NOT NULL CHECK (verdict IN ('accepted', 'quarantined')),
  reason text,
  proof text NOT NULL CHECK (proof IN ('altcha', 'none')),
  -- the ALTCHA payload's signature: a solved challenge is good for one post
  proof_key text,
  at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id)
);
CREATE INDEX form_guard_hit_address ON form_guard_hit (campaign_id, client_address, at);
CREATE INDEX form_guard_hit_domain ON form_guard_hit (campaign_id, email_domain, at);
CREATE UNIQUE INDEX form_guard_hit_proof ON form_guard_hit (campaign_id, proof_key) WHERE proof_key IS NOT NULL;

ALTER TABLE form_guard_hit ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON form_guard_hit
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
