// The petitions module's public face and manifest: petitions (OSDI petitions, signatures,
// record_signature_helper), the public signup forms (newsletter, volunteer, pop-up) and their pages,
// embeddable, every post through the site's form guard and confirmed by an e-mail link before it counts.
import { defineModule } from '../manifest.ts';
import { petitionsNav } from './nav.ts';
import { petitionsErrors } from './petitions.errors.ts';
import { petitionsPublicRoutes } from './petitions.public.ts';
import { petitionsRoutes } from './petitions.routes.ts';

export { seedDemoPetitions } from './demo-petitions.ts';
export { petitionsForZoneHtml } from './petitions.html.ts';

export const petitionsModule = defineModule({
  name: 'petitions',
  routes: [
    { prefix: '/api/v1', plugin: petitionsRoutes },
    { prefix: '', plugin: petitionsPublicRoutes },
  ],
  errors: petitionsErrors,
  permissions: [
    { id: 'petitions.read', roles: ['admin', 'organizer', 'referent', 'community_manager'] },
    { id: 'petitions.write', roles: ['admin', 'organizer', 'referent'] },
  ],
  scopes: [
    {
      id: 'petitions:read',
      permission: 'petitions.read',
      fr: 'Lire les pétitions et leurs signatures',
      en: 'Read petitions and their signatures',
    },
    {
      id: 'petitions:write',
      permission: 'petitions.write',
      fr: 'Créer et modifier des pétitions, enregistrer et annuler des signatures',
      en: 'Create and edit petitions, record and void signatures',
    },
  ],
  links: [{ rel: 'osdi:petitions', path: '/petitions', title: 'The collection of petitions in the system' }],
  nav: petitionsNav,
});
