// The public votes module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const votesNav = [
  {
    id: 'votes',
    path: '/votes',
    permission: 'votes.read',
    label: { fr: 'Votes publics', en: 'Public votes' },
    icon: 'activity',
    section: 'campaign',
    order: 42,
  },
] as const satisfies readonly NavEntrySpec[];
