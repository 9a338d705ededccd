-- A broad search keeps the best matches, not the first ones found. When the term matches at least as
-- many people as the list ranks (the cap: "roy" in a large base), the people in whom it starts a
-- word ("Roy", "Royer", "Roy-Martin") are taken first and the other substring matches ("Leroy") only
-- fill what is left; the list then orders them by relevance. The cap can therefore be small (the list
-- says "more than N" and asks for a narrower term) without the first page missing the obvious people.
-- A narrower term is searched once, as before.
-- The function is PL/pgSQL so that the second scan runs only when the first came back full; the
-- matches of a capped search are first collected as ids (at most the cap), so that a narrow term's
-- people are read once more by primary key rather than searched twice. The word start is a regular
-- expression, "(^| )term", which the trigram index serves in one scan ("term%" OR "% term%" would be
-- two index scans of the same trigrams). Every query is planned for its own values, as the SQL
-- function's were: a generic plan would not know how selective a pattern is.
DROP FUNCTION IF EXISTS relais_person_search(text, text, uuid[], integer);
CREATE FUNCTION relais_person_search(search_q text, search_phone text DEFAULT NULL,
    zone_scope uuid[] DEFAULT NULL, max_rows integer DEFAULT NULL)
  RETURNS SETOF person LANGUAGE plpgsql STABLE SECURITY DEFINER
  SET search_path = public SET pg_trgm.word_similarity_threshold = 0.45 SET plan_cache_mode = force_custom_plan
  AS $$
DECLARE
  campaign uuid := nullif(current_setting('relais.campaign_id', true), '')::uuid;
  term text := btrim(lower(relais_unaccent(search_q)));
  -- The term as a LIKE pattern: its own %, _ and \ escaped, any run of spaces matching anything.
  pattern text := '%' || regexp_replace(replace(replace(replace(term, '\', '\\'), '%', '\%'), '_', '\_'), '\s+', '%', 'g') || '%';
  phone_pattern text := '%' || search_phone || '%';
  -- The term at the start of a word, as a regular expression with its special characters escaped.
  word_start text := '(^| )' || regexp_replace(regexp_replace(term, '([].^$*+?(){}|[\\])', '\\\1', 'g'), '\s+', '.*', 'g');
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
    SELECT array_agg(m.id) INTO ids FROM (
      SELECT p.id FROM person p
      WHERE p.campaign_id = campaign AND (zone_scope IS NULL OR p.zone_ids && zone_scope)
        AND (p.search_text LIKE pattern OR (search_phone IS NOT NULL AND p.search_text LIKE phone_pattern))
      LIMIT max_rows) AS m;
    n := coalesce(cardinality(ids), 0);
    IF n >= max_rows THEN
      -- Broad: the word starts first, then the other matches found.
      RETURN QUERY SELECT p.* FROM person p
        WHERE p.campaign_id = campaign AND (zone_scope IS NULL OR p.zone_ids && zone_scope) AND p.search_text ~ word_start
        LIMIT max_rows;
      GET DIAGNOSTICS n = ROW_COUNT;
      IF n < max_rows THEN
        RETURN QUERY SELECT p.* FROM person p
          WHERE p.campaign_id = campaign AND p.id = ANY (ids) AND p.search_text !~ word_start
          LIMIT max_rows - n;
      END IF;
      RETURN;
    END IF;
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
