// Every screen of the back office and its permission, in one explicit table (basename /app).
import { createBrowserRouter } from 'react-router';
import { AuditPage } from '../features/audit/components/audit-page.tsx';
import { LoginPage } from '../features/auth/components/login-page.tsx';
import { ResetPage } from '../features/auth/components/reset-page.tsx';
import { DashboardPage } from '../features/dashboard/components/dashboard-page.tsx';
import { ImportPage } from '../features/imports/components/import-page.tsx';
import { JobsPage } from '../features/jobs/components/jobs-page.tsx';
import { FunnelPage } from '../features/ladder/components/funnel-page.tsx';
import { OutboxPage } from '../features/outbox/components/outbox-page.tsx';
import { DuplicatesPage } from '../features/people/components/duplicates-page.tsx';
import { PeoplePage } from '../features/people/components/people-page.tsx';
import { PersonPage } from '../features/people/components/person-page.tsx';
import { SegmentPage } from '../features/segments/components/segment-page.tsx';
import { SegmentsPage } from '../features/segments/components/segments-page.tsx';
import { FieldsSettings } from '../features/settings/components/fields-settings.tsx';
import { GroupSettings } from '../features/settings/components/group-settings.tsx';
import { LadderSettings } from '../features/settings/components/ladder-settings.tsx';
import { SettingsIndex, SettingsLayout } from '../features/settings/components/settings-layout.tsx';
import { SETTINGS_PERMISSIONS } from '../features/settings/sections.ts';
import { AppLayout } from '../features/shell/components/app-layout.tsx';
import { TeamPage } from '../features/team/components/team-page.tsx';
import { TerritoryPage } from '../features/territory/components/territory-page.tsx';
import { TokensPage } from '../features/tokens/components/tokens-page.tsx';
import { NotFoundPage } from '../ui/status-page.tsx';
import { RequireAuth, RequirePermission } from './require-auth.tsx';

/** Builds the browser router of the SPA, served by Fastify under /app/. */
export function createAppRouter() {
  return createBrowserRouter(
    [
      { path: '/login', element: <LoginPage /> },
      { path: '/reset', element: <ResetPage /> },
      {
        element: <RequireAuth />,
        children: [
          {
            element: <AppLayout />,
            children: [
              { index: true, element: <DashboardPage /> },
              {
                path: 'territory',
                element: (
                  <RequirePermission permission="zones.read">
                    <TerritoryPage />
                  </RequirePermission>
                ),
              },
              {
                path: 'people',
                element: (
                  <RequirePermission permission="people.read">
                    <PeoplePage />
                  </RequirePermission>
                ),
              },
              {
                path: 'people/import',
                element: (
                  <RequirePermission permission="people.write">
                    <ImportPage />
                  </RequirePermission>
                ),
              },
              {
                path: 'people/duplicates',
                element: (
                  <RequirePermission permission="people.read">
                    <DuplicatesPage />
                  </RequirePermission>
                ),
              },
              {
                path: 'people/:id',
                element: (
                  <RequirePermission permission="people.read">
                    <PersonPage />
                  </RequirePermission>
                ),
              },
              {
                path: 'segments',
                element: (
                  <RequirePermission permission="people.read">
                    <SegmentsPage />
                  </RequirePermission>
                ),
              },
              {
                path: 'segments/:id',
                element: (
                  <RequirePermission permission="people.read">
                    <SegmentPage />
                  </RequirePermission>
                ),
              },
              {
                path: 'ladder',
                element: (
                  <RequirePermission permission="people.read">
                    <FunnelPage />
                  </RequirePermission>
                ),
              },
              {
                path: 'jobs',
                element: (
                  <RequirePermission permission="jobs.read">
                    <JobsPage />
                  </RequirePermission>
                ),
              },
              {
                path: 'team',
                element: (
                  <RequirePermission permission="users.manage">
                    <TeamPage />
                  </RequirePermission>
                ),
              },
              {
                path: 'tokens',
                element: (
                  <RequirePermission permission="tokens.manage">
                    <TokensPage />
                  </RequirePermission>
                ),
              },
              {
                path: 'audit',
                element: (
                  <RequirePermission permission="audit.read">
                    <AuditPage />
                  </RequirePermission>
                ),
              },
              {
                path: 'settings',
                element: (
                  <RequirePermission permission={SETTINGS_PERMISSIONS}>
                    <SettingsLayout />
                  </RequirePermission>
                ),
                children: [
                  { index: true, element: <SettingsIndex /> },
                  {
                    path: 'ladder',
                    element: (
                      <RequirePermission permission="users.manage">
                        <LadderSettings />
                      </RequirePermission>
                    ),
                  },
                  {
                    path: 'tags',
                    element: (
                      <RequirePermission permission="people.write">
                        <GroupSettings kind="tag" key="tag" />
                      </RequirePermission>
                    ),
                  },
                  {
                    path: 'lists',
                    element: (
                      <RequirePermission permission="people.write">
                        <GroupSettings kind="list" key="list" />
                      </RequirePermission>
                    ),
                  },
                  {
                    path: 'fields',
                    element: (
                      <RequirePermission permission="users.manage">
                        <FieldsSettings />
                      </RequirePermission>
                    ),
                  },
                ],
              },
              {
                path: 'outbox',
                element: (
                  <RequirePermission permission="outbox.read">
                    <OutboxPage />
                  </RequirePermission>
                ),
              },
              { path: '*', element: <NotFoundPage /> },
            ],
          },
        ],
      },
    ],
    { basename: '/app' },
  );
}
