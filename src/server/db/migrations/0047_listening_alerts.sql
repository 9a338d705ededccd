-- Listening (issue 19, continued): the numbers a spike alert is texted to, and the inbox's indexes.

-- The staff's numbers a spike alert goes to by SMS as well as by e-mail (E.164; none: e-mail only).
-- Staff accounts have no phone of their own: the campaign's admin names the numbers here.
ALTER TABLE listening_state ADD COLUMN alert_phones text[] NOT NULL DEFAULT '{}';
-- When the last spike's SMS went out, and to how many numbers (once per spike, never each pass).
ALTER TABLE listening_state ADD COLUMN last_sms_alert_at timestamptz;
