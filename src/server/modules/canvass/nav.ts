// The canvass module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const canvassNav = [
  {
    id: 'canvass',
    path: '/canvass',
    permission: 'canvass.read',
    label: { fr: 'Porte-à-porte', en: 'Canvassing' },
    icon: 'map',
    section: 'campaign',
    order: 56,
  },
] as const satisfies readonly NavEntrySpec[];
