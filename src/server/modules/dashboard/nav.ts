// The dashboard module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const dashboardNav = [
  { id: 'dashboard', path: '/', label: { fr: 'Tableau de bord', en: 'Dashboard' }, icon: 'home', section: 'campaign', order: 10 },
] as const satisfies readonly NavEntrySpec[];
