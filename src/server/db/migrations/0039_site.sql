-- The public site's content (issue 17, item 1): pages edited in the back office (the candidate's
-- message on the home page, one page per arrondissement, free pages such as the programme), news
-- (the campaign's, an arrondissement's, or a running mate's own post relayed on their
-- arrondissement's page), the running mates (colistiers) of each arrondissement, and the images the
-- editors upload (served from the site itself: a public page asks nothing of a third party).
-- Rich text is stored already sanitised (sanitize-html, site/html.ts) in French and in English.

CREATE TABLE site_image (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg', 'image/webp', 'image/gif')),
  bytes bytea NOT NULL,
  alt text NOT NULL DEFAULT '',
  zone_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, zone_id) REFERENCES zone (campaign_id, id) ON DELETE SET NULL (zone_id)
);

CREATE TABLE site_page (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  -- 'home': the candidate's message; 'zone': an arrondissement's page; 'page': a free page (/pages/<slug>).
  kind text NOT NULL CHECK (kind IN ('home', 'zone', 'page')),
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
  zone_id uuid,
  title_fr text NOT NULL,
  title_en text NOT NULL DEFAULT '',
  summary_fr text NOT NULL DEFAULT '',
  summary_en text NOT NULL DEFAULT '',
  body_fr text NOT NULL DEFAULT '',
  body_en text NOT NULL DEFAULT '',
  image_id uuid,
  published boolean NOT NULL DEFAULT true,
  updated_by text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, slug),
  CHECK ((kind = 'zone') = (zone_id IS NOT NULL)),
  FOREIGN KEY (campaign_id, zone_id) REFERENCES zone (campaign_id, id) ON DELETE CASCADE
);
-- One home page, one page per arrondissement.
CREATE UNIQUE INDEX site_page_home_idx ON site_page (campaign_id) WHERE kind = 'home';
CREATE UNIQUE INDEX site_page_zone_idx ON site_page (campaign_id, zone_id) WHERE kind = 'zone';

CREATE TABLE site_running_mate (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  zone_id uuid NOT NULL,
  name text NOT NULL,
  role_fr text NOT NULL DEFAULT '',
  role_en text NOT NULL DEFAULT '',
  bio_fr text NOT NULL DEFAULT '',
  bio_en text NOT NULL DEFAULT '',
  photo_id uuid,
  -- Order on the arrondissement's page (the list's head first).
  position integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  FOREIGN KEY (campaign_id, zone_id) REFERENCES zone (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX site_running_mate_zone_idx ON site_running_mate (campaign_id, zone_id, position);

CREATE TABLE site_news (
  campaign_id uuid NOT NULL REFERENCES campaign (id) ON DELETE CASCADE,
  id uuid NOT NULL,
  slug text NOT NULL CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 100),
  -- An arrondissement's news (shown on its page), or the whole campaign's (null).
  zone_id uuid,
  -- A running mate's own post, relayed on their arrondissement's page.
  running_mate_id uuid,
  title_fr text NOT NULL,
  title_en text NOT NULL DEFAULT '',
  summary_fr text NOT NULL DEFAULT '',
  summary_en text NOT NULL DEFAULT '',
  body_fr text NOT NULL DEFAULT '',
  body_en text NOT NULL DEFAULT '',
  image_id uuid,
  -- Null: a draft; otherwise shown from then on.
  published_at timestamptz,
  updated_by text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, slug),
  FOREIGN KEY (campaign_id, zone_id) REFERENCES zone (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, running_mate_id) REFERENCES site_running_mate (campaign_id, id) ON DELETE SET NULL (running_mate_id)
);
CREATE INDEX site_news_published_idx ON site_news (campaign_id, published_at DESC);
CREATE INDEX site_news_zone_idx ON site_news (campaign_id, zone_id, published_at DESC);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['site_image', 'site_page', 'site_running_mate', 'site_news']
  LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format(
      'CREATE POLICY tenant_isolation ON %I USING (campaign_id = nullif(current_setting(''relais.campaign_id'', true), '''')::uuid) WITH CHECK (campaign_id = nullif(current_setting(''relais.campaign_id'', true), '''')::uuid)',
      t);
  END LOOP;
END $$;
