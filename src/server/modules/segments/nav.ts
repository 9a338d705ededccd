// The segments module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const segmentsNav = [
  {
    id: 'segments',
    path: '/segments',
    permission: 'people.read',
    label: { fr: 'Segments', en: 'Segments' },
    icon: 'switch',
    section: 'campaign',
    order: 30,
  },
] as const satisfies readonly NavEntrySpec[];
