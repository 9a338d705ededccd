-- A UUIDv7 made in SQL, for set-based inserts (a mailing's recipient rows) that cannot take ids from
-- the application row by row: the millisecond clock in the first 48 bits, then random bits with the
-- version (7) and variant set, as lib/ids.ts makes them. PostgreSQL 15 has no uuidv7().
CREATE OR REPLACE FUNCTION relais_uuidv7() RETURNS uuid
  LANGUAGE sql VOLATILE PARALLEL SAFE
  AS $$
    SELECT encode(
      set_bit(set_bit(
        overlay(uuid_send(gen_random_uuid())
          placing substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
          FROM 1 FOR 6),
        52, 1), 53, 1),
      'hex')::uuid
  $$;
