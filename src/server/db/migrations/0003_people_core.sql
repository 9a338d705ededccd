-- People core: address matching keys for set-based geocoding, and the people list's sort index.

-- A house number as a match key: "12 bis" / "12bis" / "12 B" → "12b" ("quater" → q, "ter" → t).
CREATE OR REPLACE FUNCTION relais_norm_number(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    lower(relais_unaccent($1)), '[^a-z0-9]+', '', 'g'),
    'quater$', 'q'), 'bis$', 'b'), 'ter$', 't') $$;

-- A street name as a match key: lower-case, no accents, no punctuation, common abbreviations spelled
-- out ("bd" → boulevard, "av" → avenue, "r" → rue, "st" → saint…).
CREATE OR REPLACE FUNCTION relais_norm_street(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT btrim(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
      ' ' || regexp_replace(lower(relais_unaccent($1)), '[^a-z0-9]+', ' ', 'g') || ' ',
      ' (bd|bld|boul|blvd) ', ' boulevard ', 'g'),
      ' (av|ave|aven) ', ' avenue ', 'g'),
      ' r ', ' rue ', 'g'),
      ' pl ', ' place ', 'g'),
      ' (fg|fbg|faub) ', ' faubourg ', 'g'),
      ' st ', ' saint ', 'g'),
      ' ste ', ' sainte ', 'g'),
      ' (imp) ', ' impasse ', 'g'),
      ' (sq) ', ' square ', 'g'),
      ' (all) ', ' allee ', 'g'),
      ' (pas|pass) ', ' passage ', 'g'),
      ' +', ' ', 'g')) $$;

ALTER TABLE address
  ADD COLUMN match_number text GENERATED ALWAYS AS (relais_norm_number(number)) STORED,
  ADD COLUMN match_street text GENERATED ALWAYS AS (relais_norm_street(street)) STORED;
CREATE INDEX address_match_idx ON address (campaign_id, match_street, match_number);

-- People without coordinates but with an address: what geocodeAndLocate('pending') looks at.
CREATE INDEX person_pending_geocode_idx ON person (campaign_id) WHERE lon IS NULL AND street_address <> '';
-- Duplicate detection by phone within the alternative numbers.
CREATE INDEX person_emails_idx ON person USING gin (emails);
CREATE INDEX person_merged_into_idx ON person (campaign_id, merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX person_phones_idx ON person USING gin (phones);
-- Similar names at the same address (duplicates).
CREATE INDEX person_address_idx ON person (campaign_id, address_id) WHERE address_id IS NOT NULL;

-- Search as you type. Under row-level security PostgreSQL will not use an index for a condition
-- whose operator is not LEAKPROOF (LIKE, pg_trgm's <%), so a search through the policy always
-- scans the table. This function runs as the tables' owner (no RLS), names the tenant itself
-- (the transaction's relais.campaign_id, as the policy does) and returns only matching ids, so
-- the trigram index serves the search; the caller applies every other condition (referent zones…).
-- Matches: the term as a substring, or (names) by trigram word similarity above
-- pg_trgm.word_similarity_threshold, or the E.164 form of a phone typed the national way.
CREATE OR REPLACE FUNCTION relais_person_search(search_q text, search_phone text DEFAULT NULL)
  RETURNS SETOF uuid LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
    SELECT p.id FROM person p
    WHERE p.campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid
      AND (p.search_text LIKE '%' || replace(replace(replace(lower(relais_unaccent(search_q)), '\', '\\'), '%', '\%'), '_', '\_') || '%'
        -- Typo tolerance for names only: an e-mail or a number is matched as typed (else every
        -- address at the same domain would look alike).
        OR (search_q !~ '[@0-9]' AND lower(relais_unaccent(search_q)) <% p.search_text)
        OR (search_phone IS NOT NULL AND p.search_text LIKE '%' || search_phone || '%'))
  $$;
