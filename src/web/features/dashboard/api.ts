// The dashboard figures: people on the ladder, per zone, and recent jobs.
import { useQuery } from '@tanstack/react-query';
import type { DashboardSchema } from '../../../server/modules/dashboard/dashboard.routes.ts';
import type { Stage as StageSchema } from '../../../server/modules/people/people.schemas.ts';
import { LADDER_STAGES } from '../../../shared/enums.ts';
import { api } from '../../api/client.ts';
import type { Shape } from '../../api/shapes.ts';

export type Stage = Shape<typeof StageSchema>;
export const STAGES: readonly Stage[] = LADDER_STAGES;
export type Dashboard = Shape<typeof DashboardSchema>;
export type ByStage = Shape<typeof DashboardSchema>['by_stage'];
export type DashboardZone = Shape<typeof DashboardSchema>['zones'][number];

/** The dashboard of the current campaign (scoped by the server to a referent's zones). */
export function useDashboardQuery(enabled = true) {
  return useQuery({
    queryKey: ['dashboard'],
    queryFn: ({ signal }) => api.get<Dashboard>('/api/v1/dashboard', undefined, signal),
    enabled,
    refetchInterval: (query) => (query.state.data?.recent_jobs.some((j) => j.state === 'queued' || j.state === 'running') ? 2000 : false),
  });
}
