-- The people holding any of the given OSDI identifiers (`foreign_system:1`; people/osdi-input.ts):
-- an owner-rights function applying the tenant condition of the policy itself, so that the GIN
-- index on person.identifiers can be used (`&&` is not LEAKPROOF under RLS). Only people of the
-- transaction's campaign, and only if it is the campaign asked for.
CREATE OR REPLACE FUNCTION relais_person_by_identifier(campaign uuid, wanted text[])
  RETURNS TABLE (id uuid, merged_into uuid, created_at timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
  AS $$
  SELECT p.id, p.merged_into, p.created_at
    FROM person p
    WHERE p.campaign_id = campaign
      AND p.campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid
      AND cardinality(p.identifiers) > 0 AND p.identifiers && wanted
$$;
