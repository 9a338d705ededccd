-- The territory made readable (issue 14, finding 6): what each imported election is called, the
-- voters of each polling station (turnout), which zones of other layers each zone lies in (so that
-- results and indicators can be aggregated to any layer in SQL), and a per-import cache of the
-- values the map colours zones by.

-- Voters ("votants") per polling station, when the results file gives them: turnout is
-- voters / registered. NULL when the file has no such column.
ALTER TABLE election_result ADD COLUMN voters integer;

-- One row per imported (election, round): its label as the manifest writes it, and the layer its
-- results are attached to. Results imported before this table get a label made from their code.
CREATE TABLE election (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  code text NOT NULL,
  round smallint NOT NULL,
  label text NOT NULL,
  layer_id uuid,
  imported_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, code, round),
  FOREIGN KEY (campaign_id, layer_id) REFERENCES zone_layer (campaign_id, id) ON DELETE SET NULL (layer_id)
);
INSERT INTO election (campaign_id, code, round, label, layer_id)
SELECT DISTINCT ON (r.campaign_id, r.election, r.round) r.campaign_id, r.election, r.round,
  initcap(replace(r.election, '-', ' ')) || ', tour ' || r.round, z.layer_id
FROM election_result r JOIN zone z ON z.campaign_id = r.campaign_id AND z.id = r.zone_id
ORDER BY r.campaign_id, r.election, r.round;

-- zone_id's inside point lies in container_id (a zone of another layer). Written by the territory
-- importer after the layers (territory/zone-cover.ts); empty until computed.
CREATE TABLE zone_cover (
  campaign_id uuid NOT NULL,
  zone_id uuid NOT NULL,
  container_id uuid NOT NULL,
  PRIMARY KEY (campaign_id, zone_id, container_id),
  FOREIGN KEY (campaign_id, zone_id) REFERENCES zone (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, container_id) REFERENCES zone (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX zone_cover_container_idx ON zone_cover (campaign_id, container_id);

-- Values of one metric (an indicator, a result) for every zone of a layer, computed on first
-- read and emptied by every territory import.
CREATE TABLE zone_metric_cache (
  campaign_id uuid NOT NULL,
  layer_id uuid NOT NULL,
  metric text NOT NULL,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, layer_id, metric),
  FOREIGN KEY (campaign_id, layer_id) REFERENCES zone_layer (campaign_id, id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['election', 'zone_cover', 'zone_metric_cache']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (campaign_id = nullif(current_setting(''relais.campaign_id'', true), '''')::uuid) WITH CHECK (campaign_id = nullif(current_setting(''relais.campaign_id'', true), '''')::uuid)',
      t);
  END LOOP;
END $$;
