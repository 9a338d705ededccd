-- People: OSDI fields, tags, lists, custom fields, the ladder (stages, rules, history), the consent
-- ledger, the activity timeline, saved segments, import mappings and merges with an undo window.

-- unaccent() is only STABLE; an IMMUTABLE wrapper (fixed dictionary) can back an index.
CREATE OR REPLACE FUNCTION relais_unaccent(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;

-- The text people are searched by: names, e-mails and phones, lower-case and without accents.
CREATE OR REPLACE FUNCTION relais_person_search_text(given text, family text, email text, phone text, emails text[], phones text[])
  RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT lower(relais_unaccent(concat_ws(' ', given, family, email, phone,
    array_to_string(emails, ' '), array_to_string(phones, ' ')))) $$;

ALTER TABLE person
  ADD COLUMN additional_name text NOT NULL DEFAULT '',
  ADD COLUMN emails text[] NOT NULL DEFAULT '{}',
  ADD COLUMN phones text[] NOT NULL DEFAULT '{}',
  ADD COLUMN region text NOT NULL DEFAULT '',
  ADD COLUMN country text NOT NULL DEFAULT 'FR',
  ADD COLUMN birthdate date,
  ADD COLUMN gender text,
  ADD COLUMN languages_spoken text[] NOT NULL DEFAULT '{}',
  ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}',
  -- Current consent per channel: a cache of the consent ledger kept by a trigger below.
  ADD COLUMN consent_email boolean NOT NULL DEFAULT false,
  ADD COLUMN consent_sms boolean NOT NULL DEFAULT false,
  ADD COLUMN consent_phone boolean NOT NULL DEFAULT false,
  ADD COLUMN consent_post boolean NOT NULL DEFAULT false,
  ADD COLUMN last_consent_at timestamptz,
  ADD COLUMN ladder_changed_at timestamptz,
  ADD COLUMN anonymized_at timestamptz,
  ADD COLUMN merged_into uuid,
  ADD COLUMN search_text text GENERATED ALWAYS AS
    (relais_person_search_text(given_name, family_name, email::text, phone, emails, phones)) STORED;

CREATE INDEX person_search_trgm_idx ON person USING gin (search_text gin_trgm_ops);
CREATE INDEX person_phone_idx ON person (campaign_id, phone);
CREATE INDEX person_modified_idx ON person (campaign_id, modified_at);
CREATE INDEX person_created_idx ON person (campaign_id, created_at);
CREATE INDEX person_family_trgm_idx ON person USING gin (lower(relais_unaccent(family_name)) gin_trgm_ops);

CREATE TABLE tag (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
  description text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id)
);
CREATE UNIQUE INDEX tag_name_idx ON tag (campaign_id, lower(name));

CREATE TABLE tagging (
  campaign_id uuid NOT NULL,
  tag_id uuid NOT NULL,
  person_id uuid NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, tag_id, person_id),
  FOREIGN KEY (campaign_id, tag_id) REFERENCES tag (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, person_id) REFERENCES person (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX tagging_person_idx ON tagging (campaign_id, person_id);

CREATE TABLE list (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  description text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id)
);
CREATE UNIQUE INDEX list_name_idx ON list (campaign_id, lower(name));

CREATE TABLE list_member (
  campaign_id uuid NOT NULL,
  list_id uuid NOT NULL,
  person_id uuid NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, list_id, person_id),
  FOREIGN KEY (campaign_id, list_id) REFERENCES list (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, person_id) REFERENCES person (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX list_member_person_idx ON list_member (campaign_id, person_id);

-- Custom fields defined per campaign; values live in person.custom_fields under `key`.
CREATE TABLE custom_field (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
  label text NOT NULL,
  type text NOT NULL CHECK (type IN ('text', 'number', 'date', 'choice')),
  choices text[] NOT NULL DEFAULT '{}',
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, key)
);

