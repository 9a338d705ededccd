// schema.org ClaimReview for a published fact check (https://schema.org/ClaimReview): what search
// engines and fact-check aggregators read. Pure: the page embeds it as JSON-LD.

export interface ClaimReviewInput {
  url: string;
  claim: string;
  claimant: string;
  /** yyyy-mm-dd, when known. */
  claimDate: string | null;
  claimUrl: string | null;
  verdictLabel: string;
  /** 1 (false) to 5 (true). */
  rating: number;
  campaignName: string;
  siteUrl: string;
  publishedAt: Date;
  updatedAt: Date;
  headline: string;
  lang: 'fr' | 'en';
}

/** The ClaimReview object of a fact check. */
export function claimReviewOf(input: ClaimReviewInput): Record<string, unknown> {
  const organization = { '@type': 'Organization', name: input.campaignName, url: input.siteUrl };
  const claim: Record<string, unknown> = {
    '@type': 'Claim',
    author: { '@type': 'Person', name: input.claimant },
    ...(input.claimDate ? { datePublished: input.claimDate } : {}),
    ...(input.claimUrl ? { appearance: { '@type': 'CreativeWork', url: input.claimUrl } } : {}),
  };
  return {
    '@context': 'https://schema.org',
    '@type': 'ClaimReview',
    url: input.url,
    headline: input.headline,
    inLanguage: input.lang,
    claimReviewed: input.claim,
    itemReviewed: claim,
    author: organization,
    datePublished: input.publishedAt.toISOString().slice(0, 10),
    dateModified: input.updatedAt.toISOString(),
    reviewRating: {
      '@type': 'Rating',
      ratingValue: input.rating,
      bestRating: 5,
      worstRating: 1,
      alternateName: input.verdictLabel,
    },
  };
}

/** The JSON-LD script element of an object: `<` escaped so that the text cannot close the script. */
export function jsonLdScript(data: unknown): string {
  const json = JSON.stringify(data).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  return `<script type="application/ld+json">${json}</script>`;
}
