// Every benchmark scenario, in ONE explicit list. Each compares the real app with a bare
// node:http server answering the same bytes, run alternately on the same machine.
import type { DatabaseKind } from '../src/server/db/database.ts';

export interface Scenario {
  name: string;
  description: string;
  /** Database the app runs on. */
  database: DatabaseKind;
  /** Path requested with GET, on the app and on the baseline. */
  path: string;
  /** Send the fixture's API token as `Authorization: Bearer` (to both servers). */
  authenticated: boolean;
  /** Minimum app ÷ baseline req/s to pass; null = measured for information. */
  target: number | null;
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'health',
    description: 'GET /healthz of the app (PostgreSQL) vs a bare node:http server answering the same bytes',
    database: 'postgres',
    path: '/healthz',
    authenticated: false,
    target: 0.9,
  },
  {
    name: 'api-read',
    description: 'GET /api/v1/zone_layers with a Bearer token on PostgreSQL vs a bare node:http server answering the same bytes',
    database: 'postgres',
    path: '/api/v1/zone_layers',
    authenticated: true,
    target: 0.35,
  },
  {
    name: 'api-read-pglite',
    description: 'GET /api/v1/zone_layers with a Bearer token on the embedded PGlite (for information)',
    database: 'pglite',
    path: '/api/v1/zone_layers',
    authenticated: true,
    target: null,
  },
];
