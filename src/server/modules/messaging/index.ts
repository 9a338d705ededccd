// The messaging module's public face and manifest: mailings composed from blocks or MJML, audiences
// (segments and lists, always within e-mail consent and minus suppressions), exactly-once sending
// through SMTP with RFC 8058 one-click unsubscribe, DKIM and VERP return paths, and the suppression
// list (suppressAddress, also used by bounce and complaint handling).

// First, before anything that loads the other modules: the SMS module's route schemas read these
// when their file is evaluated, which can happen while this file is still loading (modules import one
// another's faces); exported first, they are defined by then.
export { AudienceSchema, ZoneCountSchema } from './audience-schema.ts';

import { defineModule } from '../manifest.ts';
import { abErrors } from './ab/ab.errors.ts';
import { abEvaluateJob } from './ab/ab.job.ts';
import { abRoutes } from './ab/ab.routes.ts';
import { bouncesErrors } from './bounces/bounces.errors.ts';
import { bouncesJob } from './bounces/bounces.job.ts';
import { bouncesRoutes } from './bounces/bounces.routes.ts';
import { deliverabilityRoutes } from './deliverability/deliverability.routes.ts';
import { messagingErrors } from './messaging.errors.ts';
import { messagingRoutes } from './messaging.routes.ts';
import { messagingNav } from './nav.ts';
import { scheduleJobDefinition } from './schedule.ts';
import { sendJob } from './send.ts';
import { trackingReportRoutes } from './tracking/report.routes.ts';
import { trackingRoutes } from './tracking/tracking.routes.ts';
import { unsubscribeRoutes } from './unsubscribe.routes.ts';

export {
  type Audience,
  type AudienceCount,
  audienceWhere,
  countByZone,
  reportingZoneOf,
  reportingZones,
} from './audience.ts';
export { requestBounceCheck } from './bounces/bounces.job.ts';
export { findRecipientById } from './messaging.repo.ts';
export { SUPPRESSION_REASONS, type SuppressionResult, suppressAddress } from './suppression.ts';
export { recipientOfAddress, returnPathOf } from './tokens.ts';
export { mailingReport } from './tracking/report.ts';
export { invalidLinkPage, trackingWriterOf } from './tracking/tracking.routes.ts';

export const messagingModule = defineModule({
  name: 'messaging',
  routes: [
    { prefix: '/api/v1', plugin: messagingRoutes },
    { prefix: '', plugin: unsubscribeRoutes },
    // Bounces and complaints: the providers' signed event webhooks (bounces/).
    { prefix: '/api/v1', plugin: bouncesRoutes },
    { prefix: '/api/v1', plugin: trackingReportRoutes },
    // Caps per receiving domain, DNS records and their check, the complaint rate (deliverability/).
    { prefix: '/api/v1', plugin: deliverabilityRoutes },
    { prefix: '', plugin: trackingRoutes },
    // A/B tests (ab/).
    { prefix: '/api/v1', plugin: abRoutes },
  ],
  // Sending; scheduled sends and weekly series (schedule.ts); reading the bounce mailbox (bounces/);
  // evaluating A/B tests (ab/).
  jobs: [sendJob, scheduleJobDefinition, bouncesJob, abEvaluateJob],
  errors: { ...messagingErrors, ...bouncesErrors, ...abErrors },
  permissions: [
    { id: 'messaging.read', roles: ['admin', 'organizer', 'referent', 'community_manager'] },
    { id: 'messaging.write', roles: ['admin', 'organizer', 'referent', 'community_manager'] },
    { id: 'messaging.send', roles: ['admin', 'organizer', 'referent'] },
    // Deliverability settings (caps, DNS records, thresholds) and resuming sending paused by complaints.
    { id: 'messaging.deliverability', roles: ['admin'] },
  ],
  scopes: [
    {
      id: 'messages:read',
      permission: 'messaging.read',
      fr: 'Lire les envois et leurs statistiques',
      en: 'Read mailings and their statistics',
    },
    { id: 'messages:write', permission: 'messaging.write', fr: 'Créer et modifier des envois', en: 'Create and update mailings' },
    { id: 'messages:send', permission: 'messaging.send', fr: 'Envoyer des e-mails aux contacts', en: 'Send mailings to contacts' },
  ],
  nav: messagingNav,
  links: [{ rel: 'osdi:messages', path: '/messages', title: 'Mailings of the campaign (OSDI messages)' }],
});
