// The election calendar: the campaign's election, its rounds and the next one with its silence.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  CalendarSchema,
  ElectionInput,
  RoundInput,
  RoundSchema,
  RoundUpdate,
} from '../../../server/modules/calendar/calendar.routes.ts';
import { api } from '../../api/client.ts';
import type { Shape } from '../../api/shapes.ts';

export { ELECTION_KINDS, type ElectionKind } from '../../../shared/enums.ts';

export type Calendar = Shape<typeof CalendarSchema>;
export type Round = Shape<typeof RoundSchema>;
export type RoundFields = Shape<typeof RoundInput>;

const calendarKey = ['calendar'] as const;

/** The campaign's calendar; `enabled` false for a role that may not read it. */
export function useCalendarQuery(enabled = true) {
  return useQuery({
    queryKey: calendarKey,
    queryFn: ({ signal }) => api.get<Calendar>('/api/v1/calendar', undefined, signal),
    enabled,
    // The silence begins and ends with time: read it again every minute.
    refetchInterval: 60_000,
  });
}

function useCalendarMutation<V, R>(send: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: send, onSuccess: () => queryClient.invalidateQueries({ queryKey: calendarKey }) });
}

/** Sets the election's name and kind (created the first time). */
export function useSaveElection() {
  return useCalendarMutation((input: Shape<typeof ElectionInput>) => api.put<Calendar>('/api/v1/calendar', input));
}

/** Adds a round. */
export function useAddRound() {
  return useCalendarMutation((input: RoundFields) => api.post<Round>('/api/v1/calendar/rounds', input));
}

/** Changes a round. */
export function useUpdateRound() {
  return useCalendarMutation(({ id, ...input }: Shape<typeof RoundUpdate> & { id: string }) =>
    api.put<Round>(`/api/v1/calendar/rounds/${encodeURIComponent(id)}`, input),
  );
}

/** Removes a round. */
export function useDeleteRound() {
  return useCalendarMutation((id: string) => api.delete(`/api/v1/calendar/rounds/${encodeURIComponent(id)}`));
}
