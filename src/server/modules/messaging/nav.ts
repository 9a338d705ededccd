// The messaging module's navigation entry (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const messagingNav = [
  {
    id: 'mailings',
    path: '/mailings',
    permission: 'messaging.read',
    label: { fr: 'Envois e-mail', en: 'Mailings' },
    icon: 'mail',
    section: 'campaign',
    order: 34,
  },
] as const satisfies readonly NavEntrySpec[];
