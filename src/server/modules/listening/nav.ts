// The listening module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const listeningNav = [
  {
    id: 'listening',
    path: '/listening',
    permission: 'listening.read',
    label: { fr: 'Veille et réponses', en: 'Listening' },
    icon: 'activity',
    section: 'campaign',
    order: 36,
  },
] as const satisfies readonly NavEntrySpec[];
