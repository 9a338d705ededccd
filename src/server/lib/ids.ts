// Identifiers: UUIDv7 generated in the application (PostgreSQL 15 has no uuidv7()).
import { randomFillSync } from 'node:crypto';

let lastMs = 0;
let seq = 0;
// Random bytes are drawn 4 KiB at a time: one system call per 256 ids instead of one per id.
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;

function random16(): Buffer {
  if (poolOffset + 16 > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const bytes = Buffer.from(POOL.subarray(poolOffset, poolOffset + 16));
  poolOffset += 16;
  return bytes;
}

/** Returns a new UUIDv7 string: time-ordered, so inserts stay at the right edge of indexes. */
export function uuidv7(now: number = Date.now()): string {
  const bytes = random16();
  // Monotonic within one millisecond: a 12-bit counter in rand_a.
  if (now <= lastMs) {
    seq = (seq + 1) & 0xfff;
    if (seq === 0) lastMs += 1;
    now = lastMs;
  } else {
    lastMs = now;
    seq = bytes[6]! & 0x07;
  }
  bytes[0] = Math.floor(now / 2 ** 40) & 0xff;
  bytes[1] = Math.floor(now / 2 ** 32) & 0xff;
  bytes[2] = (now >>> 24) & 0xff;
  bytes[3] = (now >>> 16) & 0xff;
  bytes[4] = (now >>> 8) & 0xff;
  bytes[5] = now & 0xff;
  bytes[6] = 0x70 | ((seq >>> 8) & 0x0f);
  bytes[7] = seq & 0xff;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when s is a syntactically valid UUID (any version). */
export function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

const UUID_HEX = /^[0-9a-f]{32}$/;

/** The 16 bytes of a uuid (signed tokens carry ids as bytes). */
export function uuidBytes(id: string): Buffer {
  const hex = id.replace(/-/g, '').toLowerCase();
  if (!UUID_HEX.test(hex)) throw new Error(`not a uuid: ${id}`);
  return Buffer.from(hex, 'hex');
}

/** The uuid of 16 bytes (uuidBytes read back). */
export function uuidOf(bytes: Buffer): string {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
