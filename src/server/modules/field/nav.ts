// The field module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const fieldNav = [
  {
    id: 'field',
    path: '/field',
    permission: 'field.read',
    label: { fr: 'Terrain', en: 'Field' },
    icon: 'map',
    section: 'campaign',
    order: 54,
  },
] as const satisfies readonly NavEntrySpec[];
