// Zone layers (arrondissements, quartiers, bureaux de vote, IRIS), their zones and indicators.
import { useQuery } from '@tanstack/react-query';
import type { Geometry } from 'geojson';
import type { LayerSchema, ZoneSchema } from '../../../server/modules/territory/territory.routes.ts';
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
