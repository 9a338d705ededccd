// The people module's public face and manifest: people (OSDI), search, tags, lists, custom fields,
// consent, the ladder, rights (export, erase, retention), duplicates and geocoding.
import { defineModule } from '../manifest.ts';
import { contactsRoutes } from './contacts.routes.ts';
import { customFieldsRoutes } from './custom-fields.routes.ts';
import { intakeRoutes } from './intake.routes.ts';
import { ladderRoutes } from './ladder.routes.ts';
import { peopleNav } from './nav.ts';
import { peopleErrors } from './people.errors.ts';
import { peopleRoutes } from './people.routes.ts';
import { rightsRoutes } from './rights.routes.ts';
import { retentionJob } from './rights.ts';
import { tagsRoutes } from './tags.routes.ts';

export { ladderFunnel } from './funnel.ts';
export { addressMatchCtes, geocodeStatement } from './geocode.ts';
export { DEFAULT_RULES, DEFAULT_STAGES, loadStages } from './ladder.ts';
export { emailMatches, phoneMatches } from './matching.ts';
export { formatPersonOsdi, normalizeEmail } from './normalize.ts';
export { assertCampaignWide } from './people.policy.ts';
export { personOrderTerm } from './people.repo.ts';

export const peopleModule = defineModule({
  name: 'people',
  routes: [
    { prefix: '/api/v1', plugin: peopleRoutes },
    { prefix: '/api/v1', plugin: rightsRoutes },
    { prefix: '/api/v1', plugin: tagsRoutes },
    { prefix: '/api/v1', plugin: customFieldsRoutes },
    { prefix: '/api/v1', plugin: ladderRoutes },
    { prefix: '/api/v1', plugin: intakeRoutes },
    { prefix: '/api/v1', plugin: contactsRoutes },
  ],
  errors: peopleErrors,
  permissions: [
    {
      id: 'people.read',
      roles: ['admin', 'organizer', 'referent', 'community_manager'],
      scope: { fr: 'Lire les contacts', en: 'Read people' },
    },
    {
      id: 'people.write',
      roles: ['admin', 'organizer', 'referent'],
      scope: { fr: 'Créer et modifier des contacts', en: 'Create and update people' },
    },
    { id: 'people.export', roles: ['admin', 'organizer', 'referent'], scope: { fr: 'Exporter des contacts', en: 'Export people' } },
  ],
  jobs: [retentionJob],
  nav: peopleNav,
});
