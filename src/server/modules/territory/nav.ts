// The territory module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const territoryNav = [
  {
    id: 'territory',
    path: '/territory',
    permission: 'zones.read',
    label: { fr: 'Territoire', en: 'Territory' },
    icon: 'map',
    section: 'campaign',
    order: 50,
  },
] as const satisfies readonly NavEntrySpec[];
