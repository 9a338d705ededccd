// The events module's navigation entry (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const eventsNav = [
  {
    id: 'events',
    path: '/events',
    permission: 'events.read',
    label: { fr: 'Événements', en: 'Events' },
    icon: 'calendar',
    section: 'campaign',
    order: 38,
  },
] as const satisfies readonly NavEntrySpec[];
