// The jobs module's public face and manifest: the jobs API, its reads, and the demonstration job.
import { demoJob } from '../../jobs/demo.job.ts';
import { defineModule } from '../manifest.ts';
import { jobsErrors } from './jobs.errors.ts';
import { jobsRoutes } from './jobs.routes.ts';
import { jobsNav } from './nav.ts';

export { findJobRun, findJobRunOf, listJobRuns } from './jobs.repo.ts';
export { JobSchema } from './jobs.routes.ts';

export const jobsModule = defineModule({
  name: 'jobs',
  routes: [{ prefix: '/api/v1', plugin: jobsRoutes }],
  links: [{ rel: 'relais:jobs', path: '/jobs', title: 'Background jobs and their progress' }],
  errors: jobsErrors,
  permissions: [
    {
      id: 'jobs.read',
      roles: ['admin', 'organizer', 'referent'],
    },
    { id: 'jobs.write', roles: ['admin', 'organizer'] },
  ],
  scopes: [
    { id: 'jobs:read', permission: 'jobs.read', fr: 'Suivre les tâches de fond', en: 'Follow background jobs' },
    { id: 'jobs:write', permission: 'jobs.write', fr: 'Lancer des tâches de fond', en: 'Start background jobs' },
  ],
  jobs: [demoJob],
  nav: jobsNav,
});
