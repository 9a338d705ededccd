// Fact checks: the verdict scale, the list by state, writing a check with its sources, review steps.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  FACTCHECK_STEPS,
  FactcheckInput,
  FactcheckSchema,
  ScaleSchema,
  VerdictSchema,
} from '../../../server/modules/factchecks/factchecks.routes.ts';
import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type Factcheck = Shape<typeof FactcheckSchema>;
export type Verdict = Shape<typeof VerdictSchema>;
export type FactcheckDraft = Shape<typeof FactcheckInput>;
export type FactcheckStep = (typeof FACTCHECK_STEPS)[number];

const key = ['factchecks'] as const;

/** The campaign's verdict scale, in order. */
export function useVerdictsQuery() {
  return useQuery({
    queryKey: ['factchecks', 'verdicts'],
    queryFn: ({ signal }) => api.get<Shape<typeof ScaleSchema>>('/api/v1/factchecks/verdicts', undefined, signal),
  });
}

/** The campaign's fact checks in a state (all when none), newest first; refreshed while links are being checked. */
export function useFactchecksQuery(status: string | null, enabled = true) {
  return useQuery({
    enabled,
    queryKey: [...key, 'list', status],
    queryFn: ({ signal }) =>
      api.get<Page<'factchecks', typeof FactcheckSchema>>('/api/v1/factchecks', { per_page: 100, ...(status ? { status } : {}) }, signal),
    refetchInterval: (query) =>
      // A save's links are checked within seconds: poll a little while after a recent save only.
      query.state.data?._embedded.factchecks.some(
        (f) => Date.now() - new Date(f.updated_at).getTime() < 120_000 && f.sources.some((s) => s.check_state === 'pending'),
      )
        ? 3000
        : false,
  });
}

/** Writes a new draft or rewrites one. */
export function useSaveFactcheck() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: FactcheckDraft }) =>
      id ? api.put<Factcheck>(`/api/v1/factchecks/${encodeURIComponent(id)}`, input) : api.post<Factcheck>('/api/v1/factchecks', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

/** A review step: submit, return to the author, publish, withdraw. */
export function useFactcheckStep() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, step }: { id: string; step: FactcheckStep }) =>
      api.post<Factcheck>(`/api/v1/factchecks/${encodeURIComponent(id)}/${step}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

/** Deletes a check that is not published. */
export function useDeleteFactcheck() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/factchecks/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}
