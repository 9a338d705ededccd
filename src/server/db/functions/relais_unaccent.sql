-- Lower-level normaliser: unaccent() with its dictionary named, IMMUTABLE so that indexes and
-- generated columns may use it. PL/pgSQL rather than SQL: an IMMUTABLE SQL function calling the STABLE
-- unaccent() is never inlined, and the SQL-function executor cost most of an insert (migration 0013).
CREATE OR REPLACE FUNCTION relais_unaccent(text) RETURNS text
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ BEGIN RETURN public.unaccent('public.unaccent'::regdictionary, $1); END $$;