-- Everything that happened to a person, newest first.
CREATE TABLE activity (
  campaign_id uuid NOT NULL,
  id uuid NOT NULL,
  person_id uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  type text NOT NULL,
  ref_type text,
  ref_id text,
  data jsonb NOT NULL DEFAULT '{}',
  actor_label text NOT NULL DEFAULT '',
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, person_id) REFERENCES person (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX activity_person_idx ON activity (campaign_id, person_id, at DESC);
CREATE INDEX activity_type_ref_idx ON activity (campaign_id, type, ref_id, person_id);

-- The ladder: stage names per campaign (the four stages are fixed, their labels editable) and
-- promotion rules on activities.
CREATE TABLE ladder_stage (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  stage text NOT NULL CHECK (stage IN ('curious', 'sympathizer', 'volunteer', 'activist')),
  label_fr text NOT NULL,
  label_en text NOT NULL,
  position smallint NOT NULL,
  PRIMARY KEY (campaign_id, stage)
);

CREATE TABLE ladder_rule (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  to_stage text NOT NULL CHECK (to_stage IN ('sympathizer', 'volunteer', 'activist')),
  -- Every condition must hold: [{ "type": "event.attended", "min_count": 1 }, …]
  conditions jsonb NOT NULL,
  description text NOT NULL DEFAULT '',
  enabled boolean NOT NULL DEFAULT true,
  PRIMARY KEY (campaign_id, id)
);

CREATE TABLE ladder_move (
  campaign_id uuid NOT NULL,
  id uuid NOT NULL,
  person_id uuid NOT NULL,
  at timestamptz NOT NULL DEFAULT now(),
  from_stage text,
  to_stage text NOT NULL,
  reason text NOT NULL DEFAULT '',
  rule_id uuid,
  actor_label text NOT NULL DEFAULT '',
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, person_id) REFERENCES person (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX ladder_move_person_idx ON ladder_move (campaign_id, person_id, at);
CREATE INDEX ladder_move_at_idx ON ladder_move (campaign_id, at);

-- The consent ledger: append-only, one row per given or withdrawn consent, with its proof.
CREATE TABLE consent (
  campaign_id uuid NOT NULL,
  id uuid NOT NULL,
  person_id uuid NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'sms', 'phone', 'post')),
  status text NOT NULL CHECK (status IN ('given', 'withdrawn')),
  at timestamptz NOT NULL DEFAULT now(),
  -- How: form, import, api, manual, unsubscribe, door (canvassing)…
  source text NOT NULL,
  -- Proof: { "form": …, "ip": …, "text_shown": …, "file": … }
  proof jsonb NOT NULL DEFAULT '{}',
  actor_label text NOT NULL DEFAULT '',
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, person_id) REFERENCES person (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX consent_person_idx ON consent (campaign_id, person_id, channel, at DESC);

-- Keeps person.consent_* equal to the latest ledger entry of each channel.
CREATE OR REPLACE FUNCTION relais_consent_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format(
    'UPDATE person SET consent_%s = $1, last_consent_at = CASE WHEN $1 THEN greatest(last_consent_at, $2) ELSE last_consent_at END
     WHERE campaign_id = $3 AND id = $4 AND NOT EXISTS (
       SELECT 1 FROM consent c WHERE c.campaign_id = $3 AND c.person_id = $4 AND c.channel = $5 AND c.at > $2)',
    NEW.channel)
  USING NEW.status = 'given', NEW.at, NEW.campaign_id, NEW.person_id, NEW.channel;
  RETURN NULL;
END $$;
CREATE TRIGGER consent_apply AFTER INSERT ON consent FOR EACH ROW EXECUTE FUNCTION relais_consent_apply();

-- Saved dynamic filters: the audiences of every sending module.
CREATE TABLE segment (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
  definition jsonb NOT NULL,
  created_by uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id)
);

-- The last column mapping used for a file layout (keyed by its normalised header list).
CREATE TABLE import_mapping (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  header_key text NOT NULL,
  mapping jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, header_key)
);

-- Merges of two people, kept with a snapshot of the merged one so it can be undone for a while.
CREATE TABLE person_merge (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  kept_id uuid NOT NULL,
  merged_id uuid NOT NULL,
  snapshot jsonb NOT NULL,
  merged_at timestamptz NOT NULL DEFAULT now(),
  undo_until timestamptz NOT NULL,
  undone_at timestamptz,
  actor_label text NOT NULL DEFAULT '',
  PRIMARY KEY (campaign_id, id)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['tag', 'tagging', 'list', 'list_member', 'custom_field', 'activity', 'ladder_stage',
    'ladder_rule', 'ladder_move', 'consent', 'segment', 'import_mapping', 'person_merge']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (campaign_id = nullif(current_setting(''relais.campaign_id'', true), '''')::uuid) WITH CHECK (campaign_id = nullif(current_setting(''relais.campaign_id'', true), '''')::uuid)',
      t);
  END LOOP;
END $$;
