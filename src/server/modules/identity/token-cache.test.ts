import { describe, expect, it } from 'vitest';
import { cachedToken, forgetToken, rememberToken } from './token-cache.ts';

const token = { id: 't1', campaign_id: 'c', name: 'n', scopes: [], zone_ids: [], last_used_at: null, expires_at: null };

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
});
