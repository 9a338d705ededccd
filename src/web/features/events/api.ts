// Events: the list, one event and its attendances (RSVPs), create/change/cancel/approve, and the
// check-in screen's door list and check-ins.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AttendanceSchema, DoorListSchema, EventInputSchema, EventSchema } from '../../../server/modules/events/events.routes.ts';
import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type EventDoc = Shape<typeof EventSchema>;
export type Attendance = Shape<typeof AttendanceSchema>;
export type EventInput = Shape<typeof EventInputSchema>;
export type DoorList = Shape<typeof DoorListSchema>;

/** Events of the campaign (a status, or the coming ones). */
export function useEventsQuery(filter: { status?: string; upcoming?: boolean }) {
  return useQuery({
    queryKey: ['events', filter],
    queryFn: ({ signal }) =>
      api.get<Page<'osdi:events', typeof EventSchema>>(
        '/api/v1/events',
        { per_page: 200, ...(filter.status ? { status: filter.status } : {}), ...(filter.upcoming ? { upcoming: 'true' } : {}) },
        signal,
      ),
  });
}

/** One event. */
export function useEventQuery(id: string | undefined) {
  return useQuery({
    queryKey: ['event', id],
    queryFn: ({ signal }) => api.get<EventDoc>(`/api/v1/events/${id}`, undefined, signal),
    enabled: !!id,
  });
}

/** An event's attendances, in the waitlist's order. */
export function useAttendancesQuery(id: string | undefined) {
  return useQuery({
    queryKey: ['event_attendances', id],
    queryFn: ({ signal }) =>
      api.get<Page<'osdi:attendances', typeof AttendanceSchema>>(`/api/v1/events/${id}/attendances`, { per_page: 500 }, signal),
    enabled: !!id,
  });
}

function useInvalidate() {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ['events'] }),
      queryClient.invalidateQueries({ queryKey: ['event'] }),
      queryClient.invalidateQueries({ queryKey: ['event_attendances'] }),
    ]);
}

/** Creates (id undefined) or changes an event. */
export function useSaveEvent(id: string | undefined) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: EventInput) =>
      id ? api.put<EventDoc>(`/api/v1/events/${id}`, input) : api.post<EventDoc>('/api/v1/events', input),
    onSuccess: invalidate,
  });
}

/** Cancels, approves or rejects an event. */
export function useEventAction(id: string | undefined) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (action: 'cancel' | 'approve' | 'reject') => api.post<EventDoc>(`/api/v1/events/${id}/${action}`),
    onSuccess: invalidate,
  });
}

/** Cancels an attendance (the waitlist moves up until 48 hours before). */
export function useDeclineAttendance(eventId: string | undefined) {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (attendanceId: string) =>
      api.put<Attendance>(`/api/v1/events/${eventId}/attendances/${attendanceId}`, { status: 'declined' }),
    onSuccess: invalidate,
  });
}
