-- Civic modules (issue 18): fact checks ("le vrai du faux") with their verdict scale and sources,
-- and public votes (the official poster) with options and e-mail-confirmed ballots.

-- The campaign's verdict scale (vrai, faux, trompeur, à nuancer…): a code, its labels and its place
-- on schema.org's 1 (false) to 5 (true) rating.
CREATE TABLE factcheck_verdict (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  code text NOT NULL CHECK (code ~ '^[a-z0-9-]{1,40}$'),
  label_fr text NOT NULL,
  label_en text NOT NULL,
  rating smallint NOT NULL CHECK (rating BETWEEN 1 AND 5),
  color text NOT NULL DEFAULT '#495057',
  position integer NOT NULL,
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, code)
);

-- A fact check: the claim, who made it and when, the verdict, the explanation (sanitised HTML), its
-- theme, and its review: draft, submitted for review, published (by a reviewer), withdrawn.
CREATE TABLE fact_check (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9-]{1,120}$'),
  claim text NOT NULL,
  claimant text NOT NULL,
  -- yyyy-mm-dd (a day, no time zone), checked a real day by the application.
  claim_date text CHECK (claim_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  claim_url text,
  theme text NOT NULL DEFAULT '',
  verdict_id uuid NOT NULL,
  summary text NOT NULL DEFAULT '',
  explanation_html text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'review', 'published', 'withdrawn')),
  author_user_id uuid,
  author_token_id uuid,
  author_label text NOT NULL DEFAULT '',
  reviewer_user_id uuid,
  reviewer_label text,
  submitted_at timestamptz,
  published_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, slug),
  FOREIGN KEY (campaign_id, verdict_id) REFERENCES factcheck_verdict (campaign_id, id)
);
CREATE INDEX fact_check_published_idx ON fact_check (campaign_id, published_at DESC) WHERE status = 'published';

-- A source of a fact check, and the last reachability check of its link (never blocking a save).
CREATE TABLE fact_check_source (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  fact_check_id uuid NOT NULL,
  position integer NOT NULL,
  url text NOT NULL,
  title text NOT NULL,
  publisher text NOT NULL DEFAULT '',
  published_on text CHECK (published_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
  check_state text NOT NULL DEFAULT 'pending' CHECK (check_state IN ('pending', 'reachable', 'unreachable', 'refused')),
  check_status integer,
  check_error text,
  checked_at timestamptz,
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, fact_check_id) REFERENCES fact_check (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX fact_check_source_check_idx ON fact_check_source (campaign_id, fact_check_id, position);

-- A public vote: its options, when it opens and closes, whether results show live or after the
-- close, and whether a voter may change their ballot until the close.
CREATE TABLE public_vote (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9-]{1,120}$'),
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'closed')),
  results_visibility text NOT NULL DEFAULT 'after_close' CHECK (results_visibility IN ('live', 'after_close')),
  allow_change boolean NOT NULL DEFAULT false,
  closes_at timestamptz,
  opened_at timestamptz,
  closed_at timestamptz,
  created_by_label text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, slug)
);

-- An option of a vote, with its image and its running tally (confirmed, not voided ballots; the
-- recount from ballots must give the same).
CREATE TABLE public_vote_option (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  vote_id uuid NOT NULL,
  position integer NOT NULL,
  label text NOT NULL,
  description text NOT NULL DEFAULT '',
  image_url text,
  tally integer NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, vote_id) REFERENCES public_vote (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX public_vote_option_vote_idx ON public_vote_option (campaign_id, vote_id, position);

-- A ballot: one per address and vote. It counts once its address is confirmed (signed link), until
-- voided by the staff. The IP range and e-mail domain feed the anti-fraud counters.
CREATE TABLE public_vote_ballot (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  vote_id uuid NOT NULL,
  option_id uuid NOT NULL,
  -- The choice waiting for its confirmation (a change asked by a voter whose ballot counts already).
  pending_option_id uuid,
  email text NOT NULL,
  email_domain text NOT NULL,
  ip_range text,
  user_agent text,
  wants_news boolean NOT NULL DEFAULT false,
  person_id uuid,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'voided')),
  confirmed_at timestamptz,
  voided_at timestamptz,
  void_reason text,
  send_count integer NOT NULL DEFAULT 0,
  last_sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, vote_id, email),
  FOREIGN KEY (campaign_id, vote_id) REFERENCES public_vote (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, option_id) REFERENCES public_vote_option (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX public_vote_ballot_vote_idx ON public_vote_ballot (campaign_id, vote_id, status);

ALTER TABLE factcheck_verdict ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON factcheck_verdict
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE fact_check ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fact_check
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE fact_check_source ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON fact_check_source
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE public_vote ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public_vote
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE public_vote_option ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public_vote_option
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE public_vote_ballot ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON public_vote_ballot
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
