// Failures of the canvassing domain and their HTTP status.
export const canvassErrors = {
  /** A contact captured at the door without the consent box ticked, or without the text shown. */
  CANVASS_CONSENT_REQUIRED: 400,
  /** A contact with neither an e-mail nor a phone number to reach the person by. */
  CANVASS_CONTACT_UNREACHABLE: 400,
  /** An A/B test of scripts needs two different scripts and at least two turfs. */
  CANVASS_SCRIPT_TEST_INVALID: 400,
  /** A turf is already in another script test. */
  CANVASS_TURF_IN_TEST: 409,
} as const;
