// Mailings: the list, one mailing, saving a draft, the audience count, the preview, test and real
// sends, and the report (figures, per arrondissement, per link, who opened or clicked).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AbTestBody, AbTestSchema } from '../../../server/modules/messaging/ab/ab.routes.ts';
import type { Audience } from '../../../server/modules/messaging/audience-schema.ts';
import type {
  AudienceCountSchema,
  MessageBody,
  MessageSchema,
  RenderedSchema,
  ScheduleBody,
} from '../../../server/modules/messaging/messaging.routes.ts';
import type { MailBlock as MailBlockSchema } from '../../../server/modules/messaging/render.ts';
import type { PersonHit, ReportSchema } from '../../../server/modules/messaging/tracking/report.routes.ts';
import { api, apiRequest } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type { Audience };
export type Mailing = Shape<typeof MessageSchema>;

/** One block of a mailing's content, as the composer edits it (images are kept, not edited here). */
export type MailBlock = Shape<typeof MailBlockSchema>;

/** What the composer saves (POST and PUT /messages): the request body, its fields filled, content as blocks. */
export type MailingInput = Required<Pick<Shape<typeof MessageBody>, 'name' | 'subject' | 'from' | 'preheader' | 'audience' | 'topic'>> & {
  content_format: 'blocks';
  content: { blocks: MailBlock[] };
};

export type AudienceCount = Shape<typeof AudienceCountSchema>;

/** What the schedule dialog asks (POST /messages/:id/schedule). */
export type ScheduleInput = Shape<typeof ScheduleBody>;
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
    // Live progress while one is sending; a slower look while one waits for its time (it starts by itself).
    refetchInterval: (query) => {
      const list = query.state.data?._embedded['osdi:messages'] ?? [];
      if (list.some((m) => m.status === 'sending')) return 3000;
      return list.some((m) => m.status === 'scheduled') ? 15_000 : false;
    },
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
export function usePreviewQuery(id: string | null, version: string | undefined, variant: AbTest['variants'][number]['variant'] = 'A') {
  return useQuery({
    queryKey: ['mailing_preview', id, version, variant],
    queryFn: ({ signal }) => apiRequest<Shape<typeof RenderedSchema>>('POST', path(id ?? '', '/preview'), { body: { variant }, signal }),
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

/** Schedules the saved mailing: once at a time, or weekly. */
export function useScheduleMailing() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string; input: ScheduleInput }) => api.post<Mailing>(path(id, '/schedule'), input),
    onSuccess: (scheduled) => {
      queryClient.setQueryData(['mailings', scheduled.id], scheduled);
      return queryClient.invalidateQueries({ queryKey: ['mailings'], exact: true });
    },
  });
}

/** Pause, resume, cancel a mailing, or take it back from its schedule. */
export function useMailingAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'pause' | 'resume' | 'cancel' | 'unschedule' }) =>
      action === 'unschedule' ? api.delete<Mailing>(path(id, '/schedule')) : api.post<Mailing>(path(id, `/${action}`), {}),
    onSuccess: (changed) => {
      queryClient.setQueryData(['mailings', changed.id], changed);
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

/** GET /messages/:id/ab_test: a mailing's A/B test (rules, variants, figures, probability to be best, decision). */
export type AbTest = Shape<typeof AbTestSchema>;
/** What the A/B set-up saves (PUT /messages/:id/ab_test). */
export type AbTestInput = Shape<typeof AbTestBody>;

/** A mailing's A/B test, or null when it has none; polled while the test runs. */
export function useAbTestQuery(id: string | null | undefined, status?: string) {
  return useQuery({
    queryKey: ['mailing_ab_test', id, status],
    // 204 when the mailing has no test.
    queryFn: async ({ signal }) => (await api.get<AbTest | undefined>(path(id ?? '', '/ab_test'), undefined, signal)) ?? null,
    enabled: Boolean(id),
    refetchInterval: (query) => (query.state.data && query.state.data.phase !== 'decided' && status === 'sending' ? 5000 : false),
  });
}

/** Sets up (or replaces) the A/B test of a draft. */
export function useSaveAbTest(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AbTestInput) => api.put<AbTest>(path(id, '/ab_test'), input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['mailing_ab_test', id] }),
  });
}

/** Removes the A/B test of a draft. */
export function useDeleteAbTest(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.delete(path(id, '/ab_test')),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['mailing_ab_test', id] }),
  });
}
