-- Search as you type, refined on the benchmark's figures:
-- - the words of a term match in order with anything between them ("laurent roy" finds "Laurent
--   Roy", and "jean dup" finds "Jean-Marc Dupont"): one LIKE pattern the trigram index serves;
-- - typo tolerance is for one-word terms only: a first name and a name typed together found few
--   people as typed and then paid for a similarity pass over every "Laurent" (0.6 s on PGlite).
DROP FUNCTION IF EXISTS relais_person_search(text, text, uuid[], integer);
CREATE FUNCTION relais_person_search(search_q text, search_phone text DEFAULT NULL,
    zone_scope uuid[] DEFAULT NULL, max_rows integer DEFAULT NULL)
  RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    WITH exact AS (
      SELECT p.id FROM person p
      WHERE p.campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid
        AND (zone_scope IS NULL OR p.zone_ids && zone_scope)
        AND (p.search_text LIKE '%' || regexp_replace(
              replace(replace(replace(btrim(lower(relais_unaccent(search_q))), '\', '\\'), '%', '\%'), '_', '\_'),
              '\s+', '%', 'g') || '%'
          OR (search_phone IS NOT NULL AND p.search_text LIKE '%' || search_phone || '%'))
      LIMIT max_rows
    )
    SELECT id FROM exact
    UNION
    -- Typo tolerance: one word of 4+ letters (a name: an e-mail, a number or an e-mail fragment is
    -- matched as typed, else every address at the same domain would look alike) that finds fewer
    -- than 20 people as typed.
    (SELECT p.id FROM person p
    WHERE length(btrim(lower(relais_unaccent(search_q)))) >= 4
      AND btrim(search_q) !~ '[@0-9.\s]'
      AND (SELECT count(*) FROM (SELECT 1 FROM exact LIMIT 20) AS e) < 20
      AND p.campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid
      AND (zone_scope IS NULL OR p.zone_ids && zone_scope)
      AND btrim(lower(relais_unaccent(search_q))) <% p.search_text
    LIMIT max_rows)
  $$;
