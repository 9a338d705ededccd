// Failures of the identity domain (accounts, sessions, tokens, memberships) and their HTTP status.
export const identityErrors = {
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_INVALID: 401,
  // The local CLI channel's token (http/local-cli.ts) is wrong, or the caller is not this machine.
  CLI_TOKEN_INVALID: 401,
  ACCOUNT_LOCKED: 423,
  ACCOUNT_DISABLED: 403,
  CSRF_TOKEN_INVALID: 403,
  FORBIDDEN: 403,
  TOKEN_SCOPE_MISSING: 403,
  NO_CAMPAIGN_SELECTED: 409,
  RESET_TOKEN_INVALID: 400,
  WEAK_PASSWORD: 400,
  EMAIL_TAKEN: 409,
  LAST_OWNER: 409,
  ZONE_REQUIRED: 400,
  TOKEN_EXPIRY_IN_PAST: 400,
  CROSS_SITE_REQUEST: 403,
} as const;
