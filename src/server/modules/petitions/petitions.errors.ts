// Failures of the petitions domain and their HTTP status.
export const petitionsErrors = {
  /** Another petition of the campaign has this slug (its public address). */
  PETITION_SLUG_TAKEN: 409,
  /** A referent writing a petition outside their arrondissements (or a campaign-wide one). */
  PETITION_OUT_OF_SCOPE: 403,
  /** A signature for a petition that is not open (draft or closed). */
  PETITION_NOT_OPEN: 409,
  /** A signature without a usable e-mail address. */
  SIGNATURE_EMAIL_INVALID: 422,
  /** Voiding signatures with a filter that names none of them (or no filter at all). */
  VOID_FILTER_EMPTY: 400,
} as const;
