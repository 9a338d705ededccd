// Mailings: the list, one mailing, saving a draft, the audience count, the preview, test and real
// sends, and the report (figures, per arrondissement, per link, who opened or clicked).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Audience } from '../../../server/modules/messaging/audience-schema.ts';
import type { MessageSchema } from '../../../server/modules/messaging/messaging.routes.ts';
import { api, apiRequest } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type { Audience };
export type Mailing = Shape<typeof MessageSchema>;

/** One block of a mailing's content, as the composer edits it. */
export type MailBlock =
  | { type: 'heading'; text: string; level?: 1 | 2 }
  | { type: 'paragraph'; text: string }
  | { type: 'button'; text: string; url: string }
  | { type: 'divider' };

/** What the composer saves. */
export interface MailingInput {
  name: string;
  subject: string;
  from: string;
  preheader: string;
  content_format: 'blocks';
  content: { blocks: MailBlock[] };
  audience: Audience;
}

export interface AudienceCount {
  total: number;
  by_zone: { zone_id: string; code: string; name: string; count: number }[];
}

export interface Figures {
  sent: number;
  delivered: number;
  opens: number;
  clicks: number;
  unsubscribes: number;
  bounces: number;
  complaints: number;
}

/** GET /messages/:id/statistics (human events). */
export interface MailingReport extends Figures {
  counted: 'human' | 'all';
  by_zone: (Figures & { zone_id: string; code: string; name: string })[];
  links: { index: number; url: string | null; clicks: number; unique_clicks: number }[];
}

export interface MailHit {
  person_id: string;
  given_name: string;
  family_name: string;
  email: string;
  first_at: string;
  events: number;
}

const path = (id: string, rest = '') => `/api/v1/messages/${encodeURIComponent(id)}${rest}`;

/** The campaign's mailings, newest first; refreshed while one is on its way. */
export function useMailingsQuery() {
  return useQuery({
    queryKey: ['mailings'],
    queryFn: ({ signal }) => api.get<Page<'osdi:messages', typeof MessageSchema>>('/api/v1/messages', { per_page: 100 }, signal),
    select: (body) => body._embedded['osdi:messages'],
    refetchInterval: (query) => (query.state.data?._embedded['osdi:messages'].some((m) => m.status === 'sending') ? 3000 : false),
  });
}

/** One mailing; polled while it is being sent. */
export function useMailingQuery(id: string | undefined) {
  return useQuery({
    queryKey: ['mailings', id],
    queryFn: ({ signal }) => api.get<Mailing>(path(id ?? ''), undefined, signal),
    enabled: Boolean(id),
    refetchInterval: (query) => (query.state.data?.status === 'sending' ? 2000 : false),
  });
}

/** Creates the draft (no id yet) or saves it. */
export function useSaveMailing() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: Partial<MailingInput> }) =>
      id ? api.put<Mailing>(path(id), input) : api.post<Mailing>('/api/v1/messages', input),
    onSuccess: (saved) => {
      queryClient.setQueryData(['mailings', saved.id], saved);
      return queryClient.invalidateQueries({ queryKey: ['mailings'], exact: true });
    },
  });
}

/** The live count of an audience, per arrondissement (null: nothing chosen yet). */
export function useAudienceCount(audience: Audience | null) {
  return useQuery({
    queryKey: ['mailing_audience', audience],
    queryFn: ({ signal }) => apiRequest<AudienceCount>('POST', '/api/v1/messages/audience_count', { body: { audience }, signal }),
    enabled: audience !== null,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

/** The saved mailing as a recipient would get it, every merge tag at its fallback. */
export function usePreviewQuery(id: string | null, version: string | undefined) {
  return useQuery({
    queryKey: ['mailing_preview', id, version],
    queryFn: ({ signal }) =>
      apiRequest<{ subject: string; html: string; text: string }>('POST', path(id ?? '', '/preview'), { body: {}, signal }),
    enabled: Boolean(id),
    placeholderData: keepPreviousData,
  });
}

/** Sends the saved mailing to up to five addresses. */
export function useTestSend() {
  return useMutation({
    mutationFn: ({ id, emails }: { id: string; emails: string[] }) => api.post<unknown>(path(id, '/test'), { emails }),
  });
}

/** Sends the mailing to its audience. */
export function useSendMailing() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<Mailing>(path(id, '/send'), {}),
    onSuccess: (sent) => {
      queryClient.setQueryData(['mailings', sent.id], sent);
      return queryClient.invalidateQueries({ queryKey: ['mailings'], exact: true });
    },
  });
}

/** The report of a sent (or sending) mailing; its status is part of the key, so the end of a send refreshes it. */
export function useReportQuery(id: string | undefined, status: string | undefined) {
  return useQuery({
    queryKey: ['mailing_report', id, status],
    queryFn: ({ signal }) => api.get<MailingReport>(path(id ?? '', '/statistics'), undefined, signal),
    enabled: Boolean(id),
    placeholderData: keepPreviousData,
    refetchInterval: status === 'sending' ? 2000 : 15_000,
  });
}

/** Who opened or clicked, first first. */
export function useHitsQuery(id: string | undefined, kind: 'open' | 'click') {
  return useQuery({
    queryKey: ['mailing_hits', id, kind],
    queryFn: ({ signal }) =>
      api.get<{ _embedded: { 'relais:mail_hits': MailHit[] }; total_records?: number }>(
        path(id ?? '', '/statistics/people'),
        { kind, per_page: 100 },
        signal,
      ),
    select: (body) => body._embedded['relais:mail_hits'],
    enabled: Boolean(id),
  });
}
