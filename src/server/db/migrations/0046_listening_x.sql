-- Listening on X (issue 19): X recent search as a watch's source (and of the mentions it catches),
-- the price X bills per post read and per post created as settings of an X account (micro-euros,
-- editable: X's pay-per-use list prices by default), a monthly cap after which its watches pause,
-- and the posts read and created per account and month (the month's cost estimate).
ALTER TABLE listening_watch DROP CONSTRAINT listening_watch_source_check;
ALTER TABLE listening_watch ADD CONSTRAINT listening_watch_source_check CHECK (source IN ('rss', 'mastodon', 'bluesky', 'x'));
ALTER TABLE listening_mention DROP CONSTRAINT listening_mention_source_check;
ALTER TABLE listening_mention ADD CONSTRAINT listening_mention_source_check CHECK (source IN ('rss', 'mastodon', 'bluesky', 'x'));

-- Prices in micro-euros (1 € = 1,000,000): 5,000 = 0.005 € per post read, 15,000 = 0.015 € per post created.
ALTER TABLE listening_account ADD COLUMN x_read_price integer NOT NULL DEFAULT 5000 CHECK (x_read_price BETWEEN 0 AND 100000000);
ALTER TABLE listening_account ADD COLUMN x_post_price integer NOT NULL DEFAULT 15000 CHECK (x_post_price BETWEEN 0 AND 100000000);
-- The month's spending cap in cents (null: none); reached, the account's watches pause until the next month.
ALTER TABLE listening_account ADD COLUMN x_monthly_cap integer CHECK (x_monthly_cap BETWEEN 0 AND 1000000000);

-- Posts read (returned by a search) and created (published) per account and month (UTC, its first day).
CREATE TABLE listening_x_usage (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  account_id uuid NOT NULL,
  month date NOT NULL,
  posts_read integer NOT NULL DEFAULT 0,
  posts_created integer NOT NULL DEFAULT 0,
  -- What was spent at the prices of the moment (micro-euros): a later price change does not rewrite the past.
  spent bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, account_id, month),
  FOREIGN KEY (campaign_id, account_id) REFERENCES listening_account (campaign_id, id) ON DELETE CASCADE
);
ALTER TABLE listening_x_usage ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON listening_x_usage
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
