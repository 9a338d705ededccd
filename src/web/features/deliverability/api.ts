// Deliverability: the settings (caps per receiving domain, SPF/DMARC wishes, thresholds) with the
// DNS records to publish, their check against DNS, the complaint-rate state and resuming sending.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  ComplaintStateSchema,
  DeliverabilityInput,
  DeliverabilitySchema,
  DnsCheckSchema,
} from '../../../server/modules/messaging/deliverability/deliverability.routes.ts';
import { api } from '../../api/client.ts';
import type { Shape } from '../../api/shapes.ts';

export type Deliverability = Shape<typeof DeliverabilitySchema>;
export type DeliverabilityFields = Shape<typeof DeliverabilityInput>;
export type DnsCheck = Shape<typeof DnsCheckSchema>;
export type ComplaintState = Shape<typeof ComplaintStateSchema>;

const settingsKey = ['deliverability'] as const;
const stateKey = ['deliverability', 'state'] as const;

/** The settings and the records to publish (admins). */
export function useDeliverabilityQuery() {
  return useQuery({
    queryKey: settingsKey,
    queryFn: ({ signal }) => api.get<Deliverability>('/api/v1/messaging/deliverability', undefined, signal),
  });
}

/** The complaint rate and whether sending is paused: the messaging screens' banner. */
export function useComplaintStateQuery(enabled = true) {
  return useQuery({
    queryKey: stateKey,
    queryFn: ({ signal }) => api.get<ComplaintState>('/api/v1/messaging/deliverability/state', undefined, signal),
    enabled,
    refetchInterval: 60_000,
  });
}

/** Saves the settings (the domains listed replace the previous ones). */
export function useSaveDeliverability() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: DeliverabilityFields) => api.put<Deliverability>('/api/v1/messaging/deliverability', input),
    onSuccess: (data) => {
      queryClient.setQueryData(settingsKey, data);
      void queryClient.invalidateQueries({ queryKey: stateKey });
    },
  });
}

/** Asks DNS for the SPF, DKIM and DMARC records. */
export function useDnsCheck() {
  return useMutation({ mutationFn: () => api.get<DnsCheck>('/api/v1/messaging/deliverability/dns') });
}

/** Resumes sending paused by the complaint rate. */
export function useResumeSending() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<ComplaintState>('/api/v1/messaging/deliverability/resume'),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: settingsKey }),
  });
}
