-- Events (issue 17, point 4): pop-ups, meetings, door-to-door sessions, hackathons and online
-- events, with RSVPs on person records, capacity and waitlist, check-in at the door.

CREATE TABLE event (
  campaign_id uuid NOT NULL,
  id uuid NOT NULL,
  type text NOT NULL CHECK (type IN ('popup', 'meeting', 'canvass', 'hackathon', 'online')),
  -- proposed (by a volunteer, waiting for approval), published, rejected, cancelled.
  status text NOT NULL DEFAULT 'published' CHECK (status IN ('proposed', 'published', 'rejected', 'cancelled')),
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL,
  time_zone text NOT NULL DEFAULT 'Europe/Paris',
  venue text NOT NULL DEFAULT '',
  address text NOT NULL DEFAULT '',
  latitude double precision,
  longitude double precision,
  online_url text,
  zone_id uuid,
  -- null: no limit.
  capacity integer CHECK (capacity IS NULL OR capacity > 0),
  -- RFC 5545 SEQUENCE: raised at every change people are told about.
  sequence integer NOT NULL DEFAULT 0,
  proposed_by_person_id uuid,
  created_by_label text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  CHECK (end_at >= start_at)
);
CREATE INDEX event_start ON event (campaign_id, start_at);

ALTER TABLE event ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON event
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);

CREATE TABLE event_rsvp (
  campaign_id uuid NOT NULL,
  id uuid NOT NULL,
  event_id uuid NOT NULL,
  person_id uuid NOT NULL,
  -- going (a seat), waitlisted (in line, by created_at), cancelled.
  status text NOT NULL CHECK (status IN ('going', 'waitlisted', 'cancelled')),
  guests integer NOT NULL DEFAULT 0 CHECK (guests >= 0 AND guests <= 5),
  attended_at timestamptz,
  checked_in_by text,
  source text NOT NULL DEFAULT 'site',
  waitlisted_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (campaign_id, id),
  UNIQUE (campaign_id, event_id, person_id),
  FOREIGN KEY (campaign_id, event_id) REFERENCES event (campaign_id, id) ON DELETE CASCADE,
  FOREIGN KEY (campaign_id, person_id) REFERENCES person (campaign_id, id) ON DELETE CASCADE
);
CREATE INDEX event_rsvp_event ON event_rsvp (campaign_id, event_id, status, created_at);

ALTER TABLE event_rsvp ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON event_rsvp
  USING (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid)
  WITH CHECK (campaign_id = nullif(current_setting('relais.campaign_id', true), '')::uuid);
