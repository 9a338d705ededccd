// The segments module's public face and manifest: saved dynamic filters, their compiler to SQL,
// counts and the streamed CSV export; the segments are also OSDI queries.
import { defineModule } from '../manifest.ts';
import { segmentsNav } from './nav.ts';
import { queriesRoutes } from './queries.routes.ts';
import { segmentsErrors } from './segments.errors.ts';
import { segmentsRoutes } from './segments.routes.ts';

export { compileSegment } from './segment-compiler.ts';
export type { SegmentCondition } from './segment-definition.ts';
export { exportPeopleCsv } from './segment-export.ts';
export { sendPeopleCsv } from './segments.routes.ts';
export { countSegment, loadSegmentDefinition, prepareSegment, segmentPersonIds } from './segments.service.ts';

export const segmentsModule = defineModule({
  name: 'segments',
  routes: [
    { prefix: '/api/v1', plugin: segmentsRoutes },
    // The same segments as OSDI queries, which messages name as their targets.
    { prefix: '/api/v1', plugin: queriesRoutes },
  ],
  links: [
    { rel: 'relais:segments', path: '/segments', title: 'Saved segments (dynamic filters of people)' },
    { rel: 'osdi:queries', path: '/queries', title: 'Saved segments as OSDI queries (dynamic collections of people)' },
  ],
  errors: segmentsErrors,
  // Segment exports need people:export, the people module's scope.
  scopes: [
    { id: 'segments:read', permission: 'people.read', fr: 'Lire les segments et les compter', en: 'Read and count segments' },
    { id: 'segments:write', permission: 'people.write', fr: 'Créer et modifier des segments', en: 'Create and update segments' },
  ],
  nav: segmentsNav,
});
