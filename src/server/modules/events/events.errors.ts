// Failures of events, RSVPs and check-in, with their HTTP status.
export const eventsErrors = {
  /** The end is before the start, or the dates are not ISO 8601 instants. */
  EVENT_DATES_INVALID: 400,
  /** An online event needs its link (https), other events a place or an address. */
  EVENT_PLACE_MISSING: 400,
  /** The zone is not one of the campaign's (or not in the referent's zones). */
  EVENT_ZONE_INVALID: 400,
  /** RSVPs are taken on published events that have not ended. */
  EVENT_CLOSED: 409,
  /** Only a proposed event can be approved or rejected. */
  EVENT_NOT_PROPOSED: 409,
  /** A check-in token that is forged, for another event, or of an RSVP that was cancelled. */
  EVENT_TICKET_INVALID: 400,
  /** An RSVP needs an e-mail address (the person record is found or made by it). */
  EVENT_EMAIL_INVALID: 400,
} as const;
