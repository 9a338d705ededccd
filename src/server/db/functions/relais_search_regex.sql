-- The regular expression of a search term's words as whole words (`whole`) or as the starts of words,
-- in order with anything between them: "roy" as a whole word matches "Roy" and "agathe.roy.12@…"
-- but not "Leroy" or "Royer"; as a word start it also matches "Royer". Used by the search
-- (relais_person_search: whole words, then word starts, then the rest, ranked before the cap) and by
-- the list's relevance order (people/people.repo.ts), so both rank alike. The term is matched as the
-- index stores text (lower-case, unaccented). A word's own regex characters are escaped; a word
-- boundary is asked for only where the word begins or ends with a letter or digit ("+336…", "@exa").
CREATE OR REPLACE FUNCTION relais_search_regex(search_q text, whole boolean)
  RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
DECLARE
  result text;
BEGIN
  SELECT string_agg(
      CASE WHEN w ~ '^\w' THEN '\m' ELSE '' END
        || regexp_replace(w, '([.^$|?*+()\[\]{}\\])', '\\\1', 'g')
        || CASE WHEN whole AND w ~ '\w$' THEN '\M' ELSE '' END,
      '.*' ORDER BY i)
    INTO result
    FROM unnest(regexp_split_to_array(btrim(lower(relais_unaccent(search_q))), '\s+')) WITH ORDINALITY AS u(w, i)
    WHERE w <> '';
  RETURN coalesce(result, '');
END $$;
