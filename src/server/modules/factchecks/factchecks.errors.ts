// Failures of fact checks, with their HTTP status.
export const factchecksErrors = {
  /** The verdict code is not on the campaign's scale. */
  FACTCHECK_VERDICT_UNKNOWN: 400,
  /** A day that does not exist (2027-02-30), or not yyyy-mm-dd. */
  FACTCHECK_DATE_INVALID: 400,
  /** A link that is not an http(s) URL. */
  FACTCHECK_URL_INVALID: 400,
  /** Another fact check of the campaign has this slug. */
  FACTCHECK_SLUG_TAKEN: 409,
  /** The scale is replaced whole: codes repeat, or a verdict in use by a fact check is missing. */
  FACTCHECK_SCALE_INVALID: 409,
  /** The step does not apply in the fact check's state (publish a draft not submitted, edit a published one…). */
  FACTCHECK_STATE: 409,
  /** Publishing needs a reviewer other than the author (or the right to publish one's own checks). */
  FACTCHECK_REVIEW_REQUIRED: 403,
} as const;
