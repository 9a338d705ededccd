-- Foundation: campaigns, staff identity, sessions, tokens, audit, jobs progress, zones, people.
-- Every tenant-owned table carries campaign_id inside its primary key, unique constraints and
-- foreign keys, so it can be distributed by campaign_id (Citus) without a rewrite.

CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- The role every request's transaction runs under (SET LOCAL ROLE), so that row-level security
-- applies even when the connecting user is a superuser or the tables' owner.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'relais_app') THEN
    CREATE ROLE relais_app NOLOGIN;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$;

CREATE TABLE campaign (
  id uuid PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text NOT NULL,
  city text NOT NULL DEFAULT '',
  election_date date,
  locale text NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
  settings jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff_user (
  id uuid PRIMARY KEY,
  email citext NOT NULL UNIQUE,
  display_name text NOT NULL,
  password_hash text NOT NULL,
  locale text NOT NULL DEFAULT 'fr' CHECK (locale IN ('fr', 'en')),
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  disabled_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE membership (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'organizer', 'referent', 'community_manager',
    'moderator', 'candidate', 'volunteer')),
  zone_ids uuid[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, user_id)
);
CREATE INDEX membership_user_idx ON membership (user_id);

CREATE TABLE session (
  id uuid PRIMARY KEY,
  token_hash bytea NOT NULL UNIQUE,
  user_id uuid NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
  campaign_id uuid REFERENCES campaign (id) ON DELETE SET NULL,
  csrf_token text NOT NULL,
  ip text,
  user_agent text,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX session_user_idx ON session (user_id);

CREATE TABLE password_reset (
  token_hash bytea PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES staff_user (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

CREATE TABLE api_token (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL,
  token_hash bytea NOT NULL UNIQUE,
  prefix text NOT NULL,
  scopes text[] NOT NULL,
  zone_ids uuid[] NOT NULL DEFAULT '{}',
  created_by uuid REFERENCES staff_user (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz,
  PRIMARY KEY (campaign_id, id)
);

CREATE TABLE audit_event (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  action text NOT NULL,
  actor_user_id uuid,
  actor_token_id uuid,
  actor_label text NOT NULL DEFAULT '',
  target_type text,
  target_id text,
  ip text,
  details jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (campaign_id, id)
);
CREATE INDEX audit_event_at_idx ON audit_event (campaign_id, at DESC);

-- Progress of background jobs, readable by the UI and the CLI (pg-boss keeps the queue itself).
CREATE TABLE job_run (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  kind text NOT NULL,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'succeeded', 'failed')),
  done bigint NOT NULL DEFAULT 0,
  total bigint,
  message text NOT NULL DEFAULT '',
  params jsonb NOT NULL DEFAULT '{}',
  result jsonb,
  error text,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (campaign_id, id)
);
CREATE INDEX job_run_created_idx ON job_run (campaign_id, created_at DESC);

-- Messages captured when no SMTP relay is configured (development outbox).
CREATE TABLE dev_outbox (
  id uuid PRIMARY KEY,
  campaign_id uuid REFERENCES campaign (id) ON DELETE CASCADE,
  to_address text NOT NULL,
  subject text NOT NULL,
  text_body text NOT NULL,
  html_body text,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Territory: layers of zones (arrondissements, quartiers, polling stations, IRIS...).
CREATE TABLE zone_layer (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  source text NOT NULL DEFAULT '',
  licence text NOT NULL DEFAULT '',
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, code)
);

CREATE TABLE zone (
  campaign_id uuid NOT NULL,
  id uuid NOT NULL,
  layer_id uuid NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  parent_id uuid,
  geometry jsonb NOT NULL,
  bbox double precision[] NOT NULL,
  centroid double precision[] NOT NULL,
  properties jsonb NOT NULL DEFAULT '{}',
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, layer_id, code),
  FOREIGN KEY (campaign_id, layer_id) REFERENCES zone_layer (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, parent_id) REFERENCES zone (campaign_id, id) ON DELETE SET NULL (parent_id)
);
CREATE INDEX zone_parent_idx ON zone (campaign_id, parent_id);

CREATE TABLE zone_indicator (
  campaign_id uuid NOT NULL,
  zone_id uuid NOT NULL,
  name text NOT NULL,
  year integer NOT NULL DEFAULT 0,
  value double precision NOT NULL,
  source text NOT NULL DEFAULT '',
  PRIMARY KEY (campaign_id, zone_id, name, year),
  FOREIGN KEY (campaign_id, zone_id) REFERENCES zone (campaign_id, id) ON DELETE CASCADE
);

-- Election results per polling station, one row per candidate or list.
CREATE TABLE election_result (
  campaign_id uuid NOT NULL,
  election text NOT NULL,
  round smallint NOT NULL,
  zone_id uuid NOT NULL,
  candidate text NOT NULL,
  nuance text NOT NULL DEFAULT '',
  votes integer NOT NULL,
  registered integer NOT NULL,
  expressed integer NOT NULL,
  PRIMARY KEY (campaign_id, election, round, zone_id, candidate),
  FOREIGN KEY (campaign_id, zone_id) REFERENCES zone (campaign_id, id) ON DELETE CASCADE
);

-- Addresses of the campaign's address base (the BAN in France), for geocoding and door-to-door.
CREATE TABLE address (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id text NOT NULL,
  number text NOT NULL DEFAULT '',
  street text NOT NULL,
  postcode text NOT NULL DEFAULT '',
  city_code text NOT NULL DEFAULT '',
  city text NOT NULL DEFAULT '',
  lon double precision NOT NULL,
  lat double precision NOT NULL,
  PRIMARY KEY (campaign_id, id)
);

-- The contact base. Issue 3 (people) extends it; the foundation needs it for the demo and dashboard.
CREATE TABLE person (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  given_name text NOT NULL DEFAULT '',
  family_name text NOT NULL DEFAULT '',
  email citext,
  phone text,
  address_id text,
  street_address text NOT NULL DEFAULT '',
  postcode text NOT NULL DEFAULT '',
  locality text NOT NULL DEFAULT '',
  lon double precision,
  lat double precision,
  zone_ids uuid[] NOT NULL DEFAULT '{}',
  ladder_stage text NOT NULL DEFAULT 'curious'
    CHECK (ladder_stage IN ('curious', 'sympathizer', 'volunteer', 'activist')),
  source text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  modified_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id)
);
CREATE UNIQUE INDEX person_email_idx ON person (campaign_id, email);
CREATE INDEX person_zone_ids_idx ON person USING gin (zone_ids);
CREATE INDEX person_stage_idx ON person (campaign_id, ladder_stage);

-- Row-level security: a tenant-owned row is visible only when relais.campaign_id names its campaign.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['membership', 'api_token', 'audit_event', 'job_run', 'zone_layer', 'zone',
    'zone_indicator', 'election_result', 'address', 'person']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (campaign_id = nullif(current_setting(''relais.campaign_id'', true), '''')::uuid) WITH CHECK (campaign_id = nullif(current_setting(''relais.campaign_id'', true), '''')::uuid)',
      t);
  END LOOP;
END $$;

ALTER TABLE campaign ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON campaign
  USING (id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
ALTER TABLE dev_outbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON dev_outbox
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

-- Staff accounts are global (one person can work for several campaigns); inside a tenant transaction
-- only the members of the current campaign are visible.
ALTER TABLE staff_user ENABLE ROW LEVEL SECURITY;
CREATE POLICY member_of_campaign ON staff_user
  USING (EXISTS (SELECT 1 FROM membership m WHERE m.user_id = staff_user.id
    AND m.campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid));
