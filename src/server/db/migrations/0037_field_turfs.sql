-- Field, the turfs part (issue 16 points 2–4): the social-housing programmes a building's doors are
-- read from where known, and the electoral roll (liste électorale, Code électoral L.37) imported for
-- door-to-door and post only. Voters are NOT people: no e-mail, no phone, no consent, so no mailing
-- or SMS audience (built on `person`) can ever reach them; the birthplace is never stored.

-- A social-housing programme (opendata.paris.fr "Logements sociaux financés à Paris"): dwellings at
-- a point, matched to the nearest address' building when buildings are made.
CREATE TABLE social_housing (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id text NOT NULL,
  label text NOT NULL DEFAULT '',
  postcode text NOT NULL DEFAULT '',
  lon double precision NOT NULL,
  lat double precision NOT NULL,
  dwellings integer NOT NULL CHECK (dwellings BETWEEN 1 AND 5000),
  PRIMARY KEY (campaign_id, id)
);

-- One import of the roll (the file replaces the previous one).
CREATE TABLE electoral_roll_import (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  file_name text NOT NULL DEFAULT '',
  voters integer NOT NULL DEFAULT 0,
  matched integer NOT NULL DEFAULT 0,
  imported_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id)
);

-- A registered voter: name (for the envelope and the door), birth date (age filter), sex, polling
-- station, address as written and the address/building it was matched to. No birthplace column.
CREATE TABLE electoral_roll_voter (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  import_id uuid NOT NULL,
  family_name text NOT NULL,
  given_names text NOT NULL DEFAULT '',
  birth_date date,
  sex text CHECK (sex IN ('F', 'M')),
  polling_station text NOT NULL DEFAULT '',
  address_label text NOT NULL DEFAULT '',
  postcode text NOT NULL DEFAULT '',
  address_id text,
  building_id uuid,
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, import_id) REFERENCES electoral_roll_import (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, building_id) REFERENCES building (campaign_id, id) ON DELETE SET NULL (building_id)
);
CREATE INDEX electoral_roll_voter_building_idx ON electoral_roll_voter (campaign_id, building_id);
CREATE INDEX electoral_roll_voter_station_idx ON electoral_roll_voter (campaign_id, polling_station);

ALTER TABLE social_housing ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON social_housing
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE electoral_roll_import ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON electoral_roll_import
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE electoral_roll_voter ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON electoral_roll_voter
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
