// The canvass module's public face and manifest (issue 16, points 5–8): the offline canvassing app
// at /terrain (its pack and sync), door results and contacts captured with consent, door scripts
// and their A/B tests, progress with quality signals, and OSDI canvassing_efforts, canvasses,
// record_canvass_helper and scripts.
import { defineModule } from '../manifest.ts';
import { canvassErrors } from './canvass.errors.ts';
import { canvassRoutes } from './canvass.routes.ts';
import { canvassNav } from './nav.ts';
import { osdiCanvassRoutes } from './osdi.routes.ts';
import { terrainRoutes } from './terrain.routes.ts';

export { FAR_KNOCK_METRES, SHIFT_MIN_DOORS, syncBatch } from './sync.ts';

export const canvassModule = defineModule({
  name: 'canvass',
  routes: [
    { prefix: '/api/v1', plugin: canvassRoutes },
    { prefix: '/api/v1', plugin: osdiCanvassRoutes },
    { prefix: '', plugin: terrainRoutes },
  ],
  errors: canvassErrors,
  permissions: [
    { id: 'canvass.knock', roles: ['admin', 'organizer', 'referent', 'volunteer'] },
    { id: 'canvass.read', roles: ['admin', 'organizer', 'referent'] },
    { id: 'canvass.manage', roles: ['admin', 'organizer'] },
  ],
  scopes: [
    {
      id: 'canvasses:read',
      permission: 'canvass.read',
      fr: 'Lire les résultats du porte-à-porte et sa progression',
      en: 'Read canvassing results and progress',
    },
    {
      id: 'canvasses:write',
      permission: 'canvass.knock',
      fr: 'Enregistrer des résultats de porte-à-porte',
      en: 'Record canvassing results',
    },
    { id: 'scripts:read', permission: 'canvass.read', fr: 'Lire les argumentaires de porte-à-porte', en: 'Read door scripts' },
    {
      id: 'scripts:write',
      permission: 'canvass.manage',
      fr: 'Écrire les argumentaires et leurs tests A/B',
      en: 'Write door scripts and their A/B tests',
    },
  ],
  links: [
    { rel: 'osdi:canvassing_efforts', path: '/canvassing_efforts', title: 'The collection of canvassing efforts in the system' },
    { rel: 'osdi:scripts', path: '/scripts', title: 'The collection of scripts in the system' },
    { rel: 'relais:canvass_progress', path: '/canvass/progress', title: 'Door-to-door progress and quality signals' },
  ],
  nav: canvassNav,
});
