// Failures of the election calendar and of the electoral silence, with their HTTP status.
export const calendarErrors = {
  /** A day that does not exist (2027-02-30) or outside the years a calendar may hold. */
  CALENDAR_DATE_INVALID: 400,
  /** A poll closing time that is not hh:mm on a 24-hour clock. */
  CALENDAR_TIME_INVALID: 400,
  /** A time zone name the server does not know (IANA names: Europe/Paris). */
  CALENDAR_TIME_ZONE_UNKNOWN: 400,
  /** `at` of the silence check is not an ISO 8601 instant that exists. */
  CALENDAR_INSTANT_INVALID: 400,
  /** Rounds are added to the campaign's election: set it first (PUT /calendar). */
  CALENDAR_ELECTION_MISSING: 409,
  /** Another round of the election is on the same day. */
  CALENDAR_ROUND_DUPLICATE: 409,
  /** The round's silence (from the eve at 00:00 to the polls' closing) overlaps another round's. */
  CALENDAR_ROUND_OVERLAP: 409,
  /** An election holds at most MAX_ROUNDS rounds. */
  CALENDAR_TOO_MANY_ROUNDS: 409,
  /**
   * Code électoral L.49: nothing goes out from 00:00 on the eve of a round until the polls close.
   * The problem carries `round_id`, `round_date`, `time_zone`, `silence_from` and `silence_until`.
   */
  ELECTORAL_SILENCE: 409,
} as const;
