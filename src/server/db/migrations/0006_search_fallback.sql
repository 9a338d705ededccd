-- Search as you type: typo tolerance (pg_trgm's word similarity) is a fallback, tried only when
-- the term as typed finds fewer than 20 people and is at least 4 letters of a name. A short term
-- like "roy" matched thousands of people by similarity (every "ro…" word), each checked against
-- its whole search text: 30 times slower than the substring match, and the people it added were
-- noise ranked below the real matches anyway. A mistyped name finds (almost) nobody as typed, so
-- the fallback still catches it.
CREATE OR REPLACE FUNCTION relais_person_search(search_q text, search_phone text DEFAULT NULL)
  RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    WITH exact AS (
      SELECT p.id FROM person p
      WHERE p.campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid
        AND (p.search_text LIKE '%' || replace(replace(replace(lower(relais_unaccent(search_q)), '\', '\\'), '%', '\%'), '_', '\_') || '%'
          OR (search_phone IS NOT NULL AND p.search_text LIKE '%' || search_phone || '%'))
    )
    SELECT id FROM exact
    UNION
    SELECT p.id FROM person p
    WHERE length(lower(relais_unaccent(search_q))) >= 4
      -- Names only: an e-mail, a number or an e-mail fragment is matched as typed (else every
      -- address at the same domain would look alike).
      AND search_q !~ '[@0-9.]'
      AND (SELECT count(*) FROM (SELECT 1 FROM exact LIMIT 20) AS e) < 20
      AND p.campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid
      AND lower(relais_unaccent(search_q)) <% p.search_text
  $$;
