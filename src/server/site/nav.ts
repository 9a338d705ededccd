// The site module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../modules/nav.ts';

export const siteNav = [
  {
    id: 'site',
    path: '/site',
    permission: 'site.read',
    label: { fr: 'Site public', en: 'Public site' },
    icon: 'map',
    section: 'campaign',
    order: 37,
  },
] as const satisfies readonly NavEntrySpec[];
