// The caps per receiving domain, on a clock the test moves: a bucket of one second's worth that
// refills at the rate, quotas for the claim (exhausted domains listed), in-flight slots per domain.
import { describe, expect, it } from 'vitest';
import { judge, organisationalDomain, spfValue } from './dns-records.ts';
import { DomainThrottle, domainOf } from './domain-throttle.ts';

describe('DomainThrottle', () => {
  const make = () => {
    let now = 0;
    const throttle = new DomainThrottle(
      { defaults: { connections: 3, ratePerMinute: 600 }, domains: new Map([['gmail.com', { connections: 1, ratePerMinute: 120 }]]) },
      () => now,
    );
    return { throttle, advance: (ms: number) => (now += ms) };
  };

  it('gives a domain one second of its rate at once, then refills at the rate', () => {
    const { throttle, advance } = make();
    expect(throttle.available('gmail.com')).toBe(2);
    throttle.take('gmail.com', 2);
    expect(throttle.available('gmail.com')).toBe(0);
    expect(throttle.msUntilNext(['gmail.com'])).toBe(500);
    advance(499);
    expect(throttle.available('gmail.com')).toBe(0);
    advance(1);
    expect(throttle.available('gmail.com')).toBe(1);
    advance(60_000);
    // Never more than the bucket.
    expect(throttle.available('gmail.com')).toBe(2);
    expect(throttle.available('orange.fr')).toBe(10);
  });

  it('lists the exhausted domains and the quotas of the others for the claim', () => {
    const { throttle } = make();
    throttle.take('gmail.com', 2);
    throttle.take('orange.fr', 4);
    expect(throttle.quotas()).toEqual({ exhausted: ['gmail.com'], domains: ['orange.fr'], quotas: [6], defaultQuota: 10 });
  });

  it('keeps a domain to its connections and wakes a waiter when a slot frees', async () => {
    const { throttle } = make();
    const release = throttle.occupy('gmail.com');
    expect(throttle.hasSlot('gmail.com')).toBe(false);
    expect(throttle.hasSlot('orange.fr')).toBe(true);
    const freed = throttle.slotFreed(['gmail.com']);
    release();
    release();
    await freed;
    expect(throttle.hasSlot('gmail.com')).toBe(true);
  });

  it('reads the domain of an address in lower case', () => {
    expect(domainOf('Jean.Dupont@Orange.FR')).toBe('orange.fr');
    expect(domainOf('"a@b"@free.fr')).toBe('free.fr');
  });
});

describe('DNS records', () => {
  const spf = {
    kind: 'spf' as const,
    name: 'rebonds.campagne.fr',
    type: 'TXT' as const,
    value: spfValue({ spf_includes: ['spf.relais.fr'], spf_ips: ['192.0.2.1', '2001:db8::1'] }),
  };

  it('writes the SPF record with its includes and addresses', () => {
    expect(spf.value).toBe('v=spf1 include:spf.relais.fr ip4:192.0.2.1 ip6:2001:db8::1 ~all');
  });

  it('judges SPF: one record holding every mechanism asked for, whatever its order and qualifier on all', () => {
    expect(judge(spf, ['v=spf1 ip6:2001:db8::1 +include:spf.relais.fr ip4:192.0.2.1 -all']).status).toBe('present');
    expect(judge(spf, ['v=spf1 include:spf.relais.fr -all'])).toEqual({ status: 'wrong', problem: 'spf_mechanism_missing' });
    expect(judge(spf, ['v=spf10 x', 'hello'])).toEqual({ status: 'missing', problem: null });
  });

  it('judges DMARC on its policy, at least p=none', () => {
    const dmarc = { kind: 'dmarc' as const, name: '_dmarc.campagne.fr', type: 'TXT' as const, value: 'v=DMARC1; p=none' };
    expect(judge(dmarc, ['v=DMARC1;p=reject;rua=mailto:x@campagne.fr']).status).toBe('present');
    expect(judge(dmarc, ['v=DMARC1; p=maybe'])).toEqual({ status: 'wrong', problem: 'dmarc_policy_invalid' });
  });

  it('aligns on the organisational domain (the last two labels)', () => {
    expect(organisationalDomain('rebonds.Campagne.fr.')).toBe('campagne.fr');
  });
});
