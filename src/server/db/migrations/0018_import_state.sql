-- The state of an uploaded import lives in the database, not in a meta.json beside the file:
-- several server instances share the database, not a disk. The files themselves (the upload, the
-- rejected rows) are in the file store (files/storage.ts), named by source_key and rejected_key.
CREATE TABLE people_import (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  file_name text NOT NULL,
  source_key text NOT NULL,
  rejected_key text,
  -- {format, encoding, delimiter} of the file (read-table.ts).
  layout jsonb NOT NULL,
  headers jsonb NOT NULL,
  size bigint NOT NULL,
  row_count_estimate integer,
  uploaded_at timestamptz NOT NULL DEFAULT now(),
  uploaded_by_user_id uuid,
  uploaded_by_token_id uuid,
  uploaded_by_label text NOT NULL,
  scoped boolean NOT NULL,
  -- Set by the one start that wins (a conditional update), before the job is queued.
  started_at timestamptz,
  job_id uuid,
  source_purged_at timestamptz,
  rejected_purged_at timestamptz,
  PRIMARY KEY (campaign_id, id)
);
CREATE INDEX people_import_uploaded_idx ON people_import (uploaded_at);

ALTER TABLE people_import ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON people_import
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- Written every few seconds by the process running a job: a run whose heartbeat stopped was
-- interrupted, even while the queue still holds its job as active (until its expiry, hours later).
ALTER TABLE job_run ADD COLUMN heartbeat_at timestamptz;
