// The calendar checks: days and times that exist pass, the others (30 February, 24:30) do not.
import { describe, expect, it } from 'vitest';
import { calendarDate, isIsoDate, isIsoDateOrInstant } from './dates.ts';

describe('dates', () => {
  it('knows the length of months and leap years', () => {
    expect(calendarDate(2028, 2, 29)).toBe('2028-02-29');
    expect(calendarDate(2026, 2, 29)).toBeNull();
    expect(calendarDate(1900, 2, 29)).toBeNull();
    expect(calendarDate(2000, 2, 29)).toBe('2000-02-29');
    expect(calendarDate(2026, 4, 31)).toBeNull();
    expect(calendarDate(2026, 13, 1)).toBeNull();
    expect(calendarDate(0, 1, 1)).toBeNull();
    expect(calendarDate(980, 5, 17)).toBe('0980-05-17');
  });

  it('reads days and ISO 8601 instants, and nothing else', () => {
    for (const ok of ['2026-02-28', '2026-02-28T23:59', '2026-02-28T23:59:59.123Z', '2026-02-28T10:00:00+02:00', '2026-02-28T10:00+0530']) {
      expect(isIsoDateOrInstant(ok), ok).toBe(true);
    }
    for (const bad of [
      '2026-02-30',
      '2026-02-28T24:30',
      '2026-02-28T10:60Z',
      '2026-02-28T10:00+15:00',
      '-271821-04-20',
      '2026-2-3',
      'March 7, 2026',
    ]) {
      expect(isIsoDateOrInstant(bad), bad).toBe(false);
    }
    expect(isIsoDate('2026-02-28T10:00')).toBe(false);
  });
});
