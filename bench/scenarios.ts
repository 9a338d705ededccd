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
  /**
   * A second baseline (PostgreSQL only): a bare node:http server running this SQL through raw pg,
   * without transaction or row-level security ($1 = the fixture's campaign id), answering the rows
   * in the collection envelope; it must answer the app's exact bytes.
   */
  sqlBaseline?: {
    sql: string;
    envelope: string;
    /** Minimum app ÷ SQL baseline req/s. */
    target: number;
  };
}

// The query listLayers() sends (territory.repo.ts), with the campaign named instead of left to
// row-level security, and without the ordering column the app drops from its answer.
const ZONE_LAYERS_SQL = `select "l"."id", "l"."code", "l"."name", "l"."source", "l"."licence",
  (select count(*)::int as "n" from "zone" as "z" where "z"."campaign_id" = "l"."campaign_id" and "z"."layer_id" = "l"."id") as "zones_count"
  from "zone_layer" as "l" where "l"."campaign_id" = $1 order by "l"."position", "l"."code"`;

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
    description:
      'GET /api/v1/zone_layers with a Bearer token on PostgreSQL vs a bare node:http server answering the same bytes, and vs one running the same SQL through raw pg',
    database: 'postgres',
    path: '/api/v1/zone_layers',
    authenticated: true,
    target: 0.35,
    sqlBaseline: { sql: ZONE_LAYERS_SQL, envelope: 'zone_layers', target: 0.5 },
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
