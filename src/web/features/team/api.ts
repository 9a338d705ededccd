// The campaign's members: list, add (or invite), change role and zones, remove.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MemberInput, MemberPatch, MemberSchema } from '../../../server/modules/identity/identity.routes.ts';
import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type Member = Shape<typeof MemberSchema>;
export type NewMember = Shape<typeof MemberInput>;

const membersKey = ['members'] as const;

/** All members of the current campaign. */
export function useMembersQuery() {
  return useQuery({
    queryKey: membersKey,
    queryFn: ({ signal }) => api.get<Page<'members', typeof MemberSchema>>('/api/v1/members', undefined, signal),
  });
}

/** Adds a member; without password the server e-mails an invitation link. */
export function useAddMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: NewMember) => api.post<Member>('/api/v1/members', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersKey }),
  });
}

/** Changes a member's role and/or zones. */
export function useUpdateMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, patch }: { userId: string; patch: Shape<typeof MemberPatch> }) =>
      api.patch<Member>(`/api/v1/members/${encodeURIComponent(userId)}`, patch),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersKey }),
  });
}

/** Removes a member from the campaign (the account stays). */
export function useRemoveMember() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: string) => api.delete(`/api/v1/members/${encodeURIComponent(userId)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersKey }),
  });
}
