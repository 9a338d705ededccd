// The jobs module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const jobsNav = [
  {
    id: 'jobs',
    path: '/jobs',
    permission: 'jobs.read',
    label: { fr: 'Tâches', en: 'Jobs' },
    icon: 'activity',
    section: 'campaign',
    order: 60,
  },
] as const satisfies readonly NavEntrySpec[];
