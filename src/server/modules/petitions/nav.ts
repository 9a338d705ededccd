// The petitions module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const petitionsNav = [
  {
    id: 'petitions',
    path: '/petitions',
    permission: 'petitions.read',
    label: { fr: 'Pétitions et formulaires', en: 'Petitions and forms' },
    icon: 'petition',
    section: 'campaign',
    order: 39,
  },
] as const satisfies readonly NavEntrySpec[];
