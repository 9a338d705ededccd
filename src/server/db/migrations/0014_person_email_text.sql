-- person.email becomes text, stored lower-case, instead of citext. Every writer already lower-cases
-- it (normalizeEmail, the import's normaliseEmail, the demo), so citext's case-insensitivity only
-- cost: its comparison lower-cases both sides at every step of the unique (campaign_id, email)
-- index. Inserting a million people into that index took 28 to 32 s with citext and 6.5 s with text
-- (PostgreSQL 15, a million distinct e-mail addresses in random order). Case-insensitive uniqueness
-- now rests on the stored value being lower-case: the check below holds it for ASCII letters (in
-- the "C" collation lower() changes nothing else, so a value JavaScript lower-cased always passes).
-- Staff accounts (staff_user.email) keep citext: few rows, looked up by what people type.

-- The generated search text reads email: PostgreSQL will not change the type of a column that a
-- generated column reads, so the search text (and its trigram index) is dropped and made again.
ALTER TABLE person DROP COLUMN search_text;
ALTER TABLE person ALTER COLUMN email TYPE text USING lower(email::text);
ALTER TABLE person ADD CONSTRAINT person_email_lower CHECK (email = lower(email COLLATE "C"));
ALTER TABLE person ADD COLUMN search_text text GENERATED ALWAYS AS
  (relais_person_search_text(given_name, family_name, email, phone, emails, phones)) STORED;
CREATE INDEX person_search_trgm_idx ON person USING gin (search_text gin_trgm_ops);
