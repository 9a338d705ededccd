-- OSDI (issue 13): the identifiers other systems give a person, a tag or a list (`foreign_system:1`)
-- and the system it came from (`origin_system`), stored as sent and matched on by the signup helper;
-- tags and lists get the modified time OSDI documents carry (their taggings and items use the
-- membership's own time, which never changes).
ALTER TABLE person ADD COLUMN identifiers text[] NOT NULL DEFAULT '{}';
ALTER TABLE person ADD COLUMN origin_system text NOT NULL DEFAULT '' CHECK (length(origin_system) <= 200);
ALTER TABLE tag ADD COLUMN identifiers text[] NOT NULL DEFAULT '{}';
ALTER TABLE tag ADD COLUMN origin_system text NOT NULL DEFAULT '' CHECK (length(origin_system) <= 200);
ALTER TABLE tag ADD COLUMN modified_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE list ADD COLUMN identifiers text[] NOT NULL DEFAULT '{}';
ALTER TABLE list ADD COLUMN origin_system text NOT NULL DEFAULT '' CHECK (length(origin_system) <= 200);
ALTER TABLE list ADD COLUMN modified_at timestamptz NOT NULL DEFAULT now();
UPDATE tag SET modified_at = created_at;
UPDATE list SET modified_at = created_at;
-- Matching a write by one of its identifiers reads this index through an owner-rights function
-- (relais_person_by_identifier), as `&&` is not LEAKPROOF under row-level security.
CREATE INDEX person_identifiers_idx ON person USING gin (identifiers) WHERE cardinality(identifiers) > 0;
