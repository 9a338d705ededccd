// The imports module's public face and manifest: the people import (upload, mapping, staging, the
// set-based apply), its job, janitor and file retention, and the local CLI channel.
import { defineModule } from '../manifest.ts';
import { importPeopleJob } from './import.job.ts';
import { importsErrors } from './imports.errors.ts';
import { importsRoutes } from './imports.routes.ts';
import { importJanitorOf } from './janitor.ts';

export { acceptLocalCli, CLI_CAMPAIGN_HEADER, CLI_TOKEN_HEADER, findLocalServer } from './local-cli.ts';

export const importsModule = defineModule({
  name: 'imports',
  routes: [{ prefix: '/api/v1', plugin: importsRoutes }],
  errors: importsErrors,
  jobs: [importPeopleJob],
  janitors: [importJanitorOf],
});
