// Failures of the webhooks domain and their HTTP status.
export const webhooksErrors = {
  /** The URL is not http(s), carries credentials, does not resolve, or reaches a private address. */
  WEBHOOK_URL_FORBIDDEN: 400,
  /** An event type that is not in the catalogue (GET /webhooks/event_types). */
  WEBHOOK_EVENT_TYPE_UNKNOWN: 400,
  /** Replay of a delivery still pending (it will be tried again on its own). */
  WEBHOOK_DELIVERY_PENDING: 409,
} as const;
