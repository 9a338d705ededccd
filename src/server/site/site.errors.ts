// Failures of the public site's editing (pages, news, running mates, images) and their HTTP status.
export const siteErrors = {
  /** A referent (or a token limited to zones) writing content outside their arrondissements, or campaign-wide content. */
  SITE_OUT_OF_ZONE: 403,
  /** The slug is already taken by another page or news item of the campaign. */
  SITE_SLUG_TAKEN: 409,
  /** A second home page, or a second page for one arrondissement. */
  SITE_PAGE_EXISTS: 409,
  /** The zone, running mate or image named does not exist in the campaign. */
  SITE_REFERENCE_UNKNOWN: 400,
  /** An image that is not PNG, JPEG, WebP or GIF, or larger than allowed. */
  SITE_IMAGE_INVALID: 400,
} as const;
