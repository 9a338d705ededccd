// Volunteer media in the back office: the moderation queue by status, the decisions, and the
// one-time upload links (the link's address is given once, at creation).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MediaPageSchema, MediaSchema, UploadLinkSchema } from '../../../server/modules/media/media.routes.ts';
import { api } from '../../api/client.ts';
import type { Shape } from '../../api/shapes.ts';

export type Media = Shape<typeof MediaSchema>;
export type MediaStatus = Media['status'];
export type MediaPage = Shape<typeof MediaPageSchema>;
export type UploadLink = Shape<typeof UploadLinkSchema>;
// The list's envelope is written inline in media.routes.ts (not exported); its items are the schema's.
export type UploadLinkList = { _embedded: { 'relais:upload_links': UploadLink[] } };

const key = ['media'] as const;
const PAGE_SIZE = 24;

/** The media of one status, newest first, a page at a time (the API's cursor). */
export function useMediaQuery(status: MediaStatus) {
  return useInfiniteQuery({
    queryKey: [...key, 'list', status],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam, signal }) =>
      api.get<MediaPage>('/api/v1/media', { status, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }, signal),
    getNextPageParam: (last) => {
      const next = last._links.next?.href;
      return next ? new URL(next, window.location.origin).searchParams.get('cursor') : null;
    },
  });
}

/** How many media wait for a decision (the tab's counter). */
export function usePendingCount() {
  return useQuery({
    queryKey: [...key, 'count', 'pending'],
    queryFn: ({ signal }) => api.get<MediaPage>('/api/v1/media', { status: 'pending', limit: 1 }, signal),
    select: (page) => page.total,
  });
}

/** Approves, hides or refuses a media (a reason is kept with the decision). */
export function useModerate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, decision, reason }: { id: string; decision: 'approve' | 'hide' | 'refuse'; reason: string | null }) =>
      api.post<Media>(`/api/v1/media/${encodeURIComponent(id)}/moderation`, { decision, reason }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

/** The upload links, newest first. */
export function useUploadLinksQuery() {
  return useQuery({
    queryKey: [...key, 'links'],
    queryFn: ({ signal }) => api.get<UploadLinkList>('/api/v1/media/upload_links', undefined, signal),
    select: (doc) => doc._embedded['relais:upload_links'],
  });
}

/** Creates a link; the answer carries its address, shown once. */
export function useCreateUploadLink() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { label: string; expires_at: string; max_files: number }) =>
      api.post<UploadLink>('/api/v1/media/upload_links', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...key, 'links'] }),
  });
}

/** Revokes a link: uploads through it are refused from then on. */
export function useRevokeUploadLink() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete<void>(`/api/v1/media/upload_links/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...key, 'links'] }),
  });
}
