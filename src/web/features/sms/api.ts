// SMS: the campaign's settings, the live estimate of a text, sending it to an audience, the messages sent, a send's report.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  SmsEstimateInput,
  SmsEstimateSchema,
  SmsMessageSchema,
  SmsSendInput,
  SmsSendReportSchema,
  SmsSendSchema,
  SmsSettingsInput,
  SmsSettingsSchema,
} from '../../../server/modules/sms/sms.routes.ts';
import { api, apiRequest } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type SmsEstimate = Shape<typeof SmsEstimateSchema>;
export type SmsSendResult = Shape<typeof SmsSendSchema>;
export type SmsMessage = Shape<typeof SmsMessageSchema>;
export type SmsSendReport = Shape<typeof SmsSendReportSchema>;

/** The report of a send: messages per status and the clicks on its short links; refreshed while it is shown. */
export function useSmsSendReportQuery(sendId: string | null) {
  return useQuery({
    queryKey: ['sms_send_report', sendId],
    queryFn: ({ signal }) => api.get<SmsSendReport>(`/api/v1/sms/sends/${sendId}/report`, undefined, signal),
    enabled: sendId !== null,
    refetchInterval: 10_000,
  });
}

/** The campaign's SMS settings (sender, STOP number, hours, price). */
export function useSmsSettingsQuery() {
  return useQuery({
    queryKey: ['sms_settings'],
    queryFn: ({ signal }) => api.get<Shape<typeof SmsSettingsSchema>>('/api/v1/sms/settings', undefined, signal),
  });
}

/** Saves the campaign's SMS settings. */
export function useSaveSmsSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Shape<typeof SmsSettingsInput>) => api.put<Shape<typeof SmsSettingsSchema>>('/api/v1/sms/settings', input),
    onSuccess: (saved) => {
      queryClient.setQueryData(['sms_settings'], saved);
      return queryClient.invalidateQueries({ queryKey: ['sms_estimate'] });
    },
  });
}

/** The live count of a text for a list: encoding, segments, cost, replacements, recipients. */
export function useSmsEstimateQuery(input: Shape<typeof SmsEstimateInput> | null) {
  return useQuery({
    queryKey: ['sms_estimate', input],
    queryFn: ({ signal }) => apiRequest<SmsEstimate>('POST', '/api/v1/sms/estimate', { body: input, signal }),
    enabled: input !== null,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

/** Sends a text; the answer says who got it queued, deferred or skipped, and why. */
export function useSendSms() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Shape<typeof SmsSendInput>) => api.post<SmsSendResult>('/api/v1/sms/sends', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sms_messages'] }),
  });
}

/** The latest messages with their status; refreshed while some are on their way. */
export function useSmsMessagesQuery() {
  return useQuery({
    queryKey: ['sms_messages'],
    queryFn: ({ signal }) => api.get<Page<'sms_messages', typeof SmsMessageSchema>>('/api/v1/sms/messages', { per_page: 20 }, signal),
    refetchInterval: 5000,
  });
}
