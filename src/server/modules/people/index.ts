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

export { findDuplicates } from './duplicates.ts';
export { ladderFunnel } from './funnel.ts';
export { addressMatchCtes, geocodeStatement } from './geocode.ts';
export { DEFAULT_RULES, DEFAULT_STAGES, loadStages } from './ladder.ts';
export { emailMatches, phoneMatches } from './matching.ts';
export { formatPersonOsdi, normalizeEmail, normalizePhone, phoneNumberType } from './normalize.ts';
export { assertCampaignWide } from './people.policy.ts';
export { personOrderTerm } from './people.repo.ts';
export { createPerson, type PeopleActor, type PersonInput, signup } from './people.service.ts';

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
  links: [
    { rel: 'osdi:people', path: '/people', title: 'The collection of people in the system' },
    { rel: 'osdi:tags', path: '/tags', title: 'The collection of tags in the system' },
    { rel: 'osdi:lists', path: '/lists', title: 'The collection of lists in the system' },
    { rel: 'osdi:person_signup_helper', path: '/people/person_signup_helper', title: 'The person signup helper for the system' },
    { rel: 'relais:custom_fields', path: '/custom_fields', title: 'Custom fields of people' },
    { rel: 'relais:ladder', path: '/ladder', title: 'The engagement ladder' },
  ],
  errors: peopleErrors,
  permissions: [
    { id: 'people.read', roles: ['admin', 'organizer', 'referent', 'community_manager'] },
    { id: 'people.write', roles: ['admin', 'organizer', 'referent'] },
    { id: 'people.export', roles: ['admin', 'organizer', 'referent'] },
  ],
  // People, their consents, timeline, ladder moves and merges are one resource; tags, lists, custom
  // fields and the ladder's settings are others, each with its own scopes.
  scopes: [
    { id: 'people:read', permission: 'people.read', fr: 'Lire les contacts', en: 'Read people' },
    { id: 'people:write', permission: 'people.write', fr: 'Créer et modifier des contacts', en: 'Create and update people' },
    { id: 'people:export', permission: 'people.export', fr: 'Exporter des contacts (RGPD, CSV)', en: 'Export people (GDPR, CSV)' },
    { id: 'tags:read', permission: 'people.read', fr: 'Lire les étiquettes et qui les porte', en: 'Read tags and taggings' },
    { id: 'tags:write', permission: 'people.write', fr: 'Créer des étiquettes et étiqueter', en: 'Create tags and tag people' },
    { id: 'lists:read', permission: 'people.read', fr: 'Lire les listes et leurs membres', en: 'Read lists and their members' },
    { id: 'lists:write', permission: 'people.write', fr: 'Créer des listes et y ajouter', en: 'Create lists and add people' },
    { id: 'custom_fields:read', permission: 'people.read', fr: 'Lire les champs personnalisés', en: 'Read custom fields' },
    { id: 'ladder:read', permission: 'people.read', fr: "Lire l'échelle d'engagement", en: 'Read the engagement ladder' },
  ],
  jobs: [retentionJob],
  nav: peopleNav,
});
