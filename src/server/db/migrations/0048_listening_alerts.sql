-- Listening (issue 19, continued): the numbers a spike alert is texted to, and the inbox's indexes.

-- The staff's numbers a spike alert goes to by SMS as well as by e-mail (E.164; none: e-mail only).
-- Staff accounts have no phone of their own: the campaign's admin names the numbers here.
ALTER TABLE listening_state ADD COLUMN alert_phones text[] NOT NULL DEFAULT '{}';
-- When the last spike's SMS went out, and to how many numbers (once per spike, never each pass).
ALTER TABLE listening_state ADD COLUMN last_sms_alert_at timestamptz;

-- The inbox's first view (new mentions, newest first, 30 a page) and its count, measured with
-- bench/listening.ts while 10,000 mentions an hour came in: the count of new mentions read the whole
-- table (a sequential scan, 90 ms for 50,000 mentions). This partial index holds the new ones only,
-- in the page's order: the page reads 30 entries, and the count reads the index alone.
CREATE INDEX listening_mention_new_idx ON listening_mention (campaign_id, published_at DESC, id DESC) WHERE status = 'new';
-- Windows over publication time: the spike check after every pass that added mentions, the
-- response-time report and the dashboard's weekly figures.
CREATE INDEX listening_mention_published_idx ON listening_mention (campaign_id, published_at);
-- Mentions only ever arrive: vacuum after 2 % new rows (not 20 %) so that the visibility map stays
-- fresh and the count above stays an index-only scan.
ALTER TABLE listening_mention SET (autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_vacuum_insert_threshold = 500);
-- In crisis mode (switched on by a spike, i.e. exactly while mentions pour in) the inbox orders
-- the new mentions by urgency first: without this index each page sorted every new mention.
CREATE INDEX listening_mention_crisis_idx ON listening_mention
  (campaign_id, (CASE urgency WHEN 'high' THEN 0 WHEN 'normal' THEN 1 ELSE 2 END), published_at DESC, id DESC)
  WHERE status = 'new';
