// The canvassing app's storage on the phone (IndexedDB through idb): the pack of my turfs, the queue
// of results and contacts waiting to be sent, and the doors done here (shown done at once, before the
// server knows). A tap is confirmed on screen only once its transaction has committed.
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { Pack } from './types.ts';

export type Outcome = 'absent' | 'supportive' | 'undecided' | 'opposed' | 'refused' | 'come_back' | 'no_access' | 'other';

export interface QueuedResult {
  kind: 'result';
  id: string;
  queued_at: number;
  body: {
    id: string;
    building_id: string;
    door_id: string | null;
    turf_id: string | null;
    outcome: Outcome;
    themes: string[];
    note: string;
    script_id: string | null;
    recorded_at: string;
    lon: number | null;
    lat: number | null;
  };
}

export interface QueuedContact {
  kind: 'contact';
  id: string;
  queued_at: number;
  body: {
    id: string;
    result_id: string | null;
    building_id: string;
    given_name: string;
    family_name: string;
    email: string;
    phone: string;
    consent: boolean;
    consent_text: string;
    recorded_at: string;
  };
}

export type QueueItem = QueuedResult | QueuedContact;

/** A door (or building) marked here: its key is `building/door`. */
export interface LocalMark {
  key: string;
  outcome: Outcome;
  recorded_at: string;
}

interface TerrainDB extends DBSchema {
  meta: { key: string; value: unknown };
  queue: { key: string; value: QueueItem; indexes: { queued_at: number } };
  marks: { key: string; value: LocalMark };
}

let opened: Promise<IDBPDatabase<TerrainDB>> | null = null;

/** The app's database (opened once). */
export function database(): Promise<IDBPDatabase<TerrainDB>> {
  opened ??= openDB<TerrainDB>('relais-terrain', 1, {
    upgrade(db) {
      db.createObjectStore('meta');
      db.createObjectStore('queue', { keyPath: 'id' }).createIndex('queued_at', 'queued_at');
      db.createObjectStore('marks', { keyPath: 'key' });
    },
  });
  return opened;
}

export const markKey = (buildingId: string, doorId: string | null) => `${buildingId}/${doorId ?? ''}`;

export async function loadPack(): Promise<Pack | null> {
  return ((await (await database()).get('meta', 'pack')) as Pack | undefined) ?? null;
}

export async function savePack(pack: Pack): Promise<void> {
  await (await database()).put('meta', pack, 'pack');
}

export async function getMeta<T>(key: string): Promise<T | undefined> {
  return (await (await database()).get('meta', key)) as T | undefined;
}

export async function setMeta(key: string, value: unknown): Promise<void> {
  await (await database()).put('meta', value, key);
}

/** Writes results (and their marks) in one transaction; resolves once it has committed. */
export async function enqueueResults(items: readonly QueuedResult[]): Promise<void> {
  const db = await database();
  const tx = db.transaction(['queue', 'marks'], 'readwrite');
  for (const item of items) {
    void tx.objectStore('queue').put(item);
    void tx
      .objectStore('marks')
      .put({ key: markKey(item.body.building_id, item.body.door_id), outcome: item.body.outcome, recorded_at: item.body.recorded_at });
  }
  await tx.done;
}

export async function enqueueContact(item: QueuedContact): Promise<void> {
  const db = await database();
  await db.put('queue', item);
}

export async function allMarks(): Promise<LocalMark[]> {
  return (await database()).getAll('marks');
}

export async function queued(): Promise<QueueItem[]> {
  return (await database()).getAllFromIndex('queue', 'queued_at');
}

export async function dropQueued(ids: readonly string[]): Promise<void> {
  const db = await database();
  const tx = db.transaction('queue', 'readwrite');
  for (const id of ids) void tx.store.delete(id);
  await tx.done;
}

/** A new id made on the phone (UUID v7: time-ordered, so the server's index stays compact). */
export function newId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const now = Date.now();
  for (let i = 0; i < 6; i++) bytes[i] = Math.floor(now / 2 ** (8 * (5 - i))) & 0xff;
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
