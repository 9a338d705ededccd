-- Social listening and answering (issue 19): the campaign's social accounts (credentials sealed with
-- AES-256-GCM under LISTENING_SECRET_KEY, never in clear), keyword watches over sources (RSS/Atom,
-- Mastodon, Bluesky) each with its own cursor and back-off, the mentions they catch (one row per
-- source and external id), the library of key messages, and drafts of replies and posts with their
-- approval by the candidate.
CREATE TABLE listening_account (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  network text NOT NULL CHECK (network IN ('mastodon', 'bluesky', 'x')),
  -- candidate: her own account (every publication needs her approval); team: the campaign's.
  kind text NOT NULL CHECK (kind IN ('candidate', 'team')),
  handle text NOT NULL,
  -- The instance or PDS (https://mastodon.social, https://bsky.social).
  base_url text NOT NULL,
  -- nonce (12 bytes) || ciphertext || tag (16 bytes) of the JSON credentials (token, password, session).
  credentials bytea NOT NULL,
  status text NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'disconnected')),
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id)
);
ALTER TABLE listening_account ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON listening_account
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

CREATE TABLE listening_watch (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL,
  source text NOT NULL CHECK (source IN ('rss', 'mastodon', 'bluesky')),
  -- The feed's URL (rss); the account whose token searches (mastodon, bluesky).
  feed_url text,
  account_id uuid,
  -- { phrases, words, exclude, hashtags, mentions, language }
  query jsonb NOT NULL,
  active boolean NOT NULL DEFAULT true,
  -- The adapter's own position: ETag and Last-Modified, the newest id seen, a search cursor.
  cursor jsonb NOT NULL DEFAULT '{}',
  next_poll_at timestamptz NOT NULL DEFAULT now(),
  failures integer NOT NULL DEFAULT 0,
  last_polled_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, account_id) REFERENCES listening_account (campaign_id, id) ON DELETE SET NULL (account_id),
  CHECK ((source = 'rss') = (feed_url IS NOT NULL))
);
CREATE INDEX listening_watch_due_idx ON listening_watch (campaign_id, next_poll_at) WHERE active;
ALTER TABLE listening_watch ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON listening_watch
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

CREATE TABLE listening_mention (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  watch_id uuid,
  source text NOT NULL CHECK (source IN ('rss', 'mastodon', 'bluesky')),
  -- The source's own id (a feed item's guid, a status id, an AT URI): one mention per source and id.
  external_id text NOT NULL,
  -- The conversation it belongs to (the root's external id), itself when it starts one.
  thread_key text NOT NULL,
  in_reply_to text,
  url text,
  -- What a reply needs to point at (Bluesky's uri and cid of the post and of its root).
  reply_ref jsonb,
  author_handle text NOT NULL,
  author_name text NOT NULL DEFAULT '',
  author_reach integer NOT NULL DEFAULT 0,
  text text NOT NULL,
  lang text,
  published_at timestamptz NOT NULL,
  sentiment text NOT NULL CHECK (sentiment IN ('positive', 'neutral', 'negative')),
  urgency text NOT NULL CHECK (urgency IN ('low', 'normal', 'high')),
  arrondissement integer CHECK (arrondissement BETWEEN 1 AND 20),
  theme text,
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'handled')),
  assigned_to uuid,
  tags text[] NOT NULL DEFAULT '{}',
  handled_at timestamptz,
  -- Set only by an explicit, audited action: no file on people who did not consent.
  person_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, source, external_id),
  FOREIGN KEY (campaign_id, watch_id) REFERENCES listening_watch (campaign_id, id) ON DELETE SET NULL (watch_id),
  FOREIGN KEY (campaign_id, person_id) REFERENCES person (campaign_id, id) ON DELETE SET NULL (person_id)
);
CREATE INDEX listening_mention_inbox_idx ON listening_mention (campaign_id, status, published_at DESC);
CREATE INDEX listening_mention_thread_idx ON listening_mention (campaign_id, thread_key);
CREATE INDEX listening_mention_created_idx ON listening_mention (campaign_id, created_at);
ALTER TABLE listening_mention ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON listening_mention
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

CREATE TABLE listening_key_message (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  theme text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('answer', 'talking_point')),
  title text NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id)
);
ALTER TABLE listening_key_message ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON listening_key_message
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

CREATE TABLE listening_draft (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  account_id uuid NOT NULL,
  -- The mention it answers; null for a post.
  mention_id uuid,
  key_message_id uuid,
  text text NOT NULL,
  -- pending_approval: waits for the candidate; scheduled: approved (or on the team account), due at
  -- scheduled_at; held: due but inside an electoral silence, due again when it ends.
  status text NOT NULL CHECK (status IN ('pending_approval', 'scheduled', 'held', 'published', 'refused', 'failed')),
  scheduled_at timestamptz,
  approved_by uuid,
  approved_at timestamptz,
  refused_reason text,
  -- Sent with every attempt (Mastodon's Idempotency-Key): a retried publication is not doubled.
  idempotency_key text NOT NULL,
  external_id text,
  external_url text,
  published_at timestamptz,
  last_error text,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, account_id) REFERENCES listening_account (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, mention_id) REFERENCES listening_mention (campaign_id, id) ON DELETE SET NULL (mention_id),
  FOREIGN KEY (campaign_id, key_message_id) REFERENCES listening_key_message (campaign_id, id) ON DELETE SET NULL (key_message_id)
);
CREATE INDEX listening_draft_due_idx ON listening_draft (campaign_id, scheduled_at) WHERE status IN ('scheduled', 'held');
ALTER TABLE listening_draft ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON listening_draft
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- The inbox's mode per campaign: crisis when the spike detector fired (until someone ends it).
CREATE TABLE listening_state (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE PRIMARY KEY,
  crisis_since timestamptz,
  last_spike_at timestamptz
);
ALTER TABLE listening_state ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON listening_state
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
