-- Secondary e-mails, indexed for the matching of every person write (people/matching.ts): read
-- through relais_person_by_secondary_email() (db/functions/), since under row-level security `&&`
-- (not LEAKPROOF) cannot use an index. Partial: most people have no secondary e-mail, and their
-- inserts then never touch it.
CREATE INDEX person_emails_idx ON person USING gin (emails) WHERE cardinality(emails) > 0;
