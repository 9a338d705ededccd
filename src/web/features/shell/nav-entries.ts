// The back office's navigation as the server's modules declare it (server/modules/nav.ts gathers each
// module's dependency-free nav.ts): typed here with the web's permissions and icons, in display order.
import { NAV_ENTRIES, NAV_SECTIONS, type NavSection } from '../../../server/modules/nav.ts';
import type { IconName } from '../../ui/icons.tsx';
import type { Permission } from '../session/api.ts';

export type NavId = (typeof NAV_ENTRIES)[number]['id'];
export { NAV_SECTIONS, type NavSection };

export interface NavEntry {
  id: NavId;
  /** The screen's path under /app ('/' for the home screen). */
  path: `/${string}`;
  /** Shown, and its screen opened, when the role holds this permission (or any of these). */
  permission?: Permission | readonly Permission[];
  label: { fr: string; en: string };
  icon: IconName;
  section: NavSection;
  order: number;
}

// This assignment is the type check: a module cannot declare a permission the server does not have
// or an icon the web does not draw.
const declared: readonly NavEntry[] = NAV_ENTRIES;

/** Every navigation entry, section by section, each section in its modules' order. */
export const NAV: readonly NavEntry[] = [...declared].sort(
  (a, b) => NAV_SECTIONS.indexOf(a.section) - NAV_SECTIONS.indexOf(b.section) || a.order - b.order,
);

/** The permissions of an entry as a list (none: every member may open it). */
export function permissionsOf(entry: Pick<NavEntry, 'permission'>): readonly Permission[] {
  return typeof entry.permission === 'string' ? [entry.permission] : (entry.permission ?? []);
}
