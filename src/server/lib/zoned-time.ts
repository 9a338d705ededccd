// Wall-clock times of a time zone (IANA names: Europe/Paris) and the instants they stand for, with
// the platform's Intl time-zone data: no date library. Daylight saving is the zone's own: the last
// Sunday of March at 02:00 Paris jumps to 03:00 (that hour does not exist), the last Sunday of
// October at 03:00 falls back to 02:00 (that hour happens twice).

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True for a time zone name the platform knows (Europe/Paris, America/Cayenne, UTC). */
export function isTimeZone(timeZone: string): boolean {
  if (!timeZone || timeZone.length > 64) return false;
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock of a zone at an instant, as the milliseconds of the same reading taken as UTC. */
function wallClockMs(timeZone: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterOf(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const year = parts.year ?? 1970;
  // Date.UTC reads years 0-99 as 1900-1999: set the year after.
  const utc = new Date(Date.UTC(2000, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0));
  utc.setUTCFullYear(year);
  return utc.getTime() + (((ms % 1000) + 1000) % 1000);
}

/** The zone's offset from UTC at an instant, in milliseconds (Paris: +1 h in winter, +2 h in summer). */
export function offsetMsAt(timeZone: string, instant: Date): number {
  return wallClockMs(timeZone, instant.getTime()) - instant.getTime();
}

/** The day (yyyy-mm-dd) and time (hh:mm) an instant reads on the zone's clocks. */
export function wallClockOf(timeZone: string, instant: Date): { date: string; time: string } {
  const iso = new Date(wallClockMs(timeZone, instant.getTime())).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/**
 * The instant a zone's clocks read `date` (yyyy-mm-dd) at `time` (hh:mm). A time the clocks skip
 * (02:30 on the last Sunday of March in Paris) gives the first instant after the gap (03:00); a
 * time they read twice (02:30 on the last Sunday of October) gives the first of the two.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wanted = new Date(Date.UTC(2000, mo - 1, d, h, mi));
  wanted.setUTCFullYear(y);
  const target = wanted.getTime();
  // The offsets in force a day either side bound every offset near the target (zones change their
  // offset at most once in a day).
  const day = 86_400_000;
  const offsets = [...new Set([offsetMsAt(timeZone, new Date(target - day)), offsetMsAt(timeZone, new Date(target + day))])];
  const exact = offsets
    .map((offset) => target - offset)
    .filter((ms) => wallClockMs(timeZone, ms) === target)
    .sort((a, b) => a - b);
  if (exact[0] !== undefined) return new Date(exact[0]);
  // In a gap: the transition lies between the two readings; find its first minute by bisection
  // (the wall clock only grows across a gap).
  let low = Math.min(...offsets.map((o) => target - o));
  let high = Math.max(...offsets.map((o) => target - o));
  while (high - low > 60_000) {
    const mid = low + Math.floor((high - low) / 120_000) * 60_000;
    if (wallClockMs(timeZone, mid) >= target) high = mid;
    else low = mid;
  }
  return new Date(high);
}

/** The day before a day (yyyy-mm-dd), across months and years. */
export function previousDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(2000, m - 1, d));
  day.setUTCFullYear(y);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

/** The day `days` after a day (yyyy-mm-dd; negative: before), across months and years. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(2000, m - 1, d));
  day.setUTCFullYear(y);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** The ISO day of the week of a day (yyyy-mm-dd): 1 = Monday … 7 = Sunday. */
export function isoWeekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(2000, m - 1, d));
  day.setUTCFullYear(y);
  return day.getUTCDay() === 0 ? 7 : day.getUTCDay();
}
