// The check-in screen's store on the phone (IndexedDB, through idb): the door list of each event,
// kept for when the network drops, and the check-ins made offline, sent when it is back.
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { DoorList } from './api.ts';

interface CheckinDb extends DBSchema {
  lists: { key: string; value: DoorList & { saved_at: string } };
  queue: { key: number; value: { event_id: string; attendance_id?: string; token?: string; at: string }; autoIncrement: true };
}

let opened: Promise<IDBPDatabase<CheckinDb>> | null = null;
function db() {
  opened ??= openDB<CheckinDb>('relais-checkin', 1, {
    upgrade(d) {
      d.createObjectStore('lists');
      d.createObjectStore('queue', { autoIncrement: true });
    },
  });
  return opened;
}

/** Keeps an event's door list. */
export async function saveList(list: DoorList): Promise<void> {
  await (await db()).put('lists', { ...list, saved_at: new Date().toISOString() }, list.event.id);
}

/** The door list kept for an event, if any. */
export async function loadList(eventId: string): Promise<(DoorList & { saved_at: string }) | undefined> {
  return (await db()).get('lists', eventId);
}

/** Queues a check-in made without network. */
export async function queueCheckin(item: { event_id: string; attendance_id?: string; token?: string }): Promise<void> {
  await (await db()).add('queue', { ...item, at: new Date().toISOString() });
}

/** The queued check-ins of an event, with their keys. */
export async function queuedCheckins(eventId: string): Promise<{ key: number; attendance_id?: string; token?: string }[]> {
  const d = await db();
  const keys = await d.getAllKeys('queue');
  const out: { key: number; attendance_id?: string; token?: string }[] = [];
  for (const key of keys) {
    const v = await d.get('queue', key);
    if (v && v.event_id === eventId)
      out.push({ key, ...(v.attendance_id ? { attendance_id: v.attendance_id } : {}), ...(v.token ? { token: v.token } : {}) });
  }
  return out;
}

/** Removes a queued check-in once the server has it. */
export async function dropQueued(key: number): Promise<void> {
  await (await db()).delete('queue', key);
}

/** The attendance id a ticket's token names (its bytes 16–31), to mark it on the phone before the server confirms. */
export function attendanceOfToken(token: string): string | null {
  if (!/^[A-Za-z0-9_-]{60}$/.test(token)) return null;
  const bin = atob(token.replace(/-/g, '+').replace(/_/g, '/'));
  const hex = Array.from(bin.slice(16, 32), (ch) => ch.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
