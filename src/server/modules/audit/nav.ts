// The audit module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const auditNav = [
  {
    id: 'audit',
    path: '/audit',
    permission: 'audit.read',
    label: { fr: "Journal d'audit", en: 'Audit log' },
    icon: 'history',
    section: 'admin',
    order: 40,
  },
] as const satisfies readonly NavEntrySpec[];
