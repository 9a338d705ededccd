// The territory module's public face and manifest: zones and their importer, the zone locator, the
// zones of each address, and people re-placed when zones change.
import { defineModule } from '../manifest.ts';
import { territoryNav } from './nav.ts';
import { territoryErrors } from './territory.errors.ts';
import { territoryRoutes } from './territory.routes.ts';

export { type AreaGeometry, polygonsOf, type Ring } from './geometry.ts';
export { indicatorDefinition } from './indicator-catalogue.ts';
export { ensureAddressesLocated, loadZoneLocator } from './locate-addresses.ts';
export { type ImportProgress, type ImportReport, importTerritory } from './territory.importer.ts';
export { zoneDescendants } from './territory.repo.ts';
export { createZoneLocator, type ZoneLocator } from './zone-locator.ts';

export const territoryModule = defineModule({
  name: 'territory',
  routes: [{ prefix: '/api/v1', plugin: territoryRoutes }],
  links: [
    { rel: 'relais:zone_layers', path: '/zone_layers', title: 'Layers of zones (arrondissements, polling stations…)' },
    { rel: 'relais:zones', path: '/zones', title: 'Zones of the territory' },
  ],
  errors: territoryErrors,
  permissions: [
    {
      id: 'zones.read',
      roles: ['admin', 'organizer', 'referent', 'community_manager', 'candidate', 'volunteer'],
    },
  ],
  scopes: [
    {
      id: 'zones:read',
      permission: 'zones.read',
      fr: 'Lire le territoire (zones, indicateurs)',
      en: 'Read the territory (zones, indicators)',
    },
  ],
  nav: territoryNav,
});
