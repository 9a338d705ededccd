// The browser router (basename /app): the sign-in screens, then every navigation entry's screen and
// its sub-pages as screens.tsx maps them, each behind the entry's (or the sub-page's) permission.
import { type ReactNode, Suspense } from 'react';
import { createBrowserRouter, type RouteObject } from 'react-router';
import { LoginPage } from '../features/auth/components/login-page.tsx';
import { ResetPage } from '../features/auth/components/reset-page.tsx';
import type { Permission } from '../features/session/api.ts';
import { AppLayout } from '../features/shell/components/app-layout.tsx';
import { NAV, type NavEntry } from '../features/shell/nav-entries.ts';
import { LoadingState } from '../ui/query-view.tsx';
import { NotFoundPage } from '../ui/status-page.tsx';
import { RequireAuth, RequirePermission } from './require-auth.tsx';
import { NAV_SCREENS, SUB_PAGES, type SubPage } from './screens.tsx';

/** A screen behind its permission, with a spinner while its code loads. */
function guarded(permission: Permission | readonly Permission[] | undefined, element: ReactNode): ReactNode {
  const loaded = <Suspense fallback={<LoadingState />}>{element}</Suspense>;
  return permission ? <RequirePermission permission={permission}>{loaded}</RequirePermission> : loaded;
}

/** The route of a sub-page, its path relative to `base` (its entry's path, or nothing when inside it). */
function subRoute(page: SubPage, base: string): RouteObject {
  const element = guarded(page.permission, page.element);
  if (!page.path) return { index: true, element };
  return { path: base ? `${base}/${page.path}` : page.path, element };
}

/** The routes of one navigation entry: its screen (with the sub-pages shown inside it), then the others. */
function entryRoutes(entry: NavEntry): RouteObject[] {
  const Screen = NAV_SCREENS[entry.id];
  const element = guarded(entry.permission, <Screen />);
  const path = entry.path.slice(1);
  const pages = SUB_PAGES.filter((page) => page.under === entry.id);
  const inside = pages.filter((page) => page.inside).map((page) => subRoute(page, ''));
  const beside = pages.filter((page) => !page.inside).map((page) => subRoute(page, path));
  const own: RouteObject = path ? { path, element, ...(inside.length > 0 ? { children: inside } : {}) } : { index: true, element };
  return [own, ...beside];
}

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
            children: [...NAV.flatMap(entryRoutes), { path: '*', element: <NotFoundPage /> }],
          },
        ],
      },
    ],
    { basename: '/app' },
  );
}
