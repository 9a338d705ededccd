// Calendar checks for dates written by people and programs: a day that exists (no 30 February)
// and a time of day that exists, so that what passes here never fails when PostgreSQL reads it.

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
// An ISO 8601 instant as PostgreSQL and JavaScript both read it: the day, then hours and minutes,
// optional seconds and fraction, and an optional offset (Z or ±hh[:mm], at most 14 hours).
const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))?$/;

/** The ISO day (yyyy-mm-dd) of a year, month and day when that day exists (years 1 to 9999: PostgreSQL has no year 0), else null. */
export function calendarDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day > days) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** True for a day written yyyy-mm-dd that exists in the calendar. */
export function isIsoDate(text: string): boolean {
  const m = DAY.exec(text);
  return m !== null && calendarDate(Number(m[1]), Number(m[2]), Number(m[3])) !== null;
}

/** True for a day (yyyy-mm-dd) or an ISO 8601 instant (yyyy-mm-ddThh:mm[:ss[.f]][Z|±hh:mm]) that exist. */
export function isIsoDateOrInstant(text: string): boolean {
  if (isIsoDate(text)) return true;
  const m = INSTANT.exec(text);
  if (!m || !isIsoDate(m[1]!)) return false;
  const [hours, minutes, seconds] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return false;
  return m[6] === undefined || (Number(m[6]) <= 14 && Number(m[7]) <= 59);
}
