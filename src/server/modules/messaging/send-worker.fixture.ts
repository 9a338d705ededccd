// For the kill test: a separate process that sends a mailing as the messaging.send job does (same
// function, same transport) until it is done or killed. Run as
// `node send-worker.fixture.ts '<json options>'`; prints "started" once it has opened the database.
// The modules load in the application's order, their list first (as in app.ts): entered through
// send.ts, whose imports reach the list, the messaging manifest would be evaluated before send.ts
// had defined its job ("Cannot access 'sendJob' before initialization").
import '../index.ts';

import { loadConfig } from '../../config.ts';
import { openDatabase, tenantRunnerOf } from '../../db/database.ts';
import { sendMailing } from './send.ts';
import { createBulkTransport } from './transport.ts';

interface Options {
  databaseUrl: string | null;
  pgliteDir: string | null;
  campaignId: string;
  mailingId: string;
  mailing: ReturnType<typeof loadConfig>['mailing'];
  publicUrl: string;
}

const options = JSON.parse(process.argv[2] ?? '{}') as Options;
const config = loadConfig({ LOG_LEVEL: 'silent' }, { publicUrl: options.publicUrl, mailing: options.mailing });
const database = await openDatabase({ databaseUrl: options.databaseUrl, pgliteDir: options.pgliteDir, poolSize: 4 });
const transport = createBulkTransport(config.mailing, database.db);
process.stdout.write('started\n');
const outcome = await sendMailing({
  campaignId: options.campaignId,
  mailingId: options.mailingId,
  tenant: tenantRunnerOf(database.db, options.campaignId),
  config,
  transport,
  soleWorker: database.kind === 'pglite',
});
transport.close();
await database.close();
process.stdout.write(`${JSON.stringify(outcome)}\n`);
