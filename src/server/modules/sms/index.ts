// The SMS module's public face and manifest: a provider interface (Twilio's Messages API, the
// development outbox), texts measured (GSM-7 or UCS-2, segments, cost, replacements), sends queued
// to people with SMS consent and dispatched by the `sms.send` job within the sending hours,
// delivery reports and STOP replies through signed Twilio callbacks; sends to people, a list or an
// audience (the messaging module's, on the SMS channel), their URLs as short tracked links (/s/<code>).
import { defineModule } from '../manifest.ts';
import { lostSendingJanitorOf, sendJob } from './dispatch.ts';
import { smsNav } from './nav.ts';
import { shortLinkRoutes } from './short-links.routes.ts';
import { smsErrors } from './sms.errors.ts';
import { smsRoutes } from './sms.routes.ts';
import { twilioRoutes } from './twilio.routes.ts';

export { type StaffAlertOutcome, sendStaffAlert } from './alert.ts';
export { dispatchDue, requestDispatch } from './dispatch.ts';
export { frenchPublicHolidays, nextAllowedInstant } from './hours.ts';
export { isStopReply } from './rules.ts';
export { queueSms } from './sms.service.ts';
export { analyseText, countSegments } from './text.ts';

export const smsModule = defineModule({
  name: 'sms',
  routes: [
    { prefix: '/api/v1', plugin: smsRoutes },
    { prefix: '/api/v1', plugin: twilioRoutes },
    // The short links of SMS texts (/s/<code>), public.
    { prefix: '', plugin: shortLinkRoutes },
  ],
  errors: smsErrors,
  permissions: [
    { id: 'sms.read', roles: ['admin', 'organizer'] },
    { id: 'sms.send', roles: ['admin', 'organizer'] },
    { id: 'sms.manage', roles: ['admin'] },
  ],
  scopes: [
    { id: 'sms:read', permission: 'sms.read', fr: 'Lire les SMS et estimer un envoi', en: 'Read SMS and estimate a send' },
    { id: 'sms:send', permission: 'sms.send', fr: 'Envoyer des SMS', en: 'Send SMS' },
  ],
  links: [{ rel: 'relais:sms_messages', path: '/sms/messages', title: 'SMS of the campaign' }],
  jobs: [sendJob],
  janitors: [lostSendingJanitorOf],
  nav: smsNav,
});
