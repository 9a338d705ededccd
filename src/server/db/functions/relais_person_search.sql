-- Search as you type (docs/ARCHITECTURE.md): an owner-rights function applying the tenant condition
-- of the policy itself, so that the trigram index can be used (LIKE is not LEAKPROOF under RLS).
CREATE OR REPLACE FUNCTION relais_person_search(search_q text, search_phone text DEFAULT NULL,
    zone_scope uuid[] DEFAULT NULL, max_rows integer DEFAULT NULL)
  RETURNS SETOF person LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = public SET pg_trgm.word_similarity_threshold = 0.45 SET plan_cache_mode = force_custom_plan
  AS $$
DECLARE
  campaign uuid := nullif(current_setting('relais.campaign_id', true), '')::uuid;
  term text := btrim(lower(relais_unaccent(search_q)));
  -- The term for LIKE: its own %, _ and \ escaped, any run of spaces matching anything.
  escaped text := regexp_replace(replace(replace(replace(term, '\', '\\'), '%', '\%'), '_', '\_'), '\s+', '%', 'g');
  pattern text := '%' || escaped || '%';
  phone_pattern text := '%' || search_phone || '%';
  -- Typo tolerance only for one word of 4+ letters (a name: an e-mail, a number or an e-mail fragment
  -- is matched as typed, else every address at the same domain would look alike).
  typo_term boolean := length(term) >= 4 AND btrim(search_q) !~ '[@0-9.\s]';
  ids uuid[];
  n integer;
BEGIN
  IF max_rows IS NULL THEN
    RETURN QUERY SELECT p.* FROM person p
      WHERE p.campaign_id = campaign AND (zone_scope IS NULL OR p.zone_ids && zone_scope)
        AND (p.search_text LIKE pattern OR (search_phone IS NOT NULL AND p.search_text LIKE phone_pattern));
    GET DIAGNOSTICS n = ROW_COUNT;
  ELSE
    -- n: how many matches were read (at most 2 × max_rows); ids: the best max_rows of them.
    SELECT array_agg(best.id), max(best.found) INTO ids, n FROM (
      SELECT f.id, count(*) OVER () AS found FROM (
        SELECT p.id, p.search_text FROM person p
        WHERE p.campaign_id = campaign AND (zone_scope IS NULL OR p.zone_ids && zone_scope)
          AND (p.search_text LIKE pattern OR (search_phone IS NOT NULL AND p.search_text LIKE phone_pattern))
        LIMIT max_rows * 2) AS f
      ORDER BY (' ' || f.search_text || ' ') LIKE '% ' || escaped || ' %' DESC,
        (' ' || f.search_text) LIKE '% ' || escaped || '%' DESC
      LIMIT max_rows) AS best;
    n := coalesce(n, 0);
    RETURN QUERY SELECT p.* FROM person p WHERE p.campaign_id = campaign AND p.id = ANY (ids);
  END IF;
  -- Fewer than 20 people as typed: add those whose words are close to it (typos), not already found.
  IF n < 20 AND typo_term THEN
    RETURN QUERY SELECT p.* FROM person p
      WHERE p.campaign_id = campaign AND (zone_scope IS NULL OR p.zone_ids && zone_scope)
        AND term <% p.search_text
        AND NOT (p.search_text LIKE pattern OR (search_phone IS NOT NULL AND p.search_text LIKE phone_pattern))
      LIMIT max_rows;
  END IF;
END $$;
