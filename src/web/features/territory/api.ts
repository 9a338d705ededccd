// Zone layers (arrondissements, quartiers, bureaux de vote, IRIS), their zones and indicators.
import { useQuery } from '@tanstack/react-query';
import type { Geometry } from 'geojson';
import { api } from '../../api/client.ts';

export interface ZoneLayer {
  id: string;
  code: string;
  name: string;
  source: string | null;
  licence: string | null;
  zones_count: number;
}

export interface Zone {
  id: string;
  code: string;
  name: string;
  layer: string;
  parent_id: string | null;
  centroid: [number, number] | null;
  indicators: Record<string, number | string | null>;
  geometry?: Geometry | null;
}

/** The layers of the current campaign's territory. */
export function useZoneLayersQuery() {
  return useQuery({
    queryKey: ['zone_layers'],
    queryFn: ({ signal }) => api.get<{ _embedded: { zone_layers: ZoneLayer[] } }>('/api/v1/zone_layers', undefined, signal),
    staleTime: 5 * 60_000,
  });
}

/** The zones of one layer (a referent gets only theirs), optionally with their GeoJSON geometry. */
export function useZonesQuery(layer: string | null, options: { geometry?: boolean; enabled?: boolean } = {}) {
  const geometry = options.geometry ?? false;
  return useQuery({
    queryKey: ['zones', layer, geometry],
    queryFn: ({ signal }) =>
      api.get<{ _embedded: { zones: Zone[] } }>(
        '/api/v1/zones',
        { layer: layer ?? undefined, geometry: geometry ? 'true' : undefined },
        signal,
      ),
    enabled: layer !== null && (options.enabled ?? true),
    staleTime: 5 * 60_000,
  });
}
