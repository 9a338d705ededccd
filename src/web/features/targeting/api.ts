// Targeting: what a score can be made of, saved scores, their ranked zones, map and target picks.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Geometry } from 'geojson';
import type {
  OptionsSchema,
  ScoreInput,
  TargetMapSchema,
  TargetScoreSchema,
  TargetsSchema,
  TargetZoneScoreSchema,
} from '../../../server/modules/targeting/targeting.routes.ts';
import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type TargetingOptions = Shape<typeof OptionsSchema>;
export type TargetScore = Shape<typeof TargetScoreSchema>;
export type TargetZoneScore = Shape<typeof TargetZoneScoreSchema>;
export type ScoreFields = Shape<typeof ScoreInput>;
export type Ingredient = ScoreFields extends { ingredients?: Array<infer I> } ? I : never;

type MapShape = Shape<typeof TargetMapSchema>;
/** A zone of the map; its geometry (GeoJSON, left open in the schema) typed for Leaflet. */
export type MapFeature = Omit<MapShape['features'][number], 'geometry'> & { geometry: Geometry };
export type TargetMap = Omit<MapShape, 'features'> & { features: MapFeature[] };

export function useTargetingOptions(layer: string) {
  return useQuery({
    queryKey: ['targeting', 'options', layer],
    queryFn: ({ signal }) => api.get<TargetingOptions>('/api/v1/targeting/options', { layer }, signal),
    staleTime: 5 * 60_000,
  });
}

export function useTargetScores() {
  return useQuery({
    queryKey: ['targeting', 'scores'],
    queryFn: ({ signal }) => api.get<Page<'target_scores', typeof TargetScoreSchema>>('/api/v1/target_scores', undefined, signal),
  });
}

export function useScoreZones(id: string | null) {
  return useQuery({
    queryKey: ['targeting', 'zones', id],
    queryFn: ({ signal }) => api.get<Page<'zones', typeof TargetZoneScoreSchema>>(`/api/v1/target_scores/${id}/zones`, undefined, signal),
    enabled: id !== null,
  });
}

export function useScoreMap(id: string | null) {
  return useQuery({
    queryKey: ['targeting', 'map', id],
    queryFn: ({ signal }) => api.get<TargetMap>(`/api/v1/target_scores/${id}/map`, undefined, signal),
    enabled: id !== null,
  });
}

/** Saves a new score (computed on the server). */
export function useCreateScore() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (fields: ScoreFields) => api.post<TargetScore>('/api/v1/target_scores', fields),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['targeting'] }),
  });
}

/** Replaces the score's picked target zones. */
export function usePickTargets(id: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (zoneIds: string[]) => api.put<Shape<typeof TargetsSchema>>(`/api/v1/target_scores/${id}/targets`, { zone_ids: zoneIds }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['targeting'] }),
  });
}
