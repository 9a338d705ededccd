// The people module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const peopleNav = [
  {
    id: 'people',
    path: '/people',
    permission: 'people.read',
    label: { fr: 'Personnes', en: 'People' },
    icon: 'users',
    section: 'campaign',
    order: 20,
  },
  {
    id: 'ladder',
    path: '/ladder',
    permission: 'people.read',
    label: { fr: "Échelle d'engagement", en: 'Engagement ladder' },
    icon: 'activity',
    section: 'campaign',
    order: 25,
  },
  // The campaign settings (ladder and custom fields: users.manage; tags and lists: people.write; the
  // election calendar of the calendar module: calendar.write; mail deliverability: messaging.deliverability).
  {
    id: 'settings',
    path: '/settings',
    permission: ['users.manage', 'people.write', 'calendar.write', 'messaging.deliverability'],
    label: { fr: 'Paramètres', en: 'Settings' },
    icon: 'settings',
    section: 'admin',
    order: 10,
  },
] as const satisfies readonly NavEntrySpec[];
