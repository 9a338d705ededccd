-- Faster people imports (issue 3's benchmark): geocoding gives a person their zones in the same
-- join that gives their coordinates, imports stop rewriting every new row two more times, and an
-- index nothing reads is dropped.

-- Each address knows the zones it lies in, computed by the zone locator when the territory or the
-- addresses are imported (NULL = not computed yet: computed on first use, see geocode.ts).
ALTER TABLE address ADD COLUMN zone_ids uuid[];
CREATE INDEX address_unlocated_idx ON address (campaign_id) WHERE zone_ids IS NULL;

-- Trigram index on family names: no query uses it (duplicates compare names of people at one
-- address; search goes through person_search_trgm_idx), and every insert paid for it.
DROP INDEX IF EXISTS person_family_trgm_idx;

-- The consent cache is rewritten only where it changes (a person inserted with the consent it is
-- about to be given, as an import does, is not updated again), and a writer that has already set
-- the cache of every person of its statement may say so (relais.consent_cache = 'set', local to
-- its transaction) — the import, which recomputes the people it did not create itself.
CREATE OR REPLACE FUNCTION relais_recompute_consents(p_campaign uuid, p_people uuid[]) RETURNS void
  LANGUAGE sql AS $$
  UPDATE person p SET
    consent_email = coalesce(c.email, false), consent_sms = coalesce(c.sms, false),
    consent_phone = coalesce(c.phone, false), consent_post = coalesce(c.post, false),
    last_consent_at = c.last_given
  FROM (
    SELECT q.id,
      bool_or(l.status = 'given') FILTER (WHERE l.channel = 'email' AND l.rn = 1) AS email,
      bool_or(l.status = 'given') FILTER (WHERE l.channel = 'sms' AND l.rn = 1) AS sms,
      bool_or(l.status = 'given') FILTER (WHERE l.channel = 'phone' AND l.rn = 1) AS phone,
      bool_or(l.status = 'given') FILTER (WHERE l.channel = 'post' AND l.rn = 1) AS post,
      -- The latest consent still in force (given, and not withdrawn since on that channel).
      max(l.at) FILTER (WHERE l.status = 'given' AND l.rn = 1) AS last_given
    FROM unnest(p_people) AS q(id)
    LEFT JOIN (
      -- Joined to the ids (not "= ANY"), so each person is an index lookup even without statistics.
      SELECT c.person_id, c.channel, c.status, c.at,
        row_number() OVER (PARTITION BY c.person_id, c.channel ORDER BY c.at DESC, c.id DESC) AS rn
      FROM unnest(p_people) AS w(id)
      JOIN consent c ON c.campaign_id = p_campaign AND c.person_id = w.id
    ) l ON l.person_id = q.id
    GROUP BY q.id
  ) c
  WHERE p.campaign_id = p_campaign AND p.id = c.id
    AND (p.consent_email, p.consent_sms, p.consent_phone, p.consent_post, p.last_consent_at)
      IS DISTINCT FROM (coalesce(c.email, false), coalesce(c.sms, false), coalesce(c.phone, false), coalesce(c.post, false), c.last_given)
$$;

CREATE OR REPLACE FUNCTION relais_consent_apply_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  IF current_setting('relais.consent_cache', true) = 'set' THEN
    RETURN NULL;
  END IF;
  FOR r IN SELECT campaign_id, array_agg(DISTINCT person_id) AS people FROM new_rows GROUP BY campaign_id LOOP
    PERFORM relais_recompute_consents(r.campaign_id, r.people);
  END LOOP;
  RETURN NULL;
END $$;
