// The webhooks module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const webhooksNav = [
  {
    id: 'webhooks',
    path: '/webhooks',
    permission: 'webhooks.manage',
    label: { fr: 'Webhooks', en: 'Webhooks' },
    icon: 'webhook',
    section: 'admin',
    order: 35,
  },
] as const satisfies readonly NavEntrySpec[];
