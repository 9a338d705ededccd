// The segments module's public face and manifest: saved dynamic filters, their compiler to SQL,
// counts and the streamed CSV export.
import { defineModule } from '../manifest.ts';
import { segmentsNav } from './nav.ts';
import { segmentsErrors } from './segments.errors.ts';
import { segmentsRoutes } from './segments.routes.ts';

export { compileSegment } from './segment-compiler.ts';
export type { SegmentCondition } from './segment-definition.ts';
export { exportPeopleCsv } from './segment-export.ts';
export { countSegment, loadSegmentDefinition, segmentPersonIds } from './segments.service.ts';

export const segmentsModule = defineModule({
  name: 'segments',
  routes: [{ prefix: '/api/v1', plugin: segmentsRoutes }],
  links: [{ rel: 'relais:segments', path: '/segments', title: 'Saved segments (dynamic filters of people)' }],
  errors: segmentsErrors,
  nav: segmentsNav,
});
