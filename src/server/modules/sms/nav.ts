// The SMS module's navigation entry (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const smsNav = [
  {
    id: 'sms',
    path: '/sms',
    permission: 'sms.read',
    label: { fr: 'SMS', en: 'SMS' },
    icon: 'message',
    section: 'campaign',
    order: 35,
  },
] as const satisfies readonly NavEntrySpec[];
