-- Volunteer media (issue 18): photos and short videos sent from a phone (tus resumable uploads), by
-- signed-in members, API tokens or one-time upload links; judged by their bytes, their published
-- copies made without metadata (no EXIF, no GPS), moderated before the public gallery shows them.

-- A one-time upload link (/envoi/<token>): its token kept as a SHA-256 hash only, an expiry, a
-- number of files it may send, revocable.
CREATE TABLE media_upload_link (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  label text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  expires_at timestamptz NOT NULL,
  max_files integer NOT NULL CHECK (max_files BETWEEN 1 AND 1000),
  used integer NOT NULL DEFAULT 0 CHECK (used >= 0),
  revoked_at timestamptz,
  created_by_user_id uuid,
  created_by_label text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id)
);

-- A media from its upload's creation: 'uploading' while its bytes arrive (upload_offset of
-- upload_length, the part under DATA_DIR), then 'pending' (in the moderation queue), 'approved'
-- (in the gallery), 'hidden' (taken out of it) or 'refused'. The original is in the file store under
-- a private key; its derivatives (thumbnail, web) are made by a job ('waiting', 'ready', or
-- 'unprocessable' with a message when the server cannot decode it: HEIC without an HEVC decoder).
CREATE TABLE media (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  status text NOT NULL DEFAULT 'uploading' CHECK (status IN ('uploading', 'pending', 'approved', 'hidden', 'refused')),
  kind text CHECK (kind IN ('photo', 'video')),
  caption text NOT NULL DEFAULT '',
  filename text NOT NULL DEFAULT '',
  declared_type text NOT NULL DEFAULT '',
  content_type text,
  upload_length bigint NOT NULL CHECK (upload_length >= 0),
  upload_offset bigint NOT NULL DEFAULT 0 CHECK (upload_offset >= 0 AND upload_offset <= upload_length),
  identifiable boolean NOT NULL DEFAULT false,
  rights_confirmed boolean NOT NULL DEFAULT false,
  uploaded_by_user_id uuid,
  uploaded_by_token_id uuid,
  upload_link_id uuid,
  uploader_name text NOT NULL DEFAULT '',
  width integer,
  height integer,
  duration_s double precision,
  processing text NOT NULL DEFAULT 'waiting' CHECK (processing IN ('waiting', 'ready', 'unprocessable')),
  processing_error text,
  has_poster boolean NOT NULL DEFAULT false,
  location_stripped boolean NOT NULL DEFAULT false,
  moderated_by_user_id uuid,
  moderated_by_name text,
  moderated_at timestamptz,
  reason text,
  created_at timestamptz NOT NULL DEFAULT now(),
  uploaded_at timestamptz,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  CHECK (NOT identifiable OR rights_confirmed)
);
CREATE INDEX media_status_idx ON media (campaign_id, status, uploaded_at DESC, id DESC);
CREATE INDEX media_uploader_idx ON media (campaign_id, uploaded_by_user_id, created_at DESC);
-- The janitor's look-up of abandoned uploads (all campaigns).
CREATE INDEX media_uploading_idx ON media (updated_at) WHERE status = 'uploading';

ALTER TABLE media_upload_link ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON media_upload_link
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

ALTER TABLE media ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON media
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
