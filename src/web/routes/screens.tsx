// The ONE place where the back office's screens meet their paths: the screen of each navigation entry
// the modules declare (server/modules/*/nav.ts, by id), and the sub-pages reached from those screens.
// Screens load on demand, each in its own chunk. screens.test.ts fails on an entry without a screen,
// a screen without an entry, or a page file nobody routes.
import { type ComponentType, type LazyExoticComponent, lazy, type ReactNode } from 'react';
import type { Permission } from '../features/session/api.ts';
import type { NavId } from '../features/shell/nav-entries.ts';

/** A screen loaded when first shown. */
function screen<P extends object>(load: () => Promise<ComponentType<P>>): LazyExoticComponent<ComponentType<P>> {
  return lazy(async () => ({ default: await load() }));
}

/** The screen of each navigation entry, by its id (its path and permission are the entry's). */
export const NAV_SCREENS = {
  dashboard: screen(() => import('../features/dashboard/components/dashboard-page.tsx').then((m) => m.DashboardPage)),
  people: screen(() => import('../features/people/components/people-page.tsx').then((m) => m.PeoplePage)),
  segments: screen(() => import('../features/segments/components/segments-page.tsx').then((m) => m.SegmentsPage)),
  ladder: screen(() => import('../features/ladder/components/funnel-page.tsx').then((m) => m.FunnelPage)),
  territory: screen(() => import('../features/territory/components/territory-page.tsx').then((m) => m.TerritoryPage)),
  targeting: screen(() => import('../features/targeting/components/targeting-page.tsx').then((m) => m.TargetingPage)),
  field: screen(() => import('../features/field/components/field-page.tsx').then((m) => m.FieldPage)),
  jobs: screen(() => import('../features/jobs/components/jobs-page.tsx').then((m) => m.JobsPage)),
  settings: screen(() => import('../features/settings/components/settings-layout.tsx').then((m) => m.SettingsLayout)),
  team: screen(() => import('../features/team/components/team-page.tsx').then((m) => m.TeamPage)),
  tokens: screen(() => import('../features/tokens/components/tokens-page.tsx').then((m) => m.TokensPage)),
  audit: screen(() => import('../features/audit/components/audit-page.tsx').then((m) => m.AuditPage)),
  webhooks: screen(() => import('../features/webhooks/components/webhooks-page.tsx').then((m) => m.WebhooksPage)),
  mailings: screen(() => import('../features/messaging/components/mailings-page.tsx').then((m) => m.MailingsPage)),
  sms: screen(() => import('../features/sms/components/sms-page.tsx').then((m) => m.SmsPage)),
  events: screen(() => import('../features/events/components/events-page.tsx').then((m) => m.EventsPage)),
  outbox: screen(() => import('../features/outbox/components/outbox-page.tsx').then((m) => m.OutboxPage)),
  canvass: screen(() => import('../features/canvass/components/canvass-page.tsx').then((m) => m.CanvassPage)),
  site: screen(() => import('../features/site/components/site-page.tsx').then((m) => m.SitePage)),
  petitions: screen(() => import('../features/petitions/components/petitions-page.tsx').then((m) => m.PetitionsPage)),
  listening: screen(() => import('../features/listening/components/listening-page.tsx').then((m) => m.ListeningPage)),
  factchecks: screen(() => import('../features/factchecks/components/factchecks-page.tsx').then((m) => m.FactchecksPage)),
  votes: screen(() => import('../features/votes/components/votes-page.tsx').then((m) => m.VotesPage)),
  media: screen(() => import('../features/media/components/media-page.tsx').then((m) => m.MediaPage)),
} satisfies Record<NavId, LazyExoticComponent<ComponentType>>;

/** A screen reached from a navigation entry's screen rather than from the navigation. */
export interface SubPage {
  /** The navigation entry it belongs to: its path continues the entry's. */
  under: NavId;
  /** Its path below the entry's; none for the entry's own index (then `inside`). */
  path?: string;
  /** Shown inside the entry's screen (its <Outlet />) rather than in its place. */
  inside?: boolean;
  permission?: Permission | readonly Permission[];
  element: ReactNode;
}

