-- Search as you type over a large base: a term as short and common as "roy" matches tens of
-- thousands of people in a million, and ranking them all to show the first fifty took over a
-- second. The search may now stop after max_rows matches (the people list asks for 1,000 when the
-- search is its only filter, and says "more than 1,000"), and takes the referent's zones so that
-- the rows it keeps are ones the caller may see. The caller still applies its own scope.
DROP FUNCTION IF EXISTS relais_person_search(text, text);
CREATE FUNCTION relais_person_search(search_q text, search_phone text DEFAULT NULL,
    zone_scope uuid[] DEFAULT NULL, max_rows integer DEFAULT NULL)
  RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    WITH exact AS (
      SELECT p.id FROM person p
      WHERE p.campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid
        AND (zone_scope IS NULL OR p.zone_ids && zone_scope)
        AND (p.search_text LIKE '%' || replace(replace(replace(lower(relais_unaccent(search_q)), '\', '\\'), '%', '\%'), '_', '\_') || '%'
          OR (search_phone IS NOT NULL AND p.search_text LIKE '%' || search_phone || '%'))
      LIMIT max_rows
    )
    SELECT id FROM exact
    UNION
    -- Typo tolerance, only when a term of 4+ letters of a name finds fewer than 20 people as
    -- typed (an e-mail, a number or an e-mail fragment is matched as typed, else every address at
    -- the same domain would look alike).
    (SELECT p.id FROM person p
    WHERE length(lower(relais_unaccent(search_q))) >= 4
      AND search_q !~ '[@0-9.]'
      AND (SELECT count(*) FROM (SELECT 1 FROM exact LIMIT 20) AS e) < 20
      AND p.campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid
      AND (zone_scope IS NULL OR p.zone_ids && zone_scope)
      AND lower(relais_unaccent(search_q)) <% p.search_text
    LIMIT max_rows)
  $$;
