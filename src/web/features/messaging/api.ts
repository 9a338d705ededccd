// Mailings: the list, one mailing, saving a draft, the audience count, the preview, test and real
// sends, and the report (figures, per arrondissement, per link, who opened or clicked).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Audience } from '../../../server/modules/messaging/audience-schema.ts';
import type {
  AudienceCountSchema,
  MessageBody,
  MessageSchema,
  RenderedSchema,
} from '../../../server/modules/messaging/messaging.routes.ts';
import type { MailBlock as MailBlockSchema } from '../../../server/modules/messaging/render.ts';
import type { PersonHit, ReportSchema } from '../../../server/modules/messaging/tracking/report.routes.ts';
import { api, apiRequest } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type { Audience };
export type Mailing = Shape<typeof MessageSchema>;

/** One block of a mailing's content, as the composer edits it (images are kept, not edited here). */
export type MailBlock = Exclude<Shape<typeof MailBlockSchema>, { type: 'image' }>;

/** What the composer saves (POST and PUT /messages): the request body, its fields filled, content as blocks. */
export type MailingInput = Required<Pick<Shape<typeof MessageBody>, 'name' | 'subject' | 'from' | 'preheader' | 'audience' | 'topic'>> & {
  content_format: 'blocks';
  content: { blocks: MailBlock[] };
};

export type AudienceCount = Shape<typeof AudienceCountSchema>;

/** What a mailing is about (its audience leaves out who withdrew the topic on their preference page). */
export type MailingTopic = MailingInput['topic'];

/** GET /messages/:id/statistics (human events). */
export type MailingReport = Shape<typeof ReportSchema>;

/** The figures of a mailing, or of one of its arrondissements. */
export type Figures = Pick<MailingReport, 'sent' | 'delivered' | 'opens' | 'clicks' | 'unsubscribes' | 'bounces' | 'complaints'>;

export type MailHit = Shape<typeof PersonHit>;

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
export function useAudienceCount(audience: Audience | null, topic: MailingTopic) {
  return useQuery({
    queryKey: ['mailing_audience', audience, topic],
    queryFn: ({ signal }) => apiRequest<AudienceCount>('POST', '/api/v1/messages/audience_count', { body: { audience, topic }, signal }),
    enabled: audience !== null,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

/** The saved mailing as a recipient would get it, every merge tag at its fallback. */
export function usePreviewQuery(id: string | null, version: string | undefined) {
  return useQuery({
    queryKey: ['mailing_preview', id, version],
    queryFn: ({ signal }) => apiRequest<Shape<typeof RenderedSchema>>('POST', path(id ?? '', '/preview'), { body: {}, signal }),
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
      api.get<Page<'relais:mail_hits', typeof PersonHit>>(path(id ?? '', '/statistics/people'), { kind, per_page: 100 }, signal),
    select: (body) => body._embedded['relais:mail_hits'],
    enabled: Boolean(id),
  });
}
