-- A segment count reads every person of the campaign: under row-level security no index can serve
-- the zone (&&) or the tag conditions, so a typical segment (stage + zones + tag + consent) was a
-- parallel scan of the whole table — 430 MB at a million people, ~320 ms. This index holds, for
-- each person, what such a segment asks of the person row: the stage (a key, so a stage condition
-- narrows the scan), the zones, the four cached consents, and whether the person is anonymised or
-- merged (every segment excludes them). A count then reads the index alone (an index-only scan,
-- ~40 % of the table's size) and joins the taggings through their primary key — as long as the
-- table's visibility map is up to date: imports and the demo seed VACUUM after a load, autovacuum
-- does the rest. It replaces person_stage_idx, whose key it starts with.
CREATE INDEX person_segment_idx ON person (campaign_id, ladder_stage)
  INCLUDE (id, zone_ids, consent_email, consent_sms, consent_phone, consent_post, anonymized_at, merged_into);
DROP INDEX IF EXISTS person_stage_idx;
