-- The election calendar of each campaign (not the past elections of the territory's results, table
-- election): the election the campaign runs for, one per campaign, and its rounds. Each round keeps
-- its day, the polls' closing time and the time zone they are read in, and the instants of its
-- electoral silence (Code électoral L.49: from 00:00 on the eve until the polls close), computed by
-- the application when the round is written, so that "may this go out now?" is one indexed read.
CREATE TABLE calendar_election (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('municipal', 'legislative', 'presidential', 'european', 'regional', 'departmental', 'referendum', 'other')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id)
);

CREATE TABLE calendar_round (
  campaign_id uuid NOT NULL,
  id uuid NOT NULL,
  election_id uuid NOT NULL,
  round_date date NOT NULL,
  polls_close text NOT NULL DEFAULT '20:00' CHECK (polls_close ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  time_zone text NOT NULL DEFAULT 'Europe/Paris' CHECK (char_length(time_zone) BETWEEN 1 AND 64),
  silence_from timestamptz NOT NULL,
  silence_until timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  CHECK (silence_from < silence_until),
  FOREIGN KEY (campaign_id, election_id) REFERENCES calendar_election (campaign_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX calendar_round_date_key ON calendar_round (campaign_id, round_date);
CREATE INDEX calendar_round_silence_idx ON calendar_round (campaign_id, silence_until, silence_from);

ALTER TABLE calendar_election ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON calendar_election
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE calendar_round ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON calendar_round
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
