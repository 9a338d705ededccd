// The events module's public face and manifest: events (pop-ups, meetings, door-to-door sessions,
// hackathons, online events), RSVPs on person records with capacity and waitlist, the reminder
// sequence (jobs), ICS and RSS/Atom feeds, check-in at the door (signed QR tickets), proposals by
// volunteers published after approval; OSDI events, attendances, record_attendance_helper; the
// public pages /evenements (list and map), /evenements/<id> (RSVP form without JavaScript).
import { defineModule } from '../manifest.ts';
import { eventsErrors } from './events.errors.ts';
import { eventsRoutes } from './events.routes.ts';
import { eventsNav } from './nav.ts';
import { publicEventRoutes } from './public.routes.ts';
import { notifyJob, staffJob } from './reminders.ts';

export { seedDemoEvents } from './demo.ts';
export { eventsForZoneHtml } from './public.routes.ts';

export const eventsModule = defineModule({
  name: 'events',
  routes: [
    { prefix: '/api/v1', plugin: eventsRoutes },
    { prefix: '', plugin: publicEventRoutes },
  ],
  errors: eventsErrors,
  permissions: [
    { id: 'events.read', roles: ['admin', 'organizer', 'referent', 'community_manager', 'candidate', 'volunteer'] },
    // Who answered (names, e-mails): the staff, not every volunteer.
    { id: 'events.attendees', roles: ['admin', 'organizer', 'referent', 'community_manager'] },
    { id: 'events.write', roles: ['admin', 'organizer', 'referent'] },
    { id: 'events.propose', roles: ['admin', 'organizer', 'referent', 'community_manager', 'volunteer'] },
    { id: 'events.checkin', roles: ['admin', 'organizer', 'referent', 'volunteer'] },
  ],
  scopes: [
    { id: 'events:read', permission: 'events.read', fr: 'Lire les événements', en: 'Read events' },
    {
      id: 'events:write',
      permission: 'events.write',
      fr: 'Créer, modifier, annuler et approuver des événements',
      en: 'Create, change, cancel and approve events',
    },
    {
      id: 'events:propose',
      permission: 'events.propose',
      fr: 'Proposer des événements (publiés après approbation)',
      en: 'Propose events (published once approved)',
    },
    { id: 'attendances:read', permission: 'events.attendees', fr: 'Lire les inscriptions aux événements', en: 'Read event attendances' },
    { id: 'attendances:write', permission: 'events.write', fr: 'Inscrire des personnes aux événements', en: 'Record event attendances' },
  ],
  links: [{ rel: 'osdi:events', path: '/events', title: 'The collection of events in the system' }],
  jobs: [notifyJob, staffJob],
  nav: eventsNav,
});
