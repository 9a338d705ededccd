// Route guards: signed in (else to /login?next=…), and holding a permission (else "Accès refusé").
import { Center } from '@mantine/core';
import { type ReactNode, useEffect } from 'react';
import { Navigate, Outlet, useLocation } from 'react-router';
import type { Permission } from '../features/session/api.ts';
import { useSessionQuery } from '../features/session/api.ts';
import { SessionContext, useSession } from '../features/session/session-context.tsx';
import { toLocale, useLocale } from '../i18n/locale-context.tsx';
import { ErrorAlert } from '../ui/error-alert.tsx';
import { ForbiddenPage, FullPageLoader } from '../ui/status-page.tsx';

/** Renders the child routes with the session in context, or sends an anonymous visitor to the login screen. */
export function RequireAuth() {
  const session = useSessionQuery();
  const location = useLocation();
  const { setLocale } = useLocale();
  const userId = session.data?.user.id;
  const userLocale = toLocale(session.data?.user.locale);

  // The user's saved language wins over the browser's (it only changes when the user or their choice does).
  useEffect(() => {
    if (userId && userLocale) setLocale(userLocale);
  }, [userId, userLocale, setLocale]);

  if (session.isPending) return <FullPageLoader />;
  if (session.isError) {
    return (
      <Center mih="100dvh" p="md">
        <ErrorAlert error={session.error} onRetry={() => void session.refetch()} />
      </Center>
    );
  }
  if (!session.data) {
    const next = `${location.pathname}${location.search}`;
    const to = next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`;
    return <Navigate to={to} replace />;
  }
  return (
    <SessionContext.Provider value={session.data}>
      <Outlet />
    </SessionContext.Provider>
  );
}

/** Shows children only when the current role has the permission (or, given several, any of them). */
export function RequirePermission({ permission, children }: { permission: Permission | readonly Permission[]; children: ReactNode }) {
  const { permissions } = useSession();
  const allowed = typeof permission === 'string' ? [permission] : permission;
  return allowed.some((p) => permissions.includes(p)) ? children : <ForbiddenPage />;
}
