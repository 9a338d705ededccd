-- Door-to-door results (issue 16, points 5–8): what the canvassing app records at each door, the
-- contacts it captures with consent, the scripts read at the door and their A/B tests, and the
-- canvassers' days on the ground (shifts) that feed the ladder.

-- A script read at the door, one per theme (housing, safety…); a theme may hold a variant under test.
CREATE TABLE canvass_script (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  theme text NOT NULL CHECK (length(theme) BETWEEN 1 AND 80),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  body text NOT NULL CHECK (length(body) <= 4000),
  archived boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id)
);

-- Two scripts tested against each other: each turf of the test is given one of them at random.
CREATE TABLE canvass_script_test (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  script_a_id uuid NOT NULL,
  script_b_id uuid NOT NULL,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  CHECK (script_a_id <> script_b_id),
  FOREIGN KEY (campaign_id, script_a_id) REFERENCES canvass_script (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, script_b_id) REFERENCES canvass_script (campaign_id, id) ON DELETE CASCADE
);

-- The arm each turf of a test was drawn (a turf is in one running test at most).
CREATE TABLE canvass_script_test_turf (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  test_id uuid NOT NULL,
  turf_id uuid NOT NULL,
  arm text NOT NULL CHECK (arm IN ('a', 'b')),
  PRIMARY KEY (campaign_id, turf_id),
  FOREIGN KEY (campaign_id, test_id) REFERENCES canvass_script_test (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, turf_id) REFERENCES turf (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX canvass_script_test_turf_test_idx ON canvass_script_test_turf (campaign_id, test_id);

-- A knock at a door (or at a building when its doors are not listed). The id is made on the phone,
-- so a result sent twice is stored once; the door's state is its latest result by recorded_at.
-- No name is kept here: person_id is set only when the person consented (canvass_contact).
CREATE TABLE canvass_result (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  building_id uuid NOT NULL,
  door_id uuid,
  turf_id uuid,
  canvasser_id uuid REFERENCES staff_user (id) ON DELETE SET NULL,
  outcome text NOT NULL CHECK (outcome IN ('absent', 'supportive', 'undecided', 'opposed', 'refused', 'come_back', 'no_access', 'other')),
  themes text[] NOT NULL DEFAULT '{}',
  note text NOT NULL DEFAULT '' CHECK (length(note) <= 2000),
  script_id uuid,
  person_id uuid,
  -- Where the phone was when the result was recorded, and how far that is from the building.
  lon double precision,
  lat double precision,
  distance_m double precision,
  recorded_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, building_id) REFERENCES building (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, door_id) REFERENCES door (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, turf_id) REFERENCES turf (campaign_id, id) ON DELETE SET NULL (turf_id),
  FOREIGN KEY (campaign_id, script_id) REFERENCES canvass_script (campaign_id, id) ON DELETE SET NULL (script_id),
  FOREIGN KEY (campaign_id, person_id) REFERENCES person (campaign_id, id) ON DELETE SET NULL (person_id)
);
CREATE INDEX canvass_result_door_idx ON canvass_result (campaign_id, building_id, door_id, recorded_at DESC);
CREATE INDEX canvass_result_canvasser_idx ON canvass_result (campaign_id, canvasser_id, recorded_at);
CREATE INDEX canvass_result_recorded_idx ON canvass_result (campaign_id, recorded_at);
CREATE INDEX canvass_result_turf_idx ON canvass_result (campaign_id, turf_id);

-- A contact captured at the door with the person's consent (id made on the phone): the person it
-- made or matched, the exact text shown, and the canvasser it is credited to.
CREATE TABLE canvass_contact (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  result_id uuid,
  building_id uuid NOT NULL,
  person_id uuid NOT NULL,
  created_person boolean NOT NULL,
  canvasser_id uuid REFERENCES staff_user (id) ON DELETE SET NULL,
  consent_text text NOT NULL,
  recorded_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, building_id) REFERENCES building (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, person_id) REFERENCES person (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX canvass_contact_canvasser_idx ON canvass_contact (campaign_id, canvasser_id, recorded_at);

-- A canvasser's day on the ground: doors knocked, first and last knock; a shift of at least
-- SHIFT_MIN_DOORS doors counts as completed (the ladder's canvass.shift_completed).
CREATE TABLE canvass_shift (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  canvasser_id uuid NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
  on_date date NOT NULL,
  doors integer NOT NULL DEFAULT 0,
  completed_at timestamptz,
  PRIMARY KEY (campaign_id, canvasser_id, on_date)
);

ALTER TABLE canvass_script ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON canvass_script
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE canvass_script_test ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON canvass_script_test
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE canvass_script_test_turf ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON canvass_script_test_turf
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE canvass_result ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON canvass_result
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE canvass_contact ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON canvass_contact
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE canvass_shift ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON canvass_shift
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
