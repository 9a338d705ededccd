// Who is in an A/B test's share, and which variant they get: a keyed hash (HMAC-SHA256 with the
// test's own key) of each person's id. The same key and audience give the same assignment on every
// run and every machine; no one can predict or steer it without the key. People are ranked by the
// hash's first 48 bits and the share is the first ones (exactly the percentage, rounded, or the
// count); a person's variant comes from the next 48 bits alone, so it does not depend on who else is
// in the audience. Pure: no I/O.
import { createHmac, randomBytes } from 'node:crypto';
import type { MailingVariantKey } from '../../../db/schema.ts';

export type TestShare = { percent: number } | { count: number };

/** A new assignment key (hex, 32 random octets). */
export function newAssignmentKey(): string {
  return randomBytes(32).toString('hex');
}

/** The hash of a person: their rank among the audience, and a draw in [0, 1) for their variant. */
export function hashOf(key: string, personId: string): { rank: number; draw: number } {
  const digest = createHmac('sha256', Buffer.from(key, 'hex')).update(personId).digest();
  return { rank: digest.readUIntBE(0, 6), draw: digest.readUIntBE(6, 6) / 2 ** 48 };
}

/** How many of `audience` people the share takes. */
export function shareSize(share: TestShare, audience: number): number {
  if ('count' in share) return Math.max(0, Math.min(audience, Math.floor(share.count)));
  return Math.max(0, Math.min(audience, Math.round((audience * share.percent) / 100)));
}

/** The variant of each person of the test share, and null for the rest of the audience. */
export function assignTest(
  key: string,
  personIds: readonly string[],
  options: { share: TestShare; variants: readonly MailingVariantKey[] },
): Map<string, MailingVariantKey | null> {
  if (options.variants.length === 0) throw new Error('an A/B test needs variants');
  const hashed = personIds.map((id) => ({ id, ...hashOf(key, id) }));
  hashed.sort((x, y) => x.rank - y.rank || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const size = shareSize(options.share, hashed.length);
  const k = options.variants.length;
  const result = new Map<string, MailingVariantKey | null>();
  hashed.forEach((p, i) => {
    result.set(p.id, i < size ? (options.variants[Math.floor(p.draw * k)] as MailingVariantKey) : null);
  });
  return result;
}
