-- A/B tests of mailings (issue 15, item 4): a mailing's test (its share, winning metric, wait and
-- fallback), and a recipient status for the rest of the audience, held until the test decides.

CREATE TABLE mailing_ab_test (
  campaign_id uuid NOT NULL,
  mailing_id uuid NOT NULL,
  -- The test share: a percentage of the audience, or a count of people (exactly one of the two).
  share_percent numeric(5, 2) CHECK (share_percent > 0 AND share_percent <= 100),
  share_count integer CHECK (share_count > 0),
  -- Counted on human events only (mail_event.classification = 'human').
  metric text NOT NULL CHECK (metric IN ('opens', 'clicks', 'click_to_open')),
  -- After the test share is sent, how long before the first evaluation (and between evaluations).
  wait_minutes integer NOT NULL CHECK (wait_minutes BETWEEN 1 AND 43200),
  -- Without a winner: 'variant' sends fallback_variant to the rest at once; 'wait' evaluates again
  -- every wait_minutes until max_wait_minutes after the test share was sent, then sends fallback_variant.
  fallback text NOT NULL CHECK (fallback IN ('variant', 'wait')),
  fallback_variant text NOT NULL DEFAULT 'A' CHECK (fallback_variant IN ('A', 'B', 'C', 'D', 'E')),
  max_wait_minutes integer CHECK (max_wait_minutes BETWEEN 1 AND 43200),
  -- The HMAC key that assigns people to the test share and its variants (hex, 32 random octets):
  -- the same key gives the same assignment, a new test a new one.
  assignment_key text NOT NULL,
  -- draft (set up) → testing (test share sending) → waiting (sent, until evaluate_at) → decided.
  phase text NOT NULL DEFAULT 'draft' CHECK (phase IN ('draft', 'testing', 'waiting', 'decided')),
  test_size integer NOT NULL DEFAULT 0,
  rest_size integer NOT NULL DEFAULT 0,
  test_sent_at timestamptz,
  evaluate_at timestamptz,
  evaluations integer NOT NULL DEFAULT 0,
  -- What the last evaluation saw (per variant: countable, trials, successes, probability) and why.
  last_evaluation jsonb,
  decided_at timestamptz,
  -- The variant the rest received, and how it was chosen.
  winner text CHECK (winner IN ('A', 'B', 'C', 'D', 'E')),
  decision text CHECK (decision IN ('winner', 'fallback', 'fallback_after_max_wait', 'no_rest')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, mailing_id),
  FOREIGN KEY (campaign_id, mailing_id) REFERENCES mailing (campaign_id, id) ON DELETE CASCADE,
  CHECK ((share_percent IS NULL) <> (share_count IS NULL)),
  CHECK (fallback = 'variant' OR max_wait_minutes >= wait_minutes)
);

ALTER TABLE mailing_ab_test ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON mailing_ab_test
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- 'held': a recipient of the rest of an A/B test's audience. The send job claims only 'queued' rows,
-- so held rows wait; the decision turns them 'queued' with the winning variant in one statement.
ALTER TABLE mailing_recipient DROP CONSTRAINT mailing_recipient_status_check;
ALTER TABLE mailing_recipient ADD CONSTRAINT mailing_recipient_status_check
  CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'skipped', 'held'));
