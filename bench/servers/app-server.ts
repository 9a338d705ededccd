// The real Relais app in its own process, for bench/run.ts: migrates the database given by the
// environment (DATABASE_URL, or DATA_DIR for the embedded PGlite), creates the bench fixture,
// listens on a free port and sends { port, token, campaignId, databaseKind, databaseVersion } to the parent over IPC.
import { loadConfig } from '../../src/server/config.ts';
import { appOf, openRuntime } from '../../src/server/runtime.ts';
import { createBenchFixture } from './fixtures.ts';

// The parent always sets LOG_LEVEL (warn unless --log-level says otherwise).
const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL || 'warn', PORT: '0' });
const runtime = await openRuntime(config); // migrates
const fixture = await createBenchFixture(runtime.database.db);
const version = await runtime.database.raw.query('show server_version');
const app = await appOf(runtime);
await app.listen({ port: 0, host: '127.0.0.1' });

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await app.close();
  // Requests whose client left when the load stopped may still be running (app.close() does not
  // wait for them): let them finish before the database pool goes away.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await runtime.close();
  // A clean exit, so that --cpu-prof writes its profile.
  process.exit(0);
}
process.once('SIGTERM', stop);
process.once('disconnect', stop);

process.send?.({
  port: (app.server.address() as { port: number }).port,
  token: fixture.token,
  campaignId: fixture.campaignId,
  databaseKind: runtime.database.kind,
  databaseVersion: String(version.rows[0]?.server_version ?? 'unknown'),
});
