// Canvassing in the back office: progress (zones, canvassers, teams, quality flags), door scripts
// and their A/B tests.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ProgressSchema, ScriptSchema, ScriptTestSchema } from '../../../server/modules/canvass/canvass.routes.ts';
import { api } from '../../api/client.ts';
import type { Shape } from '../../api/shapes.ts';

export type Script = Shape<typeof ScriptSchema>;
export type ScriptTest = Shape<typeof ScriptTestSchema>;

export type Progress = Shape<typeof ProgressSchema>;

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
