// Saved segments (dynamic filters as a tree of AND / OR / NOT groups), their live count and export.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { type Collection, itemsOf } from '../people/api.ts';

export interface ConditionNode {
  field: string;
  cmp: string;
  value: unknown;
}
export interface GroupNode {
  op: 'and' | 'or' | 'not';
  children: DefinitionNode[];
}
export type DefinitionNode = ConditionNode | GroupNode;

export interface Segment {
  id: string;
  name: string;
  definition: GroupNode;
  created_at?: string;
  updated_at?: string;
  people_count?: number;
}

/** The saved segments of the campaign. */
export function useSegmentsQuery() {
  return useQuery({
    queryKey: ['segments'],
    queryFn: ({ signal }) => api.get<Collection>('/api/v1/segments', { per_page: 500 }, signal),
    select: (body) => itemsOf<Segment>(body),
  });
}

/** One saved segment. */
export function useSegmentQuery(id: string | undefined) {
  return useQuery({
    queryKey: ['segments', id],
    queryFn: ({ signal }) => api.get<Segment>(`/api/v1/segments/${encodeURIComponent(id ?? '')}`, undefined, signal),
    enabled: Boolean(id),
  });
}

/** The live count of a definition (null: nothing to count yet). */
export function useSegmentCount(definition: GroupNode | null) {
  const key = definition ? JSON.stringify(definition) : null;
  return useQuery({
    queryKey: ['segments', 'count', key],
    queryFn: () => api.post<{ count: number; sql_ms?: number }>('/api/v1/segments/count', { definition }),
    enabled: definition !== null,
    placeholderData: keepPreviousData,
    staleTime: 15_000,
  });
}

/** Creates (no id) or updates a segment. */
export function useSaveSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id?: string; name: string; definition: GroupNode }) =>
      id ? api.put<Segment>(`/api/v1/segments/${encodeURIComponent(id)}`, body) : api.post<Segment>('/api/v1/segments', body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['segments'] }),
  });
}

/** Deletes a segment. */
export function useDeleteSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/segments/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['segments'] }),
  });
}
