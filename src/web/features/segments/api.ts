// Saved segments (dynamic filters as a tree of AND / OR / NOT groups), their live count and export.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SegmentDefinition } from '../../../server/modules/segments/segment-definition.ts';
import type { SegmentCountSchema, SegmentSchema } from '../../../server/modules/segments/segments.routes.ts';
import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';
import { itemsOf } from '../people/api.ts';
import type { DraftGroup } from './model.ts';

export type { SegmentDefinition, SegmentNode } from '../../../server/modules/segments/segment-definition.ts';

/** A saved segment; its definition (left open in the response schema) has the server's definition type. */
export type Segment = Omit<Shape<typeof SegmentSchema>, 'definition'> & { definition: SegmentDefinition };

/** The saved segments of the campaign. */
export function useSegmentsQuery() {
  return useQuery({
    queryKey: ['segments'],
    queryFn: ({ signal }) => api.get<Page<'segments', typeof SegmentSchema>>('/api/v1/segments', { per_page: 500 }, signal),
    select: (body) => itemsOf(body),
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
export function useSegmentCount(definition: DraftGroup | null) {
  const key = definition ? JSON.stringify(definition) : null;
  return useQuery({
    queryKey: ['segments', 'count', key],
    queryFn: () => api.post<Shape<typeof SegmentCountSchema>>('/api/v1/segments/count', { definition }),
    enabled: definition !== null,
    placeholderData: keepPreviousData,
    staleTime: 15_000,
  });
}

/** Creates (no id) or updates a segment. */
export function useSaveSegment() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id?: string; name: string; definition: DraftGroup }) =>
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
