// The targeting module's public face and manifest (issue 16, item 1): scores per zone from weighted
// indicators or presets, carried between geographies by interpolation weighted by dwellings per
// address, priorities P1–P5, explanations, target zones, and buildings' scores from them.
import { defineModule } from '../manifest.ts';
import { targetingNav } from './nav.ts';
import { targetingErrors } from './targeting.errors.ts';
import { targetingRoutes } from './targeting.routes.ts';

export { seedDemoTargeting } from './demo.ts';
export { type AddressGroup, buildCrosswalk, interpolateCount, interpolateLevel, interpolateRatio } from './interpolate.ts';
export { computeAndStore, type ScoreDefinition } from './targeting.service.ts';

export const targetingModule = defineModule({
  name: 'targeting',
  routes: [{ prefix: '/api/v1', plugin: targetingRoutes }],
  errors: targetingErrors,
  permissions: [
    { id: 'targeting.read', roles: ['admin', 'organizer', 'referent', 'candidate'] },
    { id: 'targeting.write', roles: ['admin', 'organizer', 'referent'] },
  ],
  scopes: [
    {
      id: 'targeting:read',
      permission: 'targeting.read',
      fr: 'Lire les scores de ciblage et les zones cibles',
      en: 'Read targeting scores and target zones',
    },
    {
      id: 'targeting:write',
      permission: 'targeting.write',
      fr: 'Enregistrer des scores de ciblage et choisir les zones cibles',
      en: 'Save targeting scores and pick target zones',
    },
  ],
  links: [
    { rel: 'relais:target_scores', path: '/target_scores', title: 'Target scores per zone (presets, weights, P1–P5)' },
    { rel: 'relais:target_zones', path: '/target_zones', title: 'Zones picked as targets' },
  ],
  nav: targetingNav,
});
