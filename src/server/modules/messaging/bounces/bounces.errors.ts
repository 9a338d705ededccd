// Failures of the provider event webhooks (bounces and complaints) and their HTTP status.
export const bouncesErrors = {
  /** The deployment has no key for this provider (MAILGUN_WEBHOOK_SIGNING_KEY, SENDGRID_WEBHOOK_PUBLIC_KEY). */
  MAIL_WEBHOOK_NOT_CONFIGURED: 404,
  /** No signature (Mailgun's `signature` object, SendGrid's two headers). */
  MAIL_WEBHOOK_SIGNATURE_MISSING: 401,
  /** The signature does not verify with the configured key. */
  MAIL_WEBHOOK_SIGNATURE_INVALID: 403,
  /** A Mailgun timestamp outside the accepted window (15 minutes either way). */
  MAIL_WEBHOOK_STALE: 403,
  /** A Mailgun signature token already used with another event. */
  MAIL_WEBHOOK_REPLAYED: 403,
  /** A body that is not the provider's JSON (an object with `event-data`; an array of events). */
  MAIL_WEBHOOK_PAYLOAD_INVALID: 400,
} as const;
