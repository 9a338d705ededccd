// The imports module's public face and manifest: the people import (upload, mapping, staging, the
// set-based apply), its job, janitor and file retention.
import { defineModule } from '../manifest.ts';
import { importPeopleJob } from './import.job.ts';
import { importsErrors } from './imports.errors.ts';
import { importsRoutes } from './imports.routes.ts';
import { importJanitorOf } from './janitor.ts';

export const importsModule = defineModule({
  name: 'imports',
  routes: [{ prefix: '/api/v1', plugin: importsRoutes }],
  errors: importsErrors,
  scopes: [{ id: 'imports:write', permission: 'people.write', fr: 'Importer des contacts (CSV, XLSX)', en: 'Import people (CSV, XLSX)' }],
  jobs: [importPeopleJob],
  janitors: [importJanitorOf],
});
