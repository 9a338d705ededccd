-- The consent cache on person (consent_*, last_consent_at) is recomputed once per statement for the
-- people it touched, instead of once per ledger row: imports and the demo seed insert consents by
-- the thousand. relais_recompute_consents() is the one definition, also called by merges and erasure.
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
$$;

CREATE OR REPLACE FUNCTION relais_consent_apply_statement() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT campaign_id, array_agg(DISTINCT person_id) AS people FROM new_rows GROUP BY campaign_id LOOP
    PERFORM relais_recompute_consents(r.campaign_id, r.people);
  END LOOP;
  RETURN NULL;
END $$;

DROP TRIGGER consent_apply ON consent;
DROP FUNCTION relais_consent_apply();
CREATE TRIGGER consent_apply AFTER INSERT ON consent REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION relais_consent_apply_statement();
