// The field module's public face and manifest (issue 16: targeting, buildings, turfs, canvassing).
// So far it holds the turf-cutting library (cutting/: capacitated clustering, walking order, hulls),
// pure and tested on its own; the tables, routes, jobs and screens that use it come next.
import { defineModule } from '../manifest.ts';

export { type CutBuilding, cutTurfs } from './cutting/cut-turfs.ts';

export const fieldModule = defineModule({ name: 'field' });
