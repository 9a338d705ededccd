// Failures of A/B tests of mailings and their HTTP status.
export const abErrors = {
  /** The mailing has no A/B test. */
  AB_TEST_NOT_FOUND: 404,
  /** A test that cannot run: no variant, a variant twice or changing nothing, a share or wait out of range, a fallback variant that does not exist. */
  AB_TEST_INVALID: 400,
} as const;
