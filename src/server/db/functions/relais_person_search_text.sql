-- person.search_text (generated column): names, e-mails and phones, lower-case and unaccented, that
-- search as you type matches with its trigram index. PL/pgSQL for the same reason as relais_unaccent.
CREATE OR REPLACE FUNCTION relais_person_search_text(given text, family text, email text, phone text, emails text[], phones text[])
  RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$ BEGIN
    RETURN lower(public.unaccent('public.unaccent'::regdictionary, concat_ws(' ', given, family, email, phone,
      array_to_string(emails, ' '), array_to_string(phones, ' '))));
  END $$;
