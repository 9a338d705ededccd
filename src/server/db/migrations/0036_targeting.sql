-- Targeting (issue 16, item 1): a score per zone of a layer from weighted indicators (a preset or
-- the organizer's own weights), its values per zone with their priority P1–P5 and explanation, and
-- the zones picked as targets. building.score (0035) is written from the zone's score and its doors.

-- A score definition: which layer it ranks, which election and which side it reads, its ingredients.
CREATE TABLE target_score (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 120),
  layer_id uuid NOT NULL,
  -- Only the zones of the layer inside this zone (an arrondissement), normalised among themselves.
  within_zone_id uuid,
  -- The preset it started from (null: built by hand).
  preset text,
  -- The election and round results are read from (null when no ingredient needs one).
  election text,
  round integer,
  -- Our side: candidates or nuances whose votes count as ours.
  side text[] NOT NULL DEFAULT '{}',
  -- [{ metric, weight, direction: 'high' | 'low' }]
  ingredients jsonb NOT NULL,
  computed_at timestamptz,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, layer_id) REFERENCES zone_layer (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, within_zone_id) REFERENCES zone (campaign_id, id) ON DELETE CASCADE
);

-- A zone's score (0–100), its rank and priority (1 = the top fifth), and why: per ingredient its
-- value, normalised value, weight and contribution, and whether it was interpolated.
CREATE TABLE target_score_zone (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  score_id uuid NOT NULL,
  zone_id uuid NOT NULL,
  score double precision NOT NULL,
  rank integer NOT NULL,
  priority smallint NOT NULL CHECK (priority BETWEEN 1 AND 5),
  interpolated boolean NOT NULL DEFAULT false,
  explanation jsonb NOT NULL,
  PRIMARY KEY (campaign_id, score_id, zone_id),
  FOREIGN KEY (campaign_id, score_id) REFERENCES target_score (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, zone_id) REFERENCES zone (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX target_score_zone_rank_idx ON target_score_zone (campaign_id, score_id, rank);

-- A zone picked as a target (turfs are cut from target zones), with the score it was picked from.
CREATE TABLE target_zone (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  zone_id uuid NOT NULL,
  score_id uuid,
  picked_by uuid,
  picked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, zone_id),
  FOREIGN KEY (campaign_id, zone_id) REFERENCES zone (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, score_id) REFERENCES target_score (campaign_id, id) ON DELETE SET NULL (score_id)
);
CREATE INDEX target_zone_score_idx ON target_zone (campaign_id, score_id);

ALTER TABLE target_score ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON target_score
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE target_score_zone ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON target_score_zone
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE target_zone ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON target_zone
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
