-- Duplicates a person has reviewed and declared "not duplicates" (a mother and daughter at one
-- address): the finder leaves such a pair out for good, until someone undoes the dismissal. A pair
-- is stored once, its two ids in order (person_a < person_b); it goes with either person.
CREATE TABLE person_duplicate_dismissal (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  person_a uuid NOT NULL,
  person_b uuid NOT NULL,
  dismissed_at timestamptz NOT NULL DEFAULT now(),
  actor_label text NOT NULL DEFAULT '',
  PRIMARY KEY (campaign_id, person_a, person_b),
  CHECK (person_a < person_b),
  FOREIGN KEY (campaign_id, person_a) REFERENCES person (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, person_b) REFERENCES person (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX person_duplicate_dismissal_b_idx ON person_duplicate_dismissal (campaign_id, person_b);

ALTER TABLE person_duplicate_dismissal ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON person_duplicate_dismissal
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
