-- A street name's match key (abbreviations spelled out, accents and punctuation dropped), stored in
-- address.match_street and computed for each person geocoded.
CREATE OR REPLACE FUNCTION relais_norm_street(text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ BEGIN
    RETURN btrim(
      regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
      regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        ' ' || regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, $1)), '[^a-z0-9]+', ' ', 'g') || ' ',
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
        ' +', ' ', 'g'));
  END $$;
