// Listening: accounts, watches, the inbox (mentions and their threads), key messages, drafts and
// their approval, the inbox's mode and the response-time report.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ListeningAccountSchema,
  ListeningDraftSchema,
  ListeningKeyMessageSchema,
  ListeningMentionDetailSchema,
  ListeningMentionQuery,
  ListeningMentionSchema,
  ListeningPollSchema,
  ListeningReportSchema,
  ListeningStateSchema,
  ListeningWatchSchema,
} from '../../../server/modules/listening/listening.routes.ts';
import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type Account = Shape<typeof ListeningAccountSchema>;
export type Watch = Shape<typeof ListeningWatchSchema>;
export type Mention = Shape<typeof ListeningMentionSchema>;
export type MentionDetail = Shape<typeof ListeningMentionDetailSchema>;
export type KeyMessage = Shape<typeof ListeningKeyMessageSchema>;
export type Draft = Shape<typeof ListeningDraftSchema>;
export type ListeningState = Shape<typeof ListeningStateSchema>;
export type Report = Shape<typeof ListeningReportSchema>;

const root = ['listening'] as const;

function useInvalidate() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: root });
}

export function useAccounts() {
  return useQuery({
    queryKey: [...root, 'accounts'],
    queryFn: ({ signal }) => api.get<Page<'accounts', typeof ListeningAccountSchema>>('/api/v1/listening/accounts', undefined, signal),
  });
}
export function useWatches() {
  return useQuery({
    queryKey: [...root, 'watches'],
    queryFn: ({ signal }) => api.get<Page<'watches', typeof ListeningWatchSchema>>('/api/v1/listening/watches', undefined, signal),
  });
}
/** The inbox's filters: the mentions route's query, minus the page size the screen fixes. */
export type MentionFilter = Omit<Shape<typeof ListeningMentionQuery>, 'per_page'>;
export function useMentions(filter: MentionFilter) {
  return useQuery({
    queryKey: [...root, 'mentions', filter],
    queryFn: ({ signal }) =>
      api.get<Page<'mentions', typeof ListeningMentionSchema>>(
        '/api/v1/listening/mentions',
        Object.fromEntries(Object.entries({ ...filter, per_page: 30 }).filter(([, v]) => v !== undefined && v !== '')) as Record<
          string,
          string
        >,
        signal,
      ),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}
export function useMention(id: string | null) {
  return useQuery({
    queryKey: [...root, 'mention', id],
    enabled: id !== null,
    queryFn: ({ signal }) => api.get<MentionDetail>(`/api/v1/listening/mentions/${encodeURIComponent(id ?? '')}`, undefined, signal),
  });
}
export function useListeningState() {
  return useQuery({
    queryKey: [...root, 'state'],
    queryFn: ({ signal }) => api.get<ListeningState>('/api/v1/listening/state', undefined, signal),
    refetchInterval: 30_000,
  });
}
export function useReport(days: number) {
  return useQuery({
    queryKey: [...root, 'report', days],
    queryFn: ({ signal }) => api.get<Report>('/api/v1/listening/report', { days: String(days) }, signal),
  });
}
export function useKeyMessages() {
  return useQuery({
    queryKey: [...root, 'key_messages'],
    queryFn: ({ signal }) =>
      api.get<Page<'key_messages', typeof ListeningKeyMessageSchema>>('/api/v1/listening/key_messages', undefined, signal),
  });
}
export function useDrafts(status?: string) {
  return useQuery({
    queryKey: [...root, 'drafts', status],
    queryFn: ({ signal }) =>
      api.get<Page<'drafts', typeof ListeningDraftSchema>>('/api/v1/listening/drafts', status ? { status } : undefined, signal),
    refetchInterval: 30_000,
  });
}

function useAction<I, O = unknown>(fn: (input: I) => Promise<O>) {
  const invalidate = useInvalidate();
  return useMutation({ mutationFn: fn, onSuccess: () => invalidate() });
}

export const useCreateAccount = () => useAction((input: Record<string, unknown>) => api.post<Account>('/api/v1/listening/accounts', input));
export const useUpdateAccount = () =>
  useAction(({ id, ...input }: { id: string } & Record<string, unknown>) =>
    api.put<Account>(`/api/v1/listening/accounts/${encodeURIComponent(id)}`, input),
  );
export const useDeleteAccount = () => useAction((id: string) => api.delete(`/api/v1/listening/accounts/${encodeURIComponent(id)}`));
export const useCreateWatch = () => useAction((input: Record<string, unknown>) => api.post<Watch>('/api/v1/listening/watches', input));
export const useUpdateWatch = () =>
  useAction(({ id, ...input }: { id: string } & Record<string, unknown>) =>
    api.put<Watch>(`/api/v1/listening/watches/${encodeURIComponent(id)}`, input),
  );
export const useDeleteWatch = () => useAction((id: string) => api.delete(`/api/v1/listening/watches/${encodeURIComponent(id)}`));
export const usePollWatch = () =>
  useAction((id: string) => api.post<Shape<typeof ListeningPollSchema>>(`/api/v1/listening/watches/${encodeURIComponent(id)}/poll`));
export const useUpdateMention = () =>
  useAction(({ id, ...input }: { id: string; status?: 'new' | 'handled'; assigned_to?: string | null; tags?: string[] }) =>
    api.patch<Mention>(`/api/v1/listening/mentions/${encodeURIComponent(id)}`, input),
  );
export const useSetAlertPhones = () => useAction((phones: string[]) => api.put('/api/v1/listening/alert_phones', { phones }));
export const useSetCrisis = () => useAction((crisis: boolean) => api.put('/api/v1/listening/state', { crisis }));
export const useSaveKeyMessage = () =>
  useAction(
    ({
      id,
      ...input
    }: {
      id: string | null;
      theme: string;
      kind: 'answer' | 'talking_point';
      title: string;
      body: string;
      factcheck_id: string | null;
    }) =>
      id
        ? api.put<KeyMessage>(`/api/v1/listening/key_messages/${encodeURIComponent(id)}`, input)
        : api.post<KeyMessage>('/api/v1/listening/key_messages', input),
  );
export const useDeleteKeyMessage = () => useAction((id: string) => api.delete(`/api/v1/listening/key_messages/${encodeURIComponent(id)}`));
export const useCreateDraft = () =>
  useAction(
    (input: {
      account_id: string;
      text: string;
      mention_id?: string | null;
      key_message_id?: string | null;
      scheduled_at?: string | null;
    }) => api.post<Draft>('/api/v1/listening/drafts', input),
  );
export const usePublishDraft = () =>
  useAction((id: string) => api.post<Draft>(`/api/v1/listening/drafts/${encodeURIComponent(id)}/publish`));
export const useApproveDraft = () =>
  useAction(({ id, text }: { id: string; text?: string }) =>
    api.post<Draft>(`/api/v1/listening/drafts/${encodeURIComponent(id)}/approve`, text ? { text } : {}),
  );
export const useRefuseDraft = () =>
  useAction(({ id, reason }: { id: string; reason: string }) =>
    api.post<Draft>(`/api/v1/listening/drafts/${encodeURIComponent(id)}/refuse`, { reason }),
  );
