// The segments module's public face and manifest: saved dynamic filters, their compiler to SQL,
// counts and the streamed CSV export.
import { defineModule } from '../manifest.ts';
import { segmentsNav } from './nav.ts';
import { segmentsErrors } from './segments.errors.ts';
import { segmentsRoutes } from './segments.routes.ts';

export { compileSegment } from './segment-compiler.ts';
export type { SegmentCondition } from './segment-definition.ts';
export { exportPeopleCsv } from './segment-export.ts';
export { sendPeopleCsv } from './segments.routes.ts';
export { countSegment, loadSegmentDefinition, prepareSegment, segmentPersonIds } from './segments.service.ts';

export const segmentsModule = defineModule({
  name: 'segments',
  routes: [{ prefix: '/api/v1', plugin: segmentsRoutes }],
  errors: segmentsErrors,
  nav: segmentsNav,
});
