-- API tokens per application (issue 13): a token belongs to an application (its name, as the
-- developer calls it), carries a description and may have its own rate limit (requests a minute;
-- NULL = the deployment's API_TOKEN_RATE_LIMIT). Its owner is its creator (created_by).
ALTER TABLE api_token ADD COLUMN application text NOT NULL DEFAULT '';
ALTER TABLE api_token ADD COLUMN description text NOT NULL DEFAULT '';
ALTER TABLE api_token ADD COLUMN rate_limit_per_minute integer
  CHECK (rate_limit_per_minute BETWEEN 1 AND 100000);
-- Tokens made before have no application: each is its own, under its name.
UPDATE api_token SET application = name WHERE application = '';

-- Scopes are per resource and action now (`people:read`, `tags:write`…), declared by the modules'
-- manifests. A token made before keeps what it could reach: each old scope (a permission's name)
-- becomes every scope that stands for that permission, as the manifests declared them when this
-- migration was written. A scope already in the new form is kept as it is.
UPDATE api_token t SET scopes = mapped.scopes
FROM (
  SELECT t2.campaign_id, t2.id, coalesce(array_agg(DISTINCT n ORDER BY n), '{}') AS scopes
  FROM api_token t2
  CROSS JOIN LATERAL unnest(t2.scopes) AS o(old)
  CROSS JOIN LATERAL unnest(CASE o.old
    WHEN 'people.read' THEN ARRAY['people:read', 'tags:read', 'lists:read', 'custom_fields:read', 'ladder:read', 'segments:read']
    WHEN 'people.write' THEN ARRAY['people:write', 'tags:write', 'lists:write', 'segments:write', 'imports:write']
    WHEN 'people.export' THEN ARRAY['people:export']
    WHEN 'dashboard.read' THEN ARRAY['dashboard:read']
    WHEN 'zones.read' THEN ARRAY['zones:read']
    WHEN 'jobs.read' THEN ARRAY['jobs:read']
    WHEN 'jobs.write' THEN ARRAY['jobs:write']
    WHEN 'audit.read' THEN ARRAY['audit:read']
    ELSE ARRAY[o.old]
  END) AS m(n)
  GROUP BY t2.campaign_id, t2.id
) mapped
WHERE mapped.campaign_id = t.campaign_id AND mapped.id = t.id;
