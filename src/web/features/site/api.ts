// The public site's content: pages, news, running mates (a referent gets their arrondissements'
// only), and image uploads for them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  SiteImageSchema,
  SiteNewsInput,
  SiteNewsSchema,
  SiteNewsUpdate,
  SitePageInput,
  SitePageSchema,
  SitePageUpdate,
  SiteRunningMateInput,
  SiteRunningMateSchema,
  SiteRunningMateUpdate,
} from '../../../server/site/site.api.ts';
import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type SitePage = Shape<typeof SitePageSchema>;
export type SiteNews = Shape<typeof SiteNewsSchema>;
export type RunningMate = Shape<typeof SiteRunningMateSchema>;
export type SiteImage = Shape<typeof SiteImageSchema>;

const siteKey = ['site'] as const;

export function useSitePagesQuery() {
  return useQuery({
    queryKey: [...siteKey, 'pages'],
    queryFn: ({ signal }) => api.get<Page<'site_pages', typeof SitePageSchema>>('/api/v1/site/pages', undefined, signal),
  });
}

export function useSiteNewsQuery(page: number) {
  return useQuery({
    queryKey: [...siteKey, 'news', page],
    queryFn: ({ signal }) => api.get<Page<'site_news', typeof SiteNewsSchema>>('/api/v1/site/news', { page, per_page: 20 }, signal),
  });
}

export function useRunningMatesQuery(zoneId: string | null) {
  return useQuery({
    queryKey: [...siteKey, 'running_mates', zoneId],
    queryFn: ({ signal }) =>
      api.get<Page<'site_running_mates', typeof SiteRunningMateSchema>>(
        '/api/v1/site/running_mates',
        { zone_id: zoneId ?? undefined },
        signal,
      ),
  });
}

/** A save of any of the site's content (create when no id), refreshing every list of the site. */
function useSave<Create, Update, Out>(path: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, input }: { id: string | null; input: Create | Update }) =>
      id ? api.put<Out>(`/api/v1/site/${path}/${encodeURIComponent(id)}`, input) : api.post<Out>(`/api/v1/site/${path}`, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: siteKey }),
  });
}

export const useSavePage = () => useSave<Shape<typeof SitePageInput>, Shape<typeof SitePageUpdate>, SitePage>('pages');
export const useSaveNews = () => useSave<Shape<typeof SiteNewsInput>, Shape<typeof SiteNewsUpdate>, SiteNews>('news');
export const useSaveRunningMate = () =>
  useSave<Shape<typeof SiteRunningMateInput>, Shape<typeof SiteRunningMateUpdate>, RunningMate>('running_mates');

export function useDeleteSiteItem() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ kind, id }: { kind: 'pages' | 'news' | 'running_mates'; id: string }) =>
      api.delete(`/api/v1/site/${kind}/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: siteKey }),
  });
}

/** Uploads an image (read as base64 in the browser); the answer's url is the site's own. */
export function useUploadImage() {
  return useMutation({
    mutationFn: async ({ file, alt, zoneId }: { file: File; alt?: string; zoneId?: string | null }) => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return api.post<SiteImage>('/api/v1/site/images', { data: btoa(binary), alt: alt ?? '', zone_id: zoneId ?? null });
    },
  });
}
