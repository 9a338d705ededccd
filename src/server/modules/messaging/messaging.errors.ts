// Failures of the messaging domain and their HTTP status.
export const messagingErrors = {
  /** No mailing of that id in the campaign (or outside the actor's zones). */
  MAILING_NOT_FOUND: 404,
  /** A merge tag the composer does not know ({{…}} names a field that does not exist). */
  MAILING_MERGE_TAG_UNKNOWN: 400,
  /** The content cannot be rendered (MJML errors, a block of an unknown kind). */
  MAILING_CONTENT_INVALID: 400,
  /** The mailing is not in a state that allows this (editing a sent mailing, sending twice). */
  MAILING_STATE_CONFLICT: 409,
  /** The audience names a segment or list that does not exist. */
  MAILING_AUDIENCE_INVALID: 400,
  /** Sending needs a subject and content. */
  MAILING_INCOMPLETE: 400,
  /** Test sends go to at most 5 valid addresses. */
  MAILING_TEST_RECIPIENTS_INVALID: 400,
  /** The person chosen for a preview does not exist or is outside the actor's zones. */
  MAILING_PREVIEW_PERSON_NOT_FOUND: 404,
  /** A schedule without a time or recurrence, an unknown time zone, too far ahead (schedule.ts). */
  MAILING_SCHEDULE_INVALID: 400,
  /** A one-off schedule whose time has passed. */
  MAILING_SCHEDULE_IN_PAST: 400,
  /** The complaint rate of the last 24 hours paused sending: nothing goes out until someone resumes it. */
  MAILING_SENDING_PAUSED: 409,
} as const;
