-- Door-to-door canvassing, the core every part of the field module shares (issue 16): buildings made
-- from the address base, their entrances and doors, turfs cut from a zone's buildings, teams, and
-- turfs assigned for a date. Targeting, the electoral roll and canvass results have their own migrations.

-- A building: addresses of the address base grouped into one place to knock, with its estimated
-- number of doors (social-housing file where known, else the IRIS' dwellings per address).
CREATE TABLE building (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  -- The address the building is known by (its first address).
  address_id text NOT NULL,
  label text NOT NULL,
  lon double precision NOT NULL,
  lat double precision NOT NULL,
  doors integer NOT NULL CHECK (doors BETWEEN 1 AND 5000),
  doors_source text NOT NULL CHECK (doors_source IN ('social_housing', 'dwellings_per_address', 'electoral_roll', 'manual')),
  -- Zones containing the building (every layer), as the address' zone_ids.
  zone_ids uuid[] NOT NULL DEFAULT '{}',
  -- Its priority from its zone's score and its size (null until targeting scored it).
  score double precision,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, address_id) REFERENCES address (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX building_zones_idx ON building USING gin (zone_ids);
CREATE UNIQUE INDEX building_address_idx ON building (campaign_id, address_id);

-- Every address of a building (the building's own address included).
CREATE TABLE building_address (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  address_id text NOT NULL,
  building_id uuid NOT NULL,
  PRIMARY KEY (campaign_id, address_id),
  FOREIGN KEY (campaign_id, building_id) REFERENCES building (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, address_id) REFERENCES address (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX building_address_building_idx ON building_address (campaign_id, building_id);

-- An entrance (staircase, door code): access notes for the canvasser, and its floors × doors grid.
CREATE TABLE building_entrance (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  building_id uuid NOT NULL,
  label text NOT NULL DEFAULT '',
  -- Digicode, interphone, caretaker's hours: what opens the door.
  access_note text NOT NULL DEFAULT '',
  floors integer NOT NULL DEFAULT 0 CHECK (floors BETWEEN 0 AND 80),
  doors_per_floor integer NOT NULL DEFAULT 0 CHECK (doors_per_floor BETWEEN 0 AND 100),
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, building_id) REFERENCES building (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX building_entrance_building_idx ON building_entrance (campaign_id, building_id);

-- A door of an entrance's grid (made in one step from floors × doors per floor; 0 is the ground floor).
CREATE TABLE door (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  building_id uuid NOT NULL,
  entrance_id uuid NOT NULL,
  floor integer NOT NULL CHECK (floor BETWEEN -5 AND 80),
  label text NOT NULL,
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, entrance_id, floor, label),
  FOREIGN KEY (campaign_id, entrance_id) REFERENCES building_entrance (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, building_id) REFERENCES building (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX door_building_idx ON door (campaign_id, building_id);

-- One cut of a zone into turfs (a job: progress in job_run), with what was asked and what came out.
CREATE TABLE turf_cut (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  zone_id uuid NOT NULL,
  target_doors integer NOT NULL CHECK (target_doors BETWEEN 10 AND 5000),
  keep_polling_stations boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  job_id text,
  -- Figures of the result: turfs, doors per turf (min, max), metres walked per door.
  stats jsonb NOT NULL DEFAULT '{}',
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, zone_id) REFERENCES zone (campaign_id, id) ON DELETE CASCADE
);

-- A turf: buildings a canvasser walks in one outing, in walking order, inside its polygon.
CREATE TABLE turf (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  cut_id uuid,
  zone_id uuid NOT NULL,
  name text NOT NULL,
  doors integer NOT NULL DEFAULT 0,
  -- GeoJSON Polygon (the hull of its buildings, or drawn by hand).
  polygon jsonb NOT NULL,
  metres_walked double precision NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, cut_id) REFERENCES turf_cut (campaign_id, id) ON DELETE SET NULL (cut_id),
  FOREIGN KEY (campaign_id, zone_id) REFERENCES zone (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX turf_zone_idx ON turf (campaign_id, zone_id);

-- A building's turf and its place in the walking order: a building is in one turf at most.
CREATE TABLE turf_building (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  building_id uuid NOT NULL,
  turf_id uuid NOT NULL,
  position integer NOT NULL,
  PRIMARY KEY (campaign_id, building_id),
  FOREIGN KEY (campaign_id, building_id) REFERENCES building (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, turf_id) REFERENCES turf (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX turf_building_turf_idx ON turf_building (campaign_id, turf_id, position);

-- Teams of canvassers (members are staff users, volunteers most often).
CREATE TABLE field_team (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL,
  zone_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, name)
);

CREATE TABLE field_team_member (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  team_id uuid NOT NULL,
  staff_user_id uuid NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
  PRIMARY KEY (campaign_id, team_id, staff_user_id),
  FOREIGN KEY (campaign_id, team_id) REFERENCES field_team (campaign_id, id) ON DELETE CASCADE
);

-- A turf given to a canvasser or a team for a day ("my turfs" in the canvassing app).
CREATE TABLE turf_assignment (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  turf_id uuid NOT NULL,
  staff_user_id uuid REFERENCES staff_user (id) ON DELETE CASCADE,
  team_id uuid,
  on_date date NOT NULL,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  CHECK ((staff_user_id IS NULL) <> (team_id IS NULL)),
  FOREIGN KEY (campaign_id, turf_id) REFERENCES turf (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, team_id) REFERENCES field_team (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX turf_assignment_turf_idx ON turf_assignment (campaign_id, turf_id);
CREATE INDEX turf_assignment_user_idx ON turf_assignment (campaign_id, staff_user_id, on_date);
CREATE INDEX turf_assignment_team_idx ON turf_assignment (campaign_id, team_id, on_date);

ALTER TABLE building ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON building
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE building_address ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON building_address
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE building_entrance ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON building_entrance
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE door ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON door
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE turf_cut ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON turf_cut
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE turf ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON turf
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE turf_building ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON turf_building
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE field_team ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON field_team
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE field_team_member ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON field_team_member
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE turf_assignment ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON turf_assignment
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
