-- A house number's match key ("12 bis" → "12b"), stored in address.match_number and computed for
-- each person geocoded.
CREATE OR REPLACE FUNCTION relais_norm_number(text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ BEGIN
    RETURN regexp_replace(regexp_replace(regexp_replace(regexp_replace(
      lower(public.unaccent('public.unaccent'::regdictionary, $1)), '[^a-z0-9]+', '', 'g'),
      'quater$', 'q'), 'bis$', 'b'), 'ter$', 't');
  END $$;
