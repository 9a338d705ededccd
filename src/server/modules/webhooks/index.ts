// The webhooks module's public face and manifest: subscriptions per campaign to domain events,
// signed deliveries in Action Network's shape, retried for a day from a delivery table, a log with
// replay, endpoints disabled after a day of failures, and outgoing requests guarded against SSRF.
import { defineModule } from '../manifest.ts';
import { deliverJob, deliveryLogJanitorOf } from './delivery.ts';
import { webhooksNav } from './nav.ts';
import { webhooksErrors } from './webhooks.errors.ts';
import { webhooksRoutes } from './webhooks.routes.ts';

export { webhooksSubscriber } from './delivery.ts';
export { SIGNATURE_HEADER, SIGNATURE_TOLERANCE_SECONDS, verifySignature } from './signature.ts';
export { allowListOf, type CheckedTarget, checkTarget, TargetRefused } from './ssrf.ts';

export const webhooksModule = defineModule({
  name: 'webhooks',
  routes: [{ prefix: '/api/v1', plugin: webhooksRoutes }],
  errors: webhooksErrors,
  permissions: [{ id: 'webhooks.manage', roles: ['admin'] }],
  scopes: [
    {
      id: 'webhooks:manage',
      permission: 'webhooks.manage',
      fr: 'Gérer les webhooks (abonnements, journal des envois)',
      en: 'Manage webhooks (subscriptions, delivery log)',
    },
  ],
  links: [{ rel: 'relais:webhooks', path: '/webhooks', title: 'Webhook subscriptions of the campaign' }],
  jobs: [deliverJob],
  janitors: [deliveryLogJanitorOf],
  nav: webhooksNav,
});
