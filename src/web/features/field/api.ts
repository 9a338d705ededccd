// The field API as the back office uses it: turfs of a zone, cuts and their progress, buildings.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  BuildingDetail as BuildingDetailSchema,
  BuildingList,
  BuildingSchema,
  CanvasserList,
  CutList,
  CutSchema,
  TurfList,
  TurfSchema,
} from '../../../server/modules/field/field.routes.ts';
import type { TeamDetail as TeamDetailSchema, TeamList, TeamSchema } from '../../../server/modules/field/teams.routes.ts';
import { api } from '../../api/client.ts';
import type { Shape } from '../../api/shapes.ts';

export type Turf = Shape<typeof TurfSchema>;
export type TurfPage = Shape<typeof TurfList>;
export type Cut = Shape<typeof CutSchema>;
export type Building = Shape<typeof BuildingSchema>;
export type BuildingPage = Shape<typeof BuildingList>;
export type BuildingDetail = Shape<typeof BuildingDetailSchema>;
export type Canvassers = Shape<typeof CanvasserList>;
export type Team = Shape<typeof TeamSchema>;
export type TeamDetail = Shape<typeof TeamDetailSchema>;
export type Teams = Shape<typeof TeamList>;
export type Cuts = Shape<typeof CutList>;

export function useTeamsQuery() {
  return useQuery({
    queryKey: ['field', 'teams'],
    queryFn: ({ signal }) => api.get<Teams>('/api/v1/field/teams', undefined, signal),
  });
}

export function useTeamQuery(id: string | null) {
  return useQuery({
    queryKey: ['field', 'team', id],
    queryFn: ({ signal }) => api.get<TeamDetail>(`/api/v1/field/teams/${id}`, undefined, signal),
    enabled: id !== null,
  });
}

/** The zone of the latest finished cut (the screen opens on it), or null. */
export function useLatestCutZoneQuery() {
  return useQuery({
    queryKey: ['field', 'cuts', 'latest'],
    queryFn: async ({ signal }) => (await api.get<Cuts>('/api/v1/field/cuts', { limit: '1' }, signal))._embedded.cuts[0]?.zone_id ?? null,
    staleTime: 60_000,
  });
}

export function useTurfsQuery(zoneId: string | null) {
  return useQuery({
    queryKey: ['field', 'turfs', zoneId],
    queryFn: ({ signal }) => api.get<TurfPage>('/api/v1/field/turfs', { zone_id: zoneId ?? '' }, signal),
    enabled: zoneId !== null,
  });
}

export function useCutQuery(cutId: string | null) {
  return useQuery({
    queryKey: ['field', 'cut', cutId],
    queryFn: ({ signal }) => api.get<Cut>(`/api/v1/field/cuts/${cutId}`, undefined, signal),
    enabled: cutId !== null,
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'done' || q.state.data.status === 'failed') ? false : 1000),
  });
}

export function useCanvassersQuery() {
  return useQuery({
    queryKey: ['field', 'canvassers'],
    queryFn: ({ signal }) => api.get<Canvassers>('/api/v1/field/canvassers', undefined, signal),
    staleTime: 60_000,
  });
}

export function useBuildingsQuery(zoneId: string | null, q: string) {
  return useQuery({
    queryKey: ['field', 'buildings', zoneId, q],
    queryFn: ({ signal }) =>
      api.get<BuildingPage>('/api/v1/field/buildings', { zone_id: zoneId ?? '', limit: '50', q: q || undefined }, signal),
    enabled: zoneId !== null,
  });
}

export function useBuildingQuery(id: string | null) {
  return useQuery({
    queryKey: ['field', 'building', id],
    queryFn: ({ signal }) => api.get<BuildingDetail>(`/api/v1/field/buildings/${id}`, undefined, signal),
    enabled: id !== null,
  });
}

/** Any change to turfs: the lists are read again. */
export function useFieldMutation<I, O>(fn: (input: I) => Promise<O>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => client.invalidateQueries({ queryKey: ['field'] }) });
}
