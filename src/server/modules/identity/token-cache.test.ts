import { describe, expect, it } from 'vitest';
import { cachedToken, forgetToken, forgetTokensOf, rememberToken } from './token-cache.ts';

const token = {
  id: 't1',
  campaign_id: 'c',
  name: 'n',
  scopes: [],
  zone_ids: [],
  last_used_at: null,
  expires_at: null,
  created_by: 'u1',
  creator_role: 'owner' as const,
  creator_zone_ids: [],
};

describe('token cache', () => {
  it('answers for ten seconds, then asks the database again', () => {
    rememberToken('h1', token, 1_000);
    expect(cachedToken('h1', 1_000 + 9_999)).toBe(token);
    expect(cachedToken('h1', 1_000 + 10_001)).toBeUndefined();
  });

  it('forgets a revoked token at once', () => {
    rememberToken('h2', { ...token, id: 't2' }, Date.now());
    forgetToken('t2');
    expect(cachedToken('h2')).toBeUndefined();
  });

  it('never answers for a token past its expiry', () => {
    const now = Date.now();
    rememberToken('h3', { ...token, id: 't3', expires_at: new Date(now + 1_000) }, now);
    expect(cachedToken('h3', now + 500)).toBeDefined();
    expect(cachedToken('h3', now + 1_500)).toBeUndefined();
  });

  it("forgets a creator's tokens at once when their membership goes, in that campaign only", () => {
    const now = Date.now();
    rememberToken('h4', { ...token, id: 't4', created_by: 'u4', campaign_id: 'c1' }, now);
    rememberToken('h5', { ...token, id: 't5', created_by: 'u4', campaign_id: 'c2' }, now);
    rememberToken('h6', { ...token, id: 't6', created_by: 'u6', campaign_id: 'c1' }, now);
    forgetTokensOf('u4', 'c1');
    expect(cachedToken('h4', now)).toBeUndefined();
    expect(cachedToken('h5', now)).toBeDefined();
    expect(cachedToken('h6', now)).toBeDefined();
    forgetTokensOf('u4');
    expect(cachedToken('h5', now)).toBeUndefined();
  });

  it('never keeps an entry past ten seconds, however often it is read', () => {
    rememberToken('h7', { ...token, id: 't7' }, 0);
    for (let at = 0; at <= 10_000; at += 1_000) expect(cachedToken('h7', at)).toBeDefined();
    expect(cachedToken('h7', 10_001)).toBeUndefined();
  });
});
