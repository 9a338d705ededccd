// The back office's navigation as the modules declare it: each modules/<m>/nav.ts lists its entries
// (its manifest's `nav`), and this file gathers them for the web. Every file of the navigation is
// dependency-free (types aside), so the web bundles it without any server code; manifests.test.ts
// checks that this list and the manifests' agree, and that no nav file imports a value.
import { siteNav } from '../site/nav.ts';
import { auditNav } from './audit/nav.ts';
import { canvassNav } from './canvass/nav.ts';
import { dashboardNav } from './dashboard/nav.ts';
import { eventsNav } from './events/nav.ts';
import { factchecksNav } from './factchecks/nav.ts';
import { fieldNav } from './field/nav.ts';
import { identityNav } from './identity/nav.ts';
import { jobsNav } from './jobs/nav.ts';
import { listeningNav } from './listening/nav.ts';
import { mediaNav } from './media/nav.ts';
import { messagingNav } from './messaging/nav.ts';
import { peopleNav } from './people/nav.ts';
import { petitionsNav } from './petitions/nav.ts';
import { segmentsNav } from './segments/nav.ts';
import { smsNav } from './sms/nav.ts';
import { systemNav } from './system/nav.ts';
import { targetingNav } from './targeting/nav.ts';
import { territoryNav } from './territory/nav.ts';
import { votesNav } from './votes/nav.ts';
import { webhooksNav } from './webhooks/nav.ts';

/** The navbar's sections, in display order. */
export const NAV_SECTIONS = ['campaign', 'admin'] as const;
export type NavSection = (typeof NAV_SECTIONS)[number];

/** One entry of the back office's navigation, declared by the module whose screen it opens. */
export interface NavEntrySpec {
  /** Stable id: the web maps it to its screen (src/web/routes/screens.tsx). */
  id: string;
  /** The screen's path under /app ('/' for the home screen). */
  path: `/${string}`;
  /** Shown, and its screen opened, when the role holds this permission (or any of these); none: every member. */
  permission?: string | readonly string[];
  /** Its label, French first. */
  label: { fr: string; en: string };
  /** An icon of the web's set (src/web/ui/icons.tsx). */
  icon: string;
  section: NavSection;
  /** Its place in the section, smaller first. */
  order: number;
}

/** Every module's navigation entries (the web narrows permissions and icons to its own types). */
export const NAV_ENTRIES = [
  ...dashboardNav,
  ...identityNav,
  ...territoryNav,
  ...targetingNav,
  ...peopleNav,
  ...segmentsNav,
  ...messagingNav,
  ...smsNav,
  ...fieldNav,
  ...canvassNav,
  ...eventsNav,
  ...listeningNav,
  ...factchecksNav,
  ...votesNav,
  ...mediaNav,
  ...jobsNav,
  ...auditNav,
  ...webhooksNav,
  ...petitionsNav,
  ...systemNav,
  ...siteNav,
] as const;
