// The calendar module's public face and manifest: the campaign's election and its rounds, and the
// one question every send path and publisher asks before anything goes out: is the campaign inside
// an electoral silence (Code électoral L.49: from 00:00 on the eve of a round, on the clocks of the
// round's time zone, until the polls close)?
import { defineModule } from '../manifest.ts';
import { calendarErrors } from './calendar.errors.ts';
import { calendarRoutes } from './calendar.routes.ts';

export { demoRoundDays, seedDemoCalendar } from './seed.ts';
export {
  assertNotInSilence,
  checkElectoralSilence,
  DEFAULT_POLLS_CLOSE,
  DEFAULT_TIME_ZONE,
  electoralSilenceError,
  nextAllowedAt,
  type SilenceCheck,
  type SilenceWindow,
  type SilentRound,
  silenceWindowOf,
} from './silence.ts';

export const calendarModule = defineModule({
  name: 'calendar',
  routes: [{ prefix: '/api/v1', plugin: calendarRoutes }],
  errors: calendarErrors,
  permissions: [
    { id: 'calendar.read', roles: ['admin', 'organizer', 'referent', 'community_manager', 'moderator', 'candidate', 'volunteer'] },
    { id: 'calendar.write', roles: ['admin'] },
  ],
  scopes: [
    {
      id: 'calendar:read',
      permission: 'calendar.read',
      fr: 'Lire le calendrier électoral et savoir si un envoi est permis (silence électoral)',
      en: 'Read the election calendar and whether a send is allowed (electoral silence)',
    },
    {
      id: 'calendar:write',
      permission: 'calendar.write',
      fr: 'Modifier le calendrier électoral (élection, tours de scrutin)',
      en: 'Change the election calendar (election, rounds)',
    },
  ],
  links: [{ rel: 'relais:calendar', path: '/calendar', title: "The campaign's election calendar and electoral silence check" }],
});
