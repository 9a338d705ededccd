// Webhooks: subscriptions (the secret shown once), the event catalogue, a test, the delivery log and replay.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  WebhookCreatedSchema,
  WebhookDeliverySchema,
  WebhookEventTypeSchema,
  WebhookEventTypesSchema,
  WebhookInput,
  WebhookSchema,
  WebhookUpdate,
} from '../../../server/modules/webhooks/webhooks.routes.ts';
import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type Webhook = Shape<typeof WebhookSchema>;
export type WebhookEventType = Shape<typeof WebhookEventTypeSchema>;
export type WebhookDelivery = Shape<typeof WebhookDeliverySchema>;

const webhooksKey = ['webhooks'] as const;
const deliveriesKey = (id: string) => ['webhooks', id, 'deliveries'] as const;

/** The campaign's webhooks (never their secrets). */
export function useWebhooksQuery() {
  return useQuery({
    queryKey: webhooksKey,
    queryFn: ({ signal }) => api.get<Page<'webhooks', typeof WebhookSchema>>('/api/v1/webhooks', undefined, signal),
  });
}

/** The event types a webhook may subscribe to, with their names in both languages. */
export function useEventTypesQuery() {
  return useQuery({
    queryKey: ['webhook_event_types'],
    queryFn: ({ signal }) => api.get<Shape<typeof WebhookEventTypesSchema>>('/api/v1/webhooks/event_types', undefined, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Creates a webhook; the answer holds the signing secret, which the server never shows again. */
export function useCreateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Shape<typeof WebhookInput>) => api.post<Shape<typeof WebhookCreatedSchema>>('/api/v1/webhooks', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhooksKey }),
  });
}

/** Changes a webhook; `active: true` re-enables a disabled one. */
export function useUpdateWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...input }: Shape<typeof WebhookUpdate> & { id: string }) =>
      api.put<Webhook>(`/api/v1/webhooks/${encodeURIComponent(id)}`, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhooksKey }),
  });
}

/** Deletes a webhook and its log. */
export function useDeleteWebhook() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/webhooks/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: webhooksKey }),
  });
}

/** Sends a test delivery; it shows in the log. */
export function useSendTest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<WebhookDelivery>(`/api/v1/webhooks/${encodeURIComponent(id)}/test`),
    onSuccess: (_d, id) => queryClient.invalidateQueries({ queryKey: deliveriesKey(id) }),
  });
}

/** A page of a webhook's delivery log, refreshed while a delivery is pending. */
export function useDeliveriesQuery(id: string | null, page: number) {
  return useQuery({
    queryKey: [...deliveriesKey(id ?? ''), page],
    queryFn: ({ signal }) =>
      api.get<Page<'deliveries', typeof WebhookDeliverySchema>>(
        `/api/v1/webhooks/${encodeURIComponent(id ?? '')}/deliveries`,
        { page, per_page: 20 },
        signal,
      ),
    enabled: id !== null,
    refetchInterval: (query) => (query.state.data?._embedded.deliveries.some((d) => d.state === 'pending') ? 2000 : false),
  });
}

/** Sends a finished delivery again now. */
export function useReplayDelivery() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ webhookId, deliveryId }: { webhookId: string; deliveryId: string }) =>
      api.post<WebhookDelivery>(`/api/v1/webhooks/${encodeURIComponent(webhookId)}/deliveries/${encodeURIComponent(deliveryId)}/replay`),
    onSuccess: (_d, { webhookId }) => queryClient.invalidateQueries({ queryKey: deliveriesKey(webhookId) }),
  });
}
