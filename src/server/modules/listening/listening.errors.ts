// Failures of the listening domain and their HTTP status.
export const listeningErrors = {
  /** LISTENING_SECRET_KEY is not set: no credentials can be sealed, so no account can be connected. */
  LISTENING_KEY_MISSING: 409,
  /** The network refused the credentials (or could not be reached) when connecting an account. */
  LISTENING_ACCOUNT_REFUSED: 400,
  /** A feed or server URL that is not http(s), carries credentials, does not resolve or reaches a private address. */
  LISTENING_URL_FORBIDDEN: 400,
  /** A watch with no phrase, word, hashtag or mention. */
  LISTENING_QUERY_EMPTY: 400,
  /** A Mastodon or Bluesky watch without a connected account of that network, or an RSS watch without a feed. */
  LISTENING_WATCH_SOURCE_INVALID: 400,
  /** A publication on the candidate's own account that she has not approved. */
  LISTENING_APPROVAL_REQUIRED: 403,
  /** The draft is not in a state allowing this (approve a published draft, publish a refused one…). */
  LISTENING_DRAFT_STATE: 409,
  /** A WebSub delivery to a callback no subscription has (any more): the hub should stop (WebSub §7). */
  LISTENING_WEBSUB_GONE: 410,
} as const;
