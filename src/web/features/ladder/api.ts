// The ladder funnel report: people per stage at the end of each week, conversions, per arrondissement.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { ByStage, Stage } from '../dashboard/api.ts';

export interface FunnelWeek {
  week: string;
  start: string;
  stages: ByStage;
  conversions: { from: Stage | null; to: Stage; count: number }[];
}

export interface FunnelReport {
  weeks: FunnelWeek[];
  zones: { id: string; code: string; name: string; weeks: FunnelWeek[] }[];
}

/** The funnel over `weeks` weeks, for the whole scope or one zone. */
export function useFunnelQuery(weeks: number, zoneId: string | null) {
  return useQuery({
    queryKey: ['ladder', 'funnel', weeks, zoneId],
    queryFn: ({ signal }) => api.get<FunnelReport>('/api/v1/ladder/funnel', { weeks, zone_id: zoneId }, signal),
    placeholderData: keepPreviousData,
  });
}
