// The system module's navigation entries (dependency-free: the web bundles this file). The web shows
// the development outbox only while the server keeps one (no SMTP relay configured).
import type { NavEntrySpec } from '../nav.ts';

export const systemNav = [
  {
    id: 'outbox',
    path: '/outbox',
    permission: 'outbox.read',
    label: { fr: "Boîte d'envoi (dév.)", en: 'Outbox (dev)' },
    icon: 'mail',
    section: 'admin',
    order: 50,
  },
] as const satisfies readonly NavEntrySpec[];
