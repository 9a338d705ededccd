-- GIN indexes on person arrays that no query can use: every query reaches person through row-level
-- security (role relais_app), and under a policy PostgreSQL only uses an index for a condition
-- whose operator is LEAKPROOF — the array operators && and @> are not (see docs/ARCHITECTURE.md).
-- Zones are filtered while scanning; duplicates unnest the alternative e-mails and phones. Each
-- index cost every insert and update (10 to 20 % of an import's person inserts).
DROP INDEX IF EXISTS person_zone_ids_idx;
DROP INDEX IF EXISTS person_emails_idx;
DROP INDEX IF EXISTS person_phones_idx;
