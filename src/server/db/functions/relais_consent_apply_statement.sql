-- Statement trigger on consent: recomputes the cache of the people a statement touched, unless the
-- writer sets it itself (relais.consent_cache = 'set', the import).
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
