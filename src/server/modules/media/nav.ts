// The volunteer media module's navigation entries (dependency-free: the web bundles this file).
import type { NavEntrySpec } from '../nav.ts';

export const mediaNav = [
  {
    id: 'media',
    path: '/medias',
    permission: 'media.read',
    label: { fr: 'Photos et vidéos', en: 'Photos and videos' },
    icon: 'photo',
    section: 'campaign',
    order: 43,
  },
] as const satisfies readonly NavEntrySpec[];
