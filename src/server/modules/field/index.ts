// The field module's public face and manifest (issue 16): buildings made from the address base with
// their entrances and door grid, turfs cut from a zone's buildings (cutting/: capacitated clustering,
// walking order, hulls) as a job with progress, hand edits and assignments, printable walk lists and
// tracts, and the electoral roll for field and post only.
import { defineModule } from '../manifest.ts';
import { makeBuildingsJob } from './buildings.ts';
import { fieldErrors } from './field.errors.ts';
import { fieldRoutes } from './field.routes.ts';
import { fieldNav } from './nav.ts';
import { fieldTeamRoutes } from './teams.routes.ts';
import { cutTurfsJob } from './turfs.ts';

export { doorLabel, estimateDoors, groupAddresses, makeBuildings } from './buildings.ts';
export { type CutBuilding, cutTurfs } from './cutting/cut-turfs.ts';
export { readSocialHousing, seedDemoField } from './demo.ts';
export { runCut, turfShape, zoneInReach } from './turfs.ts';

export const fieldModule = defineModule({
  name: 'field',
  routes: [
    { prefix: '/api/v1', plugin: fieldRoutes },
    { prefix: '/api/v1', plugin: fieldTeamRoutes },
  ],
  errors: fieldErrors,
  jobs: [makeBuildingsJob, cutTurfsJob],
  permissions: [
    { id: 'field.read', roles: ['admin', 'organizer', 'referent', 'candidate', 'volunteer'] },
    { id: 'field.manage', roles: ['admin', 'organizer', 'referent'] },
    { id: 'field.roll', roles: ['admin', 'organizer'] },
  ],
  scopes: [
    {
      id: 'turfs:read',
      permission: 'field.read',
      fr: 'Lire les immeubles et les secteurs de porte-à-porte',
      en: 'Read buildings and canvassing turfs',
    },
    {
      id: 'turfs:write',
      permission: 'field.manage',
      fr: 'Découper, modifier et attribuer les secteurs de porte-à-porte',
      en: 'Cut, edit and assign canvassing turfs',
    },
  ],
  links: [{ rel: 'relais:turfs', path: '/field/turfs', title: 'Canvassing turfs' }],
  nav: fieldNav,
});
