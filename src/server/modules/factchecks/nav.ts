// The fact checks module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const factchecksNav = [
  {
    id: 'factchecks',
    path: '/factchecks',
    permission: 'factchecks.read',
    label: { fr: 'Le vrai du faux', en: 'Fact checks' },
    icon: 'check',
    section: 'campaign',
    order: 41,
  },
] as const satisfies readonly NavEntrySpec[];
