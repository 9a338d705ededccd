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
  whole_re text := relais_search_regex(search_q, true);
  start_re text := relais_search_regex(search_q, false);
  ids uuid[];
  n integer;
BEGIN
  IF max_rows IS NULL THEN
    RETURN QUERY SELECT p.* FROM person p
      WHERE p.campaign_id = campaign AND (zone_scope IS NULL OR p.zone_ids && zone_scope)
        AND (p.search_text LIKE pattern OR (search_phone IS NOT NULL AND p.search_text LIKE phone_pattern));
    GET DIAGNOSTICS n = ROW_COUNT;
  ELSIF length(regexp_replace(term, '\s', '', 'g')) < 3 THEN
    -- One or two letters: no trigram narrows the search, so a sequential scan reads people until the
    -- cap (ranking them first would read the whole table); the list ranks those it keeps.
    ids := ARRAY(SELECT p.id FROM person p
      WHERE p.campaign_id = campaign AND (zone_scope IS NULL OR p.zone_ids && zone_scope)
        AND (p.search_text LIKE pattern OR (search_phone IS NOT NULL AND p.search_text LIKE phone_pattern))
      LIMIT max_rows);
    n := cardinality(ids);
    RETURN QUERY SELECT p.* FROM person p WHERE p.campaign_id = campaign AND p.id = ANY (ids);
  ELSE
    -- The best max_rows matches, found best first so that none is lost to the cap: the term's words
    -- as whole words ("Roy", "agathe.roy.12@…") and the phone number, then as the starts of words
    -- ("Royer"), then anywhere ("Leroy"). Each step reads ids only, through the trigram index (the
    -- LIKE), and stops as soon as the cap is reached.
    ids := ARRAY(SELECT p.id FROM person p
      WHERE p.campaign_id = campaign AND (zone_scope IS NULL OR p.zone_ids && zone_scope)
        AND ((p.search_text LIKE pattern AND p.search_text ~ whole_re)
          OR (search_phone IS NOT NULL AND p.search_text LIKE phone_pattern))
      LIMIT max_rows);
    IF cardinality(ids) < max_rows THEN
      ids := ids || ARRAY(SELECT p.id FROM person p
        WHERE p.campaign_id = campaign AND (zone_scope IS NULL OR p.zone_ids && zone_scope)
          AND p.search_text LIKE pattern AND p.search_text ~ start_re AND p.id <> ALL (ids)
        LIMIT max_rows - cardinality(ids));
    END IF;
    IF cardinality(ids) < max_rows THEN
      ids := ids || ARRAY(SELECT p.id FROM person p
        WHERE p.campaign_id = campaign AND (zone_scope IS NULL OR p.zone_ids && zone_scope)
          AND p.search_text LIKE pattern AND p.id <> ALL (ids)
        LIMIT max_rows - cardinality(ids));
    END IF;
    n := cardinality(ids);
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
