// The system module's public face and manifest: health, the API entry point, the development outbox.
import { defineModule } from '../manifest.ts';
import { systemNav } from './nav.ts';
import { systemRoutes } from './system.routes.ts';

export { createHealthCheck, type HealthCheck } from './health.ts';
export { healthRoutes } from './system.routes.ts';

export const systemModule = defineModule({
  name: 'system',
  // The health probe (healthRoutes) is registered apart by app.ts, before the cookie, session and rate-limit layers.
  routes: [{ prefix: '', plugin: systemRoutes }],
  permissions: [{ id: 'outbox.read', roles: ['admin'] }],
  nav: systemNav,
});
