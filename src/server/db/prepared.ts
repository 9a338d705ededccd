// Queries built and compiled once, run many times: for the hottest reads (one per API request),
// where building a Kysely query and compiling it to SQL costs more Node CPU than sending it.
// The query is built once with stand-ins for its parameters; each run swaps the stand-ins for the
// run's values in the compiled parameter list. Same SQL, same parameters, as building it each time.
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { DB } from './schema.ts';

const SLOT = Symbol('relais.prepared-slot');
interface Slot {
  readonly [SLOT]: string;
}

function isSlot(value: unknown): value is Slot {
  return typeof value === 'object' && value !== null && SLOT in value;
}

/**
 * A query compiled on its first run. `build` receives stand-ins typed as the parameters: use each
 * as a whole value (`where('id', '=', p.id)`, `= any(${p.ids})`), never look inside it or branch
 * on it (the query must have the same shape for every value). All of Relais's dialects compile
 * PostgreSQL, so one compilation serves PGlite and PostgreSQL, transactions and pools alike.
 */
export function preparedQuery<P extends Record<string, unknown>, R>(
  build: (db: Kysely<DB>, params: P) => Compilable<R>,
): (db: Kysely<DB>, params: P) => Promise<R[]> {
  let compiled: CompiledQuery<R> | null = null;
  // The run's parameter list from its values (the compiled list itself when the query has none).
  let parametersOf: (params: P) => readonly unknown[] = () => [];
  return async (db, params) => {
    if (!compiled) {
      const standIns = new Proxy({} as P, { get: (_, name) => ({ [SLOT]: String(name) }) as Slot });
      const query = build(db, standIns).compile();
      // For each compiled parameter: the name of the run's value, or null for a constant of the query.
      const slots = query.parameters.map((value) => (isSlot(value) ? value[SLOT] : null));
      parametersOf = slots.some((name) => name !== null)
        ? (run) => slots.map((name, i) => (name === null ? query.parameters[i] : run[name]))
        : () => query.parameters;
      compiled = query;
    }
    const { rows } = await db.executeQuery<R>({ ...compiled, parameters: parametersOf(params) });
    return rows;
  };
}
