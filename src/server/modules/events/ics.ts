// iCalendar (RFC 5545) of events: one VEVENT per event with a stable UID (the event's id @ the
// site's host), SEQUENCE (raised at every change people are told about), DTSTAMP, times in UTC,
// STATUS (CANCELLED after a cancellation), text escaped (\\ ; , newline) and lines folded at 75 octets.
import type { EventRow } from './events.repo.ts';

/** RFC 5545 TEXT escaping. */
export function escapeIcsText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 75 octets (continuation lines start with a space), never inside a UTF-8 character. */
export function foldIcsLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    const limit = parts.length === 0 ? 75 : 74;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const utc = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** The VEVENT lines of one event. */
function veventLines(event: EventRow, o: { host: string; url: string; now: Date }): string[] {
  const location = event.type === 'online' ? (event.online_url ?? '') : [event.venue, event.address].filter(Boolean).join(', ');
  const lines = [
    'BEGIN:VEVENT',
    `UID:${event.id}@${o.host}`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${utc(o.now)}`,
    `LAST-MODIFIED:${utc(event.updated_at)}`,
    `CREATED:${utc(event.created_at)}`,
    `DTSTART:${utc(event.start_at)}`,
    `DTEND:${utc(event.end_at)}`,
    `SUMMARY:${escapeIcsText(event.title)}`,
    `STATUS:${event.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
    `URL:${o.url}`,
  ];
  if (event.description) lines.push(`DESCRIPTION:${escapeIcsText(event.description)}`);
  if (location) lines.push(`LOCATION:${escapeIcsText(location)}`);
  if (event.latitude !== null && event.longitude !== null) lines.push(`GEO:${event.latitude};${event.longitude}`);
  lines.push('END:VEVENT');
  return lines;
}

/** A VCALENDAR of events (one event's file, or the feed of all), CRLF line ends. */
export function icsOf(events: readonly EventRow[], o: { publicUrl: string; calendarName: string; now?: Date }): string {
  const host = new URL(o.publicUrl).host;
  const now = o.now ?? new Date();
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Relais//Evenements//FR',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeIcsText(o.calendarName)}`,
    ...events.flatMap((e) => veventLines(e, { host, url: `${o.publicUrl}/evenements/${e.id}`, now })),
    'END:VCALENDAR',
  ];
  return `${lines.map(foldIcsLine).join('\r\n')}\r\n`;
}

/** "Add to calendar" links: Google Calendar and Outlook web take a template URL; others take the .ics file. */
export function addToCalendarLinks(event: EventRow, pageUrl: string): { google: string; outlook: string } {
  const location = event.type === 'online' ? (event.online_url ?? '') : [event.venue, event.address].filter(Boolean).join(', ');
  const google = new URL('https://calendar.google.com/calendar/render');
  google.searchParams.set('action', 'TEMPLATE');
  google.searchParams.set('text', event.title);
  google.searchParams.set('dates', `${utc(event.start_at)}/${utc(event.end_at)}`);
  google.searchParams.set('details', `${event.description}\n\n${pageUrl}`.trim());
  google.searchParams.set('location', location);
  const outlook = new URL('https://outlook.live.com/calendar/0/deeplink/compose');
  outlook.searchParams.set('subject', event.title);
  outlook.searchParams.set('startdt', event.start_at.toISOString());
  outlook.searchParams.set('enddt', event.end_at.toISOString());
  outlook.searchParams.set('body', `${event.description}\n\n${pageUrl}`.trim());
  outlook.searchParams.set('location', location);
  outlook.searchParams.set('path', '/calendar/action/compose');
  return { google: google.toString(), outlook: outlook.toString() };
}
