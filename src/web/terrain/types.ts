// The pack as GET /api/v1/canvass/pack answers it (the server's schema, types only).
import type { PackSchema } from '../../server/modules/canvass/canvass.routes.ts';
import type { Shape } from '../api/shapes.ts';

export type Pack = Shape<typeof PackSchema>;
export type PackTurf = Pack['turfs'][number];
export type PackBuilding = PackTurf['buildings'][number];
