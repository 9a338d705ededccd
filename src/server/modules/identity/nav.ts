// The identity module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const identityNav = [
  {
    id: 'team',
    path: '/team',
    permission: 'users.manage',
    label: { fr: 'Équipe', en: 'Team' },
    icon: 'users',
    section: 'admin',
    order: 20,
  },
  {
    id: 'tokens',
    path: '/tokens',
    permission: 'tokens.manage',
    label: { fr: "Jetons d'API", en: 'API tokens' },
    icon: 'key',
    section: 'admin',
    order: 30,
  },
] as const satisfies readonly NavEntrySpec[];
