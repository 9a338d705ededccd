import { describe, expect, it } from 'vitest';
import { createTokenCache } from './token-cache.ts';

const token = {
  id: 't1',
  campaign_id: 'c',
  name: 'n',
  scopes: [],
  zone_ids: [],
  last_used_at: null,
  expires_at: null,
  rate_limit_per_minute: null,
  created_by: 'u1',
  creator_role: 'owner' as const,
  creator_zone_ids: [],
};

describe('token cache', () => {
  it('answers for ten seconds, then asks the database again', () => {
    const cache = createTokenCache();
    cache.remember('h1', token, cache.generation, 1_000);
    expect(cache.get('h1', 1_000 + 9_999)).toBe(token);
    expect(cache.get('h1', 1_000 + 10_001)).toBeUndefined();
  });

  it('forgets a revoked token at once', () => {
    const cache = createTokenCache();
    cache.remember('h2', { ...token, id: 't2' }, cache.generation);
    cache.forget({ tokenId: 't2' });
    expect(cache.get('h2')).toBeUndefined();
  });

  it('does not keep what a lookup read before a change it overlapped', () => {
    const cache = createTokenCache();
    const started = cache.generation;
    cache.forget({ tokenId: 't9' });
    cache.remember('h9', { ...token, id: 't9' }, started);
    expect(cache.get('h9')).toBeUndefined();
    cache.remember('h9', { ...token, id: 't9' }, cache.generation);
    expect(cache.get('h9')).toBeDefined();
    cache.clear();
    expect(cache.get('h9')).toBeUndefined();
  });

  it('never answers for a token past its expiry', () => {
    const cache = createTokenCache();
    const now = Date.now();
    cache.remember('h3', { ...token, id: 't3', expires_at: new Date(now + 1_000) }, cache.generation, now);
    expect(cache.get('h3', now + 500)).toBeDefined();
    expect(cache.get('h3', now + 1_500)).toBeUndefined();
  });

  it("forgets a creator's tokens at once when their membership goes, in that campaign only", () => {
    const cache = createTokenCache();
    const now = Date.now();
    cache.remember('h4', { ...token, id: 't4', created_by: 'u4', campaign_id: 'c1' }, cache.generation, now);
    cache.remember('h5', { ...token, id: 't5', created_by: 'u4', campaign_id: 'c2' }, cache.generation, now);
    cache.remember('h6', { ...token, id: 't6', created_by: 'u6', campaign_id: 'c1' }, cache.generation, now);
    cache.forget({ userId: 'u4', campaignId: 'c1' });
    expect(cache.get('h4', now)).toBeUndefined();
    expect(cache.get('h5', now)).toBeDefined();
    expect(cache.get('h6', now)).toBeDefined();
    cache.forget({ userId: 'u4', campaignId: null });
    expect(cache.get('h5', now)).toBeUndefined();
  });

  it('never keeps an entry past ten seconds, however often it is read', () => {
    const cache = createTokenCache();
    cache.remember('h7', { ...token, id: 't7' }, cache.generation, 0);
    for (let at = 0; at <= 10_000; at += 1_000) expect(cache.get('h7', at)).toBeDefined();
    expect(cache.get('h7', 10_001)).toBeUndefined();
  });
});
