// The targeting module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const targetingNav = [
  {
    id: 'targeting',
    path: '/targeting',
    permission: 'targeting.read',
    label: { fr: 'Ciblage', en: 'Targeting' },
    icon: 'map',
    section: 'campaign',
    order: 52,
  },
] as const satisfies readonly NavEntrySpec[];
