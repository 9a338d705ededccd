// The dashboard figures: people on the ladder, per zone, and recent jobs.
import { useQuery } from '@tanstack/react-query';
import { LADDER_STAGES, type LadderStage } from '../../../shared/enums.ts';
import { api } from '../../api/client.ts';
import type { Job } from '../jobs/api.ts';

export type Stage = LadderStage;
export const STAGES: readonly Stage[] = LADDER_STAGES;
export type ByStage = Record<Stage, number>;

export interface DashboardZone {
  id: string;
  code: string;
  name: string;
  people_total: number;
  by_stage: ByStage;
}

export interface Dashboard {
  scope: 'campaign' | 'zones';
  people_total: number;
  new_this_week: number;
  by_stage: ByStage;
  /** The campaign's names of the stages (renamable in the settings). */
  stages: { stage: Stage; label_fr: string; label_en: string }[];
  zones: DashboardZone[];
  layers: { code: string; name: string; zones_count: number }[];
  recent_jobs: Job[];
}

/** The dashboard of the current campaign (scoped by the server to a referent's zones). */
export function useDashboardQuery(enabled = true) {
  return useQuery({
    queryKey: ['dashboard'],
    queryFn: ({ signal }) => api.get<Dashboard>('/api/v1/dashboard', undefined, signal),
    enabled,
    refetchInterval: (query) => (query.state.data?.recent_jobs.some((j) => j.state === 'queued' || j.state === 'running') ? 2000 : false),
  });
}
