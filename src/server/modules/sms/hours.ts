// Sending hours, checked when a message is dispatched (not when it is queued): by default 08:00 to
// 21:30 Europe/Paris, as the French operators' charter says, no Sundays, no French public holidays.
// A message outside them waits for the next allowed instant; nothing is dropped. Local times are
// turned into instants by lib/zoned-time.ts (the zone's own offsets), so DST changes are exact.
import { wallClockOf, zonedInstant } from '../../lib/zoned-time.ts';

export interface SendingHours {
  /** 'HH:MM', local time of day from which sending is allowed. */
  start: string;
  /** 'HH:MM', local time of day from which it is not any more (exclusive). */
  end: string;
  timeZone: string;
  blockSundays: boolean;
  blockHolidays: boolean;
}

export const DEFAULT_SENDING_HOURS: SendingHours = {
  start: '08:00',
  end: '21:30',
  timeZone: 'Europe/Paris',
  blockSundays: true,
  blockHolidays: true,
};

/** Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm), as [month 1-12, day]. */
export function easterSunday(year: number): [number, number] {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return [month, day];
}

const iso = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** The days of a year as ISO strings, shifted from a day by `days`. */
function shifted(year: number, [month, day]: [number, number], days: number): string {
  const t = new Date(Date.UTC(year, month - 1, day + days));
  return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/**
 * The eleven French public holidays of a year (Code du travail L.3133-1), ISO days: New Year,
 * Easter Monday, 1 and 8 May, Ascension (Easter + 39), Whit Monday (Easter + 50), 14 July,
 * 15 August, 1 and 11 November, Christmas.
 */
export function frenchPublicHolidays(year: number): string[] {
  const easter = easterSunday(year);
  return [
    iso(year, 1, 1),
    shifted(year, easter, 1),
    iso(year, 5, 1),
    iso(year, 5, 8),
    shifted(year, easter, 39),
    shifted(year, easter, 50),
    iso(year, 7, 14),
    iso(year, 8, 15),
    iso(year, 11, 1),
    iso(year, 11, 11),
    iso(year, 12, 25),
  ].sort();
}

const holidayCache = new Map<number, Set<string>>();
function isHoliday(day: string): boolean {
  const year = Number(day.slice(0, 4));
  let set = holidayCache.get(year);
  if (!set) {
    set = new Set(frenchPublicHolidays(year));
    holidayCache.set(year, set);
  }
  return set.has(day);
}

/** The wall clock of an instant in a zone: its day, minutes after midnight, and whether it is a Sunday. */
export function localParts(at: Date, timeZone: string) {
  const { date, time } = wallClockOf(timeZone, at);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return {
    day: date,
    minutes: minutesOf(time) ?? 0,
    sunday: new Date(Date.UTC(y, m - 1, d)).getUTCDay() === 0,
  };
}

/** 'HH:MM' → minutes after midnight (null when it is not a time of day). */
export function minutesOf(hhmm: string): number | null {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

/** Why an instant is outside the sending hours, or null when sending is allowed then. */
export function outsideHoursReason(at: Date, hours: SendingHours): 'sunday' | 'holiday' | 'before_start' | 'after_end' | null {
  const local = localParts(at, hours.timeZone);
  if (hours.blockSundays && local.sunday) return 'sunday';
  if (hours.blockHolidays && isHoliday(local.day)) return 'holiday';
  const start = minutesOf(hours.start) ?? 0;
  const end = minutesOf(hours.end) ?? 24 * 60;
  if (local.minutes < start) return 'before_start';
  if (local.minutes >= end) return 'after_end';
  return null;
}

/** The next ISO day after `day`. */
function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + 1));
  return iso(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** The first instant at or after `at` when sending is allowed (`at` itself when it is). */
export function nextAllowedInstant(at: Date, hours: SendingHours): Date {
  const reason = outsideHoursReason(at, hours);
  if (reason === null) return at;
  const start = minutesOf(hours.start) ?? 0;
  const end = minutesOf(hours.end) ?? 24 * 60;
  if (end <= start) throw new Error('sending hours: the end must come after the start');
  let day = localParts(at, hours.timeZone).day;
  // Before the start of an allowed day: that day's start. Otherwise the next allowed day's start.
  if (reason !== 'before_start') day = nextDay(day);
  // At most a few days are blocked in a row (a Sunday next to a holiday); a year bounds the search.
  for (let i = 0; i < 366; i++) {
    const candidate = zonedInstant(day, hours.start, hours.timeZone);
    if (outsideHoursReason(candidate, hours) === null) return candidate;
    day = nextDay(day);
  }
  throw new Error('sending hours: no allowed day within a year');
}
