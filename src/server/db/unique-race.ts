// A write that checked a unique value first can still lose the race to a concurrent transaction
// that committed the same value in between (the check did not see it yet). This runs the write in a
// savepoint and, when it breaks that unique index, rolls back to the savepoint — the transaction
// stays usable — so that the caller can answer the domain's own conflict (with what it now sees).
import { sql } from 'kysely';
import type { Trx } from './database.ts';

/** True when an error from PostgreSQL or PGlite is a unique violation (23505), of `index` when given. */
export function isUniqueViolation(error: unknown, index?: string): boolean {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  return e?.code === '23505' && (index === undefined || e.constraint === index);
}

/**
 * Runs `write`; if it breaks the unique index `index`, rolls it back and returns what `lost()`
 * answers (usually it throws the domain's conflict, e.g. DUPLICATE_EMAIL); other errors pass through.
 */
export async function writeOrLoseRace<T>(trx: Trx, index: string, write: () => Promise<T>, lost: () => Promise<never>): Promise<T> {
  await sql`savepoint unique_race`.execute(trx);
  try {
    const result = await write();
    await sql`release savepoint unique_race`.execute(trx);
    return result;
  } catch (error) {
    if (!isUniqueViolation(error, index)) throw error;
    await sql`rollback to savepoint unique_race`.execute(trx);
    return lost();
  }
}
