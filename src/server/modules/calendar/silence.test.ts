// The silence windows and the zone arithmetic under them, without a database: 00:00 on the eve to
// the polls' closing on the clocks of the round's zone, across both changes of Paris' clocks.
import { describe, expect, it } from 'vitest';
import { isTimeZone, previousDay, wallClockOf, zonedInstant } from '../../lib/zoned-time.ts';
import { demoRoundDays } from './seed.ts';
import { silenceWindowOf, windowsOverlap } from './silence.ts';

const paris = (date: string, polls_close = '20:00') => silenceWindowOf({ date, polls_close, time_zone: 'Europe/Paris' });

describe('silenceWindowOf', () => {
  it('runs from 00:00 on the eve to the polls closing, Paris winter time', () => {
    const w = paris('2027-03-14');
    expect(w.from.toISOString()).toBe('2027-03-12T23:00:00.000Z');
    expect(w.until.toISOString()).toBe('2027-03-14T19:00:00.000Z');
  });

  it('follows the clocks on the last Sunday of March (the eve in winter time, the close in summer time)', () => {
    const w = paris('2027-03-28');
    expect(w.from.toISOString()).toBe('2027-03-26T23:00:00.000Z');
    expect(w.until.toISOString()).toBe('2027-03-28T18:00:00.000Z');
    // 23 hours on the day of the vote: 00:00 to 20:00 is 19 hours of clock time, 19 real hours less the lost one.
    expect((w.until.getTime() - w.from.getTime()) / 3_600_000).toBe(24 + 19);
  });

  it('follows the clocks on the last Sunday of October (the eve in summer time, the close in winter time)', () => {
    const w = paris('2027-10-31');
    expect(w.from.toISOString()).toBe('2027-10-29T22:00:00.000Z');
    expect(w.until.toISOString()).toBe('2027-10-31T19:00:00.000Z');
    expect((w.until.getTime() - w.from.getTime()) / 3_600_000).toBe(24 + 21);
  });

  it('reads another zone and closing time (a round in French Guiana, polls closing at 18:00)', () => {
    const w = silenceWindowOf({ date: '2027-03-13', polls_close: '18:00', time_zone: 'America/Cayenne' });
    expect(w.from.toISOString()).toBe('2027-03-12T03:00:00.000Z');
    expect(w.until.toISOString()).toBe('2027-03-13T21:00:00.000Z');
  });

  it('starts a silence at the first instant of a day whose midnight the clocks skip', () => {
    // Santiago de Chile moved from -04 to -03 at 00:00 on 7 September 2025: that day began at 01:00.
    expect(zonedInstant('2025-09-07', '00:00', 'America/Santiago').toISOString()).toBe('2025-09-07T04:00:00.000Z');
  });

  it('tells overlapping windows apart from consecutive ones', () => {
    expect(windowsOverlap(paris('2027-03-14'), paris('2027-03-15'))).toBe(true);
    expect(windowsOverlap(paris('2027-03-14'), paris('2027-03-21'))).toBe(false);
    // Touching is not overlapping: one may end when the other starts.
    expect(windowsOverlap({ from: new Date(0), until: new Date(10) }, { from: new Date(10), until: new Date(20) })).toBe(false);
  });
});

describe('zoned time', () => {
  it('maps skipped and repeated clock times of Paris', () => {
    expect(zonedInstant('2027-03-28', '02:30', 'Europe/Paris').toISOString()).toBe('2027-03-28T01:00:00.000Z');
    expect(zonedInstant('2027-10-31', '02:30', 'Europe/Paris').toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(wallClockOf('Europe/Paris', new Date('2027-10-31T01:30:00Z'))).toEqual({ date: '2027-10-31', time: '02:30' });
  });

  it('knows the days before the first of a month and of a year, and leap days', () => {
    expect(previousDay('2027-03-01')).toBe('2027-02-28');
    expect(previousDay('2028-03-01')).toBe('2028-02-29');
    expect(previousDay('2028-01-01')).toBe('2027-12-31');
  });

  it('knows time zone names', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Pacific/Noumea')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});

describe('demoRoundDays', () => {
  it('gives two Sundays a week apart, the first at least 90 days after the seed', () => {
    for (const now of ['2026-12-07T06:00:00Z', '2027-06-13T23:30:00Z', '2027-01-01T00:00:00Z']) {
      const [first, second] = demoRoundDays(new Date(now));
      expect(new Date(`${first}T12:00:00Z`).getUTCDay()).toBe(0);
      expect(new Date(`${second}T12:00:00Z`).getUTCDay()).toBe(0);
      expect((Date.parse(second) - Date.parse(first)) / 86_400_000).toBe(7);
      const lead = (Date.parse(first) - Date.parse(now)) / 86_400_000;
      expect(lead).toBeGreaterThanOrEqual(89);
      expect(lead).toBeLessThan(97);
    }
  });
});
