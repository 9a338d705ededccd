-- Recomputes the consent cache of the given people (person.consent_email…, and the e-mail topics
-- withdrawn) from the consent ledger. Entries without a topic are about the channel; entries with
-- one (migration 0033) only about that topic of the e-mail channel.
CREATE OR REPLACE FUNCTION relais_recompute_consents(p_campaign uuid, p_people uuid[]) RETURNS void
  LANGUAGE sql AS $$
  UPDATE person p SET
    consent_email = coalesce(c.email, false), consent_sms = coalesce(c.sms, false),
    consent_phone = coalesce(c.phone, false), consent_post = coalesce(c.post, false),
    last_consent_at = c.last_given, email_topics_withdrawn = c.topics_withdrawn
  FROM (
    SELECT q.id,
      bool_or(l.status = 'given') FILTER (WHERE l.channel = 'email' AND l.topic IS NULL AND l.rn = 1) AS email,
      bool_or(l.status = 'given') FILTER (WHERE l.channel = 'sms' AND l.rn = 1) AS sms,
      bool_or(l.status = 'given') FILTER (WHERE l.channel = 'phone' AND l.rn = 1) AS phone,
      bool_or(l.status = 'given') FILTER (WHERE l.channel = 'post' AND l.rn = 1) AS post,
      -- The latest consent still in force (given, and not withdrawn since on that channel).
      max(l.at) FILTER (WHERE l.status = 'given' AND l.topic IS NULL AND l.rn = 1) AS last_given,
      coalesce(array_agg(l.topic ORDER BY l.topic) FILTER (WHERE l.topic IS NOT NULL AND l.status = 'withdrawn' AND l.rn = 1),
        '{}') AS topics_withdrawn
    FROM unnest(p_people) AS q(id)
    LEFT JOIN (
      -- Joined to the ids (not "= ANY"), so each person is an index lookup even without statistics.
      SELECT c.person_id, c.channel, c.topic, c.status, c.at,
        row_number() OVER (PARTITION BY c.person_id, c.channel, c.topic ORDER BY c.at DESC, c.id DESC) AS rn
      FROM unnest(p_people) AS w(id)
      JOIN consent c ON c.campaign_id = p_campaign AND c.person_id = w.id
    ) l ON l.person_id = q.id
    GROUP BY q.id
  ) c
  WHERE p.campaign_id = p_campaign AND p.id = c.id
    AND (p.consent_email, p.consent_sms, p.consent_phone, p.consent_post, p.last_consent_at, p.email_topics_withdrawn)
      IS DISTINCT FROM (coalesce(c.email, false), coalesce(c.sms, false), coalesce(c.phone, false), coalesce(c.post, false),
        c.last_given, c.topics_withdrawn)
$$;
