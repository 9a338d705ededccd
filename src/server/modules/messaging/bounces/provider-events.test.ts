// The providers' events as the bounce rules read them.
import { describe, expect, it } from 'vitest';
import { mailgunReport, sendgridReport } from './provider-events.ts';

describe('mailgunReport', () => {
  const base = {
    id: 'G9Bn5sl1TC6nu79C8C0bwg',
    timestamp: 1_796_630_000.5,
    recipient: 'alice@example.com',
    message: { headers: { 'message-id': '20261207.abc@relais.test' } },
  };
  it.each([
    [{ event: 'delivered' }, 'delivered'],
    [{ event: 'complained' }, 'complaint'],
    [{ event: 'failed', severity: 'temporary', reason: 'generic', 'delivery-status': { code: 421 } }, 'delayed'],
    [
      { event: 'failed', severity: 'permanent', reason: 'bounce', 'delivery-status': { code: 550, message: '5.1.1 user unknown' } },
      'hard_bounce',
    ],
    [
      { event: 'failed', severity: 'permanent', reason: 'bounce', 'delivery-status': { code: 552, message: 'mailbox full' } },
      'soft_bounce',
    ],
    [{ event: 'failed', severity: 'permanent', reason: 'old', 'delivery-status': { code: 421 } }, 'soft_bounce'],
    [{ event: 'failed', severity: 'permanent', reason: 'suppress-bounce' }, 'hard_bounce'],
  ])('%o → %s', (event, kind) => {
    expect(mailgunReport({ ...base, ...event })).toMatchObject({
      source: 'mailgun',
      sourceEventId: base.id,
      kind,
      email: 'alice@example.com',
      messageId: '20261207.abc@relais.test',
      occurredAt: new Date(1_796_630_000_500),
      trustAddressAlone: true,
    });
  });

  it('leaves out opens, clicks, its own suppressions and what is not an event', () => {
    expect(mailgunReport({ ...base, event: 'opened' })).toBeNull();
    expect(mailgunReport({ ...base, event: 'failed', severity: 'permanent', reason: 'suppress-unsubscribe' })).toBeNull();
    expect(mailgunReport({ event: 'delivered' })).toBeNull();
    expect(mailgunReport('delivered')).toBeNull();
  });
});

describe('sendgridReport', () => {
  const base = { email: 'bob@example.com', timestamp: 1_796_630_000, 'smtp-id': '<m-1@relais.test>', sg_event_id: 'ZWVlZA==' };
  it.each([
    [{ event: 'delivered', response: '250 OK' }, 'delivered'],
    [{ event: 'deferred', response: '400 try again later', attempt: '5' }, 'delayed'],
    [{ event: 'bounce', type: 'bounce', status: '5.1.1', reason: '550 5.1.1 unknown' }, 'hard_bounce'],
    [{ event: 'bounce', type: 'bounce', status: '4.2.2', reason: '452 over quota' }, 'soft_bounce'],
    [{ event: 'bounce', type: 'blocked', status: '5.7.1', reason: '554 blocked for reputation' }, 'soft_bounce'],
    [{ event: 'spamreport' }, 'complaint'],
  ])('%o → %s', (event, kind) => {
    expect(sendgridReport({ ...base, ...event })).toMatchObject({
      source: 'sendgrid',
      sourceEventId: base.sg_event_id,
      kind,
      email: 'bob@example.com',
      messageId: '<m-1@relais.test>',
      occurredAt: new Date(1_796_630_000_000),
    });
  });

  it('leaves out opens, clicks, drops and events without an id', () => {
    expect(sendgridReport({ ...base, event: 'open' })).toBeNull();
    expect(sendgridReport({ ...base, event: 'dropped', reason: 'Bounced Address' })).toBeNull();
    expect(sendgridReport({ email: 'x@y.z', event: 'bounce' })).toBeNull();
  });
});
