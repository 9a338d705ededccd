// The development outbox: e-mails kept by the server when no SMTP relay is configured.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export interface OutboxMessage {
  id: string;
  to_address: string;
  subject: string;
  text_body: string;
  created_at: string;
}

export interface OutboxResponse {
  enabled: boolean;
  _embedded: { messages: OutboxMessage[] };
}

/** The captured e-mails (and whether the outbox is in use at all); refreshed every few seconds. */
export function useOutboxQuery(options: { enabled?: boolean; poll?: boolean } = {}) {
  return useQuery({
    queryKey: ['dev_outbox'],
    queryFn: ({ signal }) => api.get<OutboxResponse>('/api/v1/dev_outbox', undefined, signal),
    enabled: options.enabled ?? true,
    refetchInterval: options.poll ? 5000 : false,
  });
}
