// The ladder funnel report: people per stage at the end of each week, conversions, per arrondissement.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { FunnelSchema, FunnelWeekSchema } from '../../../server/modules/people/ladder.routes.ts';
import { api } from '../../api/client.ts';
import type { Shape } from '../../api/shapes.ts';

export type FunnelWeek = Shape<typeof FunnelWeekSchema>;
export type FunnelReport = Shape<typeof FunnelSchema>;

/** The funnel over `weeks` weeks, for the whole scope or one zone. */
export function useFunnelQuery(weeks: number, zoneId: string | null) {
  return useQuery({
    queryKey: ['ladder', 'funnel', weeks, zoneId],
    queryFn: ({ signal }) => api.get<FunnelReport>('/api/v1/ladder/funnel', { weeks, zone_id: zoneId }, signal),
    placeholderData: keepPreviousData,
  });
}
