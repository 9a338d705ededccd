// Sending hours: French public holidays (Easter-based ones computed), Sundays, the 08:00–21:30
// window in Europe/Paris across DST changes, and the next allowed instant.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SENDING_HOURS, easterSunday, frenchPublicHolidays, localParts, nextAllowedInstant, outsideHoursReason } from './hours.ts';

const next = (iso: string, hours = DEFAULT_SENDING_HOURS) => nextAllowedInstant(new Date(iso), hours).toISOString();

describe('public holidays', () => {
  it('computes Easter Sunday', () => {
    expect(easterSunday(2024)).toEqual([3, 31]);
    expect(easterSunday(2025)).toEqual([4, 20]);
    expect(easterSunday(2026)).toEqual([4, 5]);
    expect(easterSunday(2027)).toEqual([3, 28]);
    expect(easterSunday(2000)).toEqual([4, 23]);
    expect(easterSunday(2038)).toEqual([4, 25]);
    expect(easterSunday(1818)).toEqual([3, 22]);
    expect(easterSunday(1943)).toEqual([4, 25]);
  });

  it('lists the eleven French public holidays of a year', () => {
    expect(frenchPublicHolidays(2026)).toEqual([
      '2026-01-01',
      '2026-04-06',
      '2026-05-01',
      '2026-05-08',
      '2026-05-14',
      '2026-05-25',
      '2026-07-14',
      '2026-08-15',
      '2026-11-01',
      '2026-11-11',
      '2026-12-25',
    ]);
    expect(frenchPublicHolidays(2027)).toContain('2027-03-29'); // Easter Monday
    expect(frenchPublicHolidays(2027)).toContain('2027-05-06'); // Ascension
    expect(frenchPublicHolidays(2027)).toContain('2027-05-17'); // Whit Monday
  });
});

describe('sending hours', () => {
  it('allows 08:00 to 21:30 Paris time on working days', () => {
    expect(outsideHoursReason(new Date('2026-12-07T07:00:00Z'), DEFAULT_SENDING_HOURS)).toBeNull(); // Monday 08:00 CET
    expect(outsideHoursReason(new Date('2026-12-07T06:59:00Z'), DEFAULT_SENDING_HOURS)).toBe('before_start');
    expect(outsideHoursReason(new Date('2026-12-07T20:29:00Z'), DEFAULT_SENDING_HOURS)).toBeNull();
    expect(outsideHoursReason(new Date('2026-12-07T20:30:00Z'), DEFAULT_SENDING_HOURS)).toBe('after_end');
    expect(outsideHoursReason(new Date('2026-12-13T12:00:00Z'), DEFAULT_SENDING_HOURS)).toBe('sunday');
    expect(outsideHoursReason(new Date('2026-12-25T12:00:00Z'), DEFAULT_SENDING_HOURS)).toBe('holiday');
    // Summer time: 08:00 CEST is 06:00 UTC.
    expect(outsideHoursReason(new Date('2026-06-15T06:00:00Z'), DEFAULT_SENDING_HOURS)).toBeNull();
    expect(outsideHoursReason(new Date('2026-06-15T05:59:00Z'), DEFAULT_SENDING_HOURS)).toBe('before_start');
  });

  it('defers to the next allowed instant', () => {
    expect(next('2026-12-07T10:00:00Z')).toBe('2026-12-07T10:00:00.000Z'); // allowed: itself
    expect(next('2026-12-07T05:00:00Z')).toBe('2026-12-07T07:00:00.000Z'); // Monday 06:00 → 08:00
    expect(next('2026-12-07T20:30:00Z')).toBe('2026-12-08T07:00:00.000Z'); // Monday 21:30 → Tuesday 08:00
    expect(next('2026-12-12T21:00:00Z')).toBe('2026-12-14T07:00:00.000Z'); // Saturday night → Monday
    expect(next('2026-12-24T21:00:00Z')).toBe('2026-12-26T07:00:00.000Z'); // Christmas Eve night → Saturday 26
    expect(next('2026-04-04T20:00:00Z')).toBe('2026-04-07T06:00:00.000Z'); // Easter Sunday, Easter Monday → Tuesday 08:00 CEST
  });

  it('is exact across DST changes', () => {
    // Spring forward on Sunday 29 March 2026: Saturday 22:00 CET → Monday 08:00 CEST (06:00 UTC).
    expect(next('2026-03-28T21:00:00Z')).toBe('2026-03-30T06:00:00.000Z');
    // The same with Sundays allowed: Sunday 29 at 08:00 CEST is 06:00 UTC.
    expect(next('2026-03-28T21:00:00Z', { ...DEFAULT_SENDING_HOURS, blockSundays: false })).toBe('2026-03-29T06:00:00.000Z');
    // Fall back on Sunday 25 October 2026: Saturday 22:00 CEST → Monday 08:00 CET (07:00 UTC).
    expect(next('2026-10-24T20:00:00Z')).toBe('2026-10-26T07:00:00.000Z');
    expect(next('2026-10-24T20:00:00Z', { ...DEFAULT_SENDING_HOURS, blockSundays: false })).toBe('2026-10-25T07:00:00.000Z');
    // Hours that start inside the skipped hour begin when the clocks jump (03:00 CEST).
    const early = { ...DEFAULT_SENDING_HOURS, start: '02:30', blockSundays: false };
    expect(next('2026-03-28T23:30:00Z', early)).toBe('2026-03-29T01:00:00.000Z');
  });

  it('takes other hours and zones', () => {
    const hours = { start: '09:30', end: '18:00', timeZone: 'America/New_York', blockSundays: false, blockHolidays: false };
    expect(next('2026-12-07T12:00:00Z', hours)).toBe('2026-12-07T14:30:00.000Z'); // 07:00 EST → 09:30 EST
    expect(next('2026-12-07T23:30:00Z', hours)).toBe('2026-12-08T14:30:00.000Z');
  });

  it('gives an allowed instant, never earlier, with nothing allowed in between (property)', () => {
    const start = Date.UTC(2025, 0, 1);
    const end = Date.UTC(2030, 0, 1);
    fc.assert(
      fc.property(
        fc.integer({ min: start / 60_000, max: end / 60_000 }),
        fc.boolean(),
        fc.boolean(),
        (minute, blockSundays, blockHolidays) => {
          const hours = { ...DEFAULT_SENDING_HOURS, blockSundays, blockHolidays };
          const at = new Date(minute * 60_000);
          const result = nextAllowedInstant(at, hours);
          expect(result.getTime()).toBeGreaterThanOrEqual(at.getTime());
          expect(outsideHoursReason(result, hours)).toBeNull();
          if (result.getTime() !== at.getTime()) {
            // The start of an allowed day, and the minute before it is not allowed.
            expect(localParts(result, hours.timeZone).minutes).toBe(8 * 60);
            expect(outsideHoursReason(new Date(result.getTime() - 60_000), hours)).not.toBeNull();
            // At most four days away (a Sunday next to a holiday, and a night).
            expect(result.getTime() - at.getTime()).toBeLessThan(4 * 24 * 3600_000);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});
