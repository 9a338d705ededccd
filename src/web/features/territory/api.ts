// Zone layers (arrondissements, quartiers, bureaux de vote, IRIS), their zones and indicators.
import { useQuery } from '@tanstack/react-query';
import type { Geometry } from 'geojson';
import type {
  LayerSchema,
  MetricListSchema,
  MetricSchema,
  MetricValuesSchema,
  ZoneProfileSchema,
  ZoneSchema,
} from '../../../server/modules/territory/territory.routes.ts';
import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type ZoneLayer = Shape<typeof LayerSchema>;
/** A zone; its geometry (sent as GeoJSON, left open in the schema) typed for the map. */
export type Zone = Omit<Shape<typeof ZoneSchema>, 'geometry'> & { geometry?: Geometry };
type ZonesPage = Omit<Page<'zones', typeof ZoneSchema>, '_embedded'> & { _embedded: { zones: Zone[] } };

/** The layers of the current campaign's territory. */
export function useZoneLayersQuery() {
  return useQuery({
    queryKey: ['zone_layers'],
    queryFn: ({ signal }) => api.get<Page<'zone_layers', typeof LayerSchema>>('/api/v1/zone_layers', undefined, signal),
    staleTime: 5 * 60_000,
  });
}

/** The zones of one layer (a referent gets only theirs), optionally with their GeoJSON geometry. */
export function useZonesQuery(layer: string | null, options: { geometry?: boolean; enabled?: boolean } = {}) {
  const geometry = options.geometry ?? false;
  return useQuery({
    queryKey: ['zones', layer, geometry],
    queryFn: ({ signal }) =>
      api.get<ZonesPage>('/api/v1/zones', { layer: layer ?? undefined, geometry: geometry ? 'true' : undefined }, signal),
    enabled: layer !== null && (options.enabled ?? true),
    staleTime: 5 * 60_000,
  });
}

export type ZoneMetric = Shape<typeof MetricSchema>;
export type ZoneMetricValues = Shape<typeof MetricValuesSchema>;
export type ZoneProfile = Shape<typeof ZoneProfileSchema>;

/** What a map of a layer can be coloured by (people, indicators, election results). */
export function useZoneMetricsQuery(layer: string) {
  return useQuery({
    queryKey: ['zone_metrics', layer],
    queryFn: ({ signal }) => api.get<Shape<typeof MetricListSchema>>('/api/v1/zone_metrics', { layer }, signal),
    staleTime: 5 * 60_000,
  });
}

/** The values of one metric for the zones of a layer. */
export function useZoneValuesQuery(layer: string, metric: string | null) {
  return useQuery({
    queryKey: ['zone_values', layer, metric],
    queryFn: ({ signal }) => api.get<ZoneMetricValues>('/api/v1/zone_values', { layer, metric: metric ?? '' }, signal),
    enabled: metric !== null,
    staleTime: 60_000,
  });
}

/** One zone with its people, labelled indicators and election results. */
export function useZoneProfileQuery(id: string | null) {
  return useQuery({
    queryKey: ['zone_profile', id],
    queryFn: ({ signal }) => api.get<ZoneProfile>(`/api/v1/zones/${id}`, undefined, signal),
    enabled: id !== null,
    staleTime: 60_000,
  });
}
