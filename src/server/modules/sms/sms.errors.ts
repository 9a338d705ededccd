// Failures of the SMS domain and their HTTP status.
export const smsErrors = {
  /** The sender is not an alphanumeric ID, a short code or a number, or is a French mobile (refused for bulk SMS). */
  SMS_SENDER_INVALID: 400,
  /** Sending hours that are not HH:MM, an end before the start, or an unknown time zone. */
  SMS_HOURS_INVALID: 400,
  /** The campaign has no sender, sender name or STOP number yet (Paramètres › SMS). */
  SMS_NOT_CONFIGURED: 409,
  /** A provider callback whose X-Twilio-Signature does not verify. */
  SMS_SIGNATURE_INVALID: 403,
  /** A Twilio callback while no Twilio account is configured. */
  SMS_PROVIDER_NOT_CONFIGURED: 404,
} as const;