const ImportPage = screen(() => import('../features/imports/components/import-page.tsx').then((m) => m.ImportPage));
const DuplicatesPage = screen(() => import('../features/people/components/duplicates-page.tsx').then((m) => m.DuplicatesPage));
const PersonNewPage = screen(() => import('../features/people/components/person-new-page.tsx').then((m) => m.PersonNewPage));
const PersonPage = screen(() => import('../features/people/components/person-page.tsx').then((m) => m.PersonPage));
const SegmentPage = screen(() => import('../features/segments/components/segment-page.tsx').then((m) => m.SegmentPage));
const MailingComposer = screen(() => import('../features/messaging/components/mailing-composer.tsx').then((m) => m.MailingComposer));
const MailingReportPage = screen(() => import('../features/messaging/components/mailing-report.tsx').then((m) => m.MailingReportPage));
const SmsSettingsPage = screen(() => import('../features/sms/components/sms-settings-page.tsx').then((m) => m.SmsSettingsPage));
const EventPage = screen(() => import('../features/events/components/event-page.tsx').then((m) => m.EventPage));
const CheckinPage = screen(() => import('../features/events/components/checkin-page.tsx').then((m) => m.CheckinPage));
const SettingsIndex = screen(() => import('../features/settings/components/settings-layout.tsx').then((m) => m.SettingsIndex));
const LadderSettings = screen(() => import('../features/settings/components/ladder-settings.tsx').then((m) => m.LadderSettings));
const GroupSettings = screen(() => import('../features/settings/components/group-settings.tsx').then((m) => m.GroupSettings));
const FieldsSettings = screen(() => import('../features/settings/components/fields-settings.tsx').then((m) => m.FieldsSettings));
const CalendarSettings = screen(() => import('../features/calendar/components/calendar-settings.tsx').then((m) => m.CalendarSettings));
const PetitionPage = screen(() => import('../features/petitions/components/petition-page.tsx').then((m) => m.PetitionPage));
const QuarantinePage = screen(() => import('../features/petitions/components/quarantine-page.tsx').then((m) => m.QuarantinePage));
const DeliverabilitySettings = screen(() =>
  import('../features/deliverability/components/deliverability-settings.tsx').then((m) => m.DeliverabilitySettings),
);

/** The sub-pages, each under its navigation entry. */
export const SUB_PAGES: readonly SubPage[] = [
  { under: 'people', path: 'import', permission: 'people.write', element: <ImportPage /> },
  { under: 'people', path: 'duplicates', permission: 'people.read', element: <DuplicatesPage /> },
  { under: 'people', path: 'new', permission: 'people.write', element: <PersonNewPage /> },
  { under: 'people', path: ':id', permission: 'people.read', element: <PersonPage /> },
  { under: 'segments', path: ':id', permission: 'people.read', element: <SegmentPage /> },
  { under: 'mailings', path: 'new', permission: 'messaging.write', element: <MailingComposer key="new" /> },
  { under: 'mailings', path: ':id', permission: 'messaging.read', element: <MailingComposer /> },
  { under: 'mailings', path: ':id/report', permission: 'messaging.read', element: <MailingReportPage /> },
  { under: 'sms', path: 'settings', permission: 'sms.manage', element: <SmsSettingsPage /> },
  { under: 'petitions', path: 'quarantaine', permission: 'petitions.read', element: <QuarantinePage /> },
  { under: 'petitions', path: ':id', permission: 'petitions.read', element: <PetitionPage /> },
  { under: 'events', path: 'new', permission: 'events.propose', element: <EventPage key="new" /> },
  { under: 'events', path: ':id', permission: 'events.read', element: <EventPage /> },
  { under: 'events', path: ':id/checkin', permission: 'events.checkin', element: <CheckinPage /> },
  // The settings sections (features/settings/sections.ts), each with the permission that manages it.
  { under: 'settings', inside: true, element: <SettingsIndex /> },
  { under: 'settings', inside: true, path: 'ladder', permission: 'users.manage', element: <LadderSettings /> },
  { under: 'settings', inside: true, path: 'tags', permission: 'people.write', element: <GroupSettings kind="tag" key="tag" /> },
  { under: 'settings', inside: true, path: 'lists', permission: 'people.write', element: <GroupSettings kind="list" key="list" /> },
  { under: 'settings', inside: true, path: 'fields', permission: 'users.manage', element: <FieldsSettings /> },
  { under: 'settings', inside: true, path: 'calendar', permission: 'calendar.write', element: <CalendarSettings /> },
  {
    under: 'settings',
    inside: true,
    path: 'deliverability',
    permission: 'messaging.deliverability',
    element: <DeliverabilitySettings />,
  },
];
