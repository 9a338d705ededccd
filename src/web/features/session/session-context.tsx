// The signed-in session, provided by the authenticated layout to every screen below it.
import { createContext, useContext } from 'react';
import type { Permission, Session } from './api.ts';

export const SessionContext = createContext<Session | null>(null);

/** The current session; only callable under the authenticated layout. */
export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() outside the authenticated layout');
  return session;
}

/** True when the current role grants the permission. */
export function useCan(permission: Permission): boolean {
  return useSession().permissions.includes(permission);
}
