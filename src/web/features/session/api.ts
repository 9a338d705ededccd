// The session: who is signed in, in which campaign, with which role and permissions.
import { type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  CampaignSwitchBody,
  LoginBody,
  MePatch,
  ResetConfirmBody,
  ResetRequestBody,
  SessionSchema,
} from '../../../server/modules/identity/identity.routes.ts';
import { ApiError, api, setCsrfToken } from '../../api/client.ts';
import type { Shape } from '../../api/shapes.ts';

export type Role = 'owner' | 'admin' | 'organizer' | 'referent' | 'community_manager' | 'moderator' | 'candidate' | 'volunteer';

export const ROLES: readonly Role[] = [
  'owner',
  'admin',
  'organizer',
  'referent',
  'community_manager',
  'moderator',
  'candidate',
  'volunteer',
];

/** The server's permissions, derived from its modules' manifests (type-only: nothing of the server is bundled). */
export type { Permission } from '../../../server/modules/index.ts';

export type Session = Shape<typeof SessionSchema>;
export type SessionUser = Session['user'];
export type Campaign = NonNullable<Session['campaign']>;
export type ZoneRef = Session['zones'][number];

export const sessionKey = ['session'] as const;

/** Loads the current session; null when nobody is signed in (401). */
export async function fetchSession(): Promise<Session | null> {
  try {
    const session = await api.get<Session>('/api/v1/session');
    setCsrfToken(session.csrf_token);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw error;
  }
}

/** The session query, shared by the login screen and the authenticated layout. */
export function useSessionQuery() {
  return useQuery({ queryKey: sessionKey, queryFn: fetchSession, staleTime: 5 * 60_000, retry: 1 });
}

/** Stores a fresh session (after login or campaign switch) in the cache and remembers its CSRF token. */
export function storeSession(queryClient: QueryClient, session: Session | null): void {
  setCsrfToken(session?.csrf_token ?? null);
  queryClient.setQueryData(sessionKey, session);
}

/** Signs in with e-mail and password. */
export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Shape<typeof LoginBody>) => api.post<Session>('/api/v1/auth/login', input),
    onSuccess: (session) => {
      // Nothing cached for a previous user may leak into this one's screens.
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
      storeSession(queryClient, session);
    },
  });
}

/** Signs out of this browser (everywhere: every session of the user). */
export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (options: { everywhere: boolean }) =>
      api.post<void>(options.everywhere ? '/api/v1/auth/logout-all' : '/api/v1/auth/logout'),
    onSettled: () => {
      queryClient.clear();
      storeSession(queryClient, null);
    },
  });
}

/** Switches the current campaign, then refetches everything, which all depends on it. */
export function useSwitchCampaign() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (campaignId: string) =>
      api.put<Session>('/api/v1/session/campaign', { campaign_id: campaignId } satisfies Shape<typeof CampaignSwitchBody>),
    onSuccess: async (session) => {
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== sessionKey[0] });
      storeSession(queryClient, session);
      await queryClient.invalidateQueries();
    },
  });
}

/** Saves the user's language on the server so e-mails and the next sign-in use it. */
export function useUpdateMe() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: Shape<typeof MePatch>) => api.patch<SessionUser>('/api/v1/me', patch),
    onSuccess: (user) => {
      queryClient.setQueryData<Session | null>(sessionKey, (old) => (old ? { ...old, user: { ...old.user, ...user } } : old));
    },
  });
}

/** Asks for a password-reset e-mail (the answer never says whether the account exists). */
export function useRequestPasswordReset() {
  return useMutation({
    mutationFn: (input: Shape<typeof ResetRequestBody>) => api.post<void>('/api/v1/auth/password-reset', input),
  });
}

/** Sets a new password with the token received by e-mail. */
export function useConfirmPasswordReset() {
  return useMutation({
    mutationFn: (input: Shape<typeof ResetConfirmBody>) => api.post<void>('/api/v1/auth/password-reset/confirm', input),
  });
}
