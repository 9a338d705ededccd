// Canvassing in the back office: progress (zones, canvassers, teams, quality flags), door scripts
// and their A/B tests.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ScriptSchema, ScriptTestSchema } from '../../../server/modules/canvass/canvass.routes.ts';
import { api } from '../../api/client.ts';
import type { Shape } from '../../api/shapes.ts';

export type Script = Shape<typeof ScriptSchema>;
export type ScriptTest = Shape<typeof ScriptTestSchema>;

export interface Progress {
  since: string;
  layer: string;
  zones: Array<{
    zone_id: string;
    code: string;
    name: string;
    target_doors: number;
    knocked_doors: number;
    contact_rate: number | null;
    outcomes: Record<string, number>;
    new_contacts: number;
  }>;
  canvassers: Array<{
    canvasser_id: string;
    name: string;
    doors: number;
    contact_rate: number | null;
    supportive: number;
    contacts: number;
    median_seconds_between_doors: number | null;
    far_knocks: number;
    last_at: string;
    flags: Array<'contact_rate_high' | 'too_fast' | 'far_from_address'>;
  }>;
  teams: Array<{ team_id: string; name: string; members: number; doors: number; contact_rate: number | null }>;
}

/** Progress over the last `days` days, read again every 30 s (a sync shows within a minute). */
export function useProgressQuery(days: number) {
  return useQuery({
    queryKey: ['canvass', 'progress', days],
    queryFn: ({ signal }) => api.get<Progress>('/api/v1/canvass/progress', { days: String(days) }, signal),
    refetchInterval: 30_000,
  });
}

export function useScriptsQuery() {
  return useQuery({
    queryKey: ['canvass', 'scripts'],
    queryFn: ({ signal }) => api.get<Script[]>('/api/v1/canvass/scripts', undefined, signal),
  });
}

export function useScriptTestsQuery() {
  return useQuery({
    queryKey: ['canvass', 'script_tests'],
    queryFn: ({ signal }) => api.get<ScriptTest[]>('/api/v1/canvass/script_tests', undefined, signal),
  });
}

export function useCreateScript() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { theme: string; title: string; body: string }) => api.post<Script>('/api/v1/canvass/scripts', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['canvass', 'scripts'] }),
  });
}

export function useArchiveScript() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.patch<Script>(`/api/v1/canvass/scripts/${encodeURIComponent(id)}`, { archived: true }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['canvass', 'scripts'] }),
  });
}
