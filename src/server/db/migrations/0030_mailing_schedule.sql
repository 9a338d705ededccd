-- Mailing schedules (issue 15, item 3): a mailing sent at a given time, or a weekly series (the
-- Monday newsletter) read on the clocks of its time zone. A series is its model mailing (status
-- 'scheduled', never sent itself, scheduled_at = its next occurrence); each occurrence is a copy of
-- the model (its own recipients and report) that names the model in series_id. A send the electoral
-- silence holds back says so in held_until / held_reason and goes out when the silence ends.
ALTER TABLE mailing
  -- The clocks a schedule is read on (the campaign's: Paris unless told otherwise).
  ADD COLUMN time_zone text NOT NULL DEFAULT 'Europe/Paris' CHECK (char_length(time_zone) BETWEEN 1 AND 64),
  -- A weekly series: ISO day of the week (1 = Monday … 7 = Sunday) and wall-clock time (hh:mm).
  ADD COLUMN recurrence_weekday smallint CHECK (recurrence_weekday BETWEEN 1 AND 7),
  ADD COLUMN recurrence_time text CHECK (recurrence_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  -- The staff member who scheduled it: each occurrence is sent within their role and zones of the day.
  ADD COLUMN scheduled_by uuid,
  -- An occurrence: its series' model and the instant it stands for (one copy per instant).
  ADD COLUMN series_id uuid,
  ADD COLUMN occurrence_at timestamptz,
  -- Held back by the electoral silence until this instant (then it goes out by itself).
  ADD COLUMN held_until timestamptz,
  ADD COLUMN held_reason text CHECK (held_reason IN ('electoral_silence')),
  ADD CONSTRAINT mailing_recurrence_whole CHECK ((recurrence_weekday IS NULL) = (recurrence_time IS NULL)),
  ADD CONSTRAINT mailing_held_whole CHECK ((held_until IS NULL) = (held_reason IS NULL)),
  ADD CONSTRAINT mailing_occurrence_whole CHECK ((series_id IS NULL) = (occurrence_at IS NULL)),
  ADD CONSTRAINT mailing_series_fk FOREIGN KEY (campaign_id, series_id) REFERENCES mailing (campaign_id, id),
  -- A job run twice for the same instant makes one occurrence.
  ADD CONSTRAINT mailing_occurrence_key UNIQUE (campaign_id, series_id, occurrence_at);
