// Failures of public votes, with their HTTP status.
export const votesErrors = {
  /** Another vote of the campaign has this slug. */
  VOTE_SLUG_TAKEN: 409,
  /** The step does not apply in the vote's state (change an open vote, open a closed one…). */
  VOTE_STATE: 409,
  /** An option's image is neither an http(s) URL nor a path of the site. */
  VOTE_IMAGE_INVALID: 400,
  /** closes_at is not an instant. */
  VOTE_DATE_INVALID: 400,
  /** The ballot's address is not an e-mail address. */
  VOTE_EMAIL_INVALID: 400,
  /** The chosen option is not one of the vote's. */
  VOTE_OPTION_UNKNOWN: 400,
  /** Voiding ballots needs ids, an IP range or an e-mail domain. */
  VOTE_VOID_CRITERIA: 400,
} as const;
