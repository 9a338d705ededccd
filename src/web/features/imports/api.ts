// Imports of people from CSV/XLSX: upload and analysis, start with a mapping, progress, rejected rows,
// and the history of the campaign's imports. The fields a column can map to come from the server.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  HistoryItemSchema,
  PreviewSchema,
  StartBody,
  StartedSchema,
  StateSchema,
} from '../../../server/modules/imports/imports.routes.ts';
import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';
import { postForm } from '../people/download.ts';

/** What the server detected in an uploaded file, and the values a column can be mapped to. */
export type ImportAnalysis = Shape<typeof PreviewSchema>;
export type ImportFieldOption = ImportAnalysis['fields'][number];
export type ImportStart = Shape<typeof StartBody>;
/** The state, progress and counts of one import (`error_code`: an interrupted run, said in the reader's language). */
export type ImportState = Shape<typeof StateSchema>;
export type ImportHistoryItem = Shape<typeof HistoryItemSchema>;
export type ImportRunState = ImportHistoryItem['state'];
export type ImportCounts = Pick<ImportHistoryItem, 'created' | 'updated' | 'skipped' | 'rejected'>;
export type ImportHistoryPage = Page<'imports', typeof HistoryItemSchema>;

export const HISTORY_PAGE_SIZE = 10;
const HISTORY_KEY = 'import-history';

/** Uploads the file (multipart) and returns what the server detected. */
export function useUploadImport(csrfToken: string) {
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return postForm<ImportAnalysis>('/api/v1/imports', form, csrfToken);
    },
  });
}

/** Starts the background import with the chosen mapping and options. */
export function useStartImport(id: string | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: ImportStart) =>
      api.post<Shape<typeof StartedSchema>>(`/api/v1/imports/${encodeURIComponent(id ?? '')}/start`, input),
    onSuccess: () => client.invalidateQueries({ queryKey: [HISTORY_KEY] }),
  });
}

/** Is this import finished (succeeded or failed)? */
export function isFinished(state: { state: string } | undefined): boolean {
  return state?.state === 'succeeded' || state?.state === 'failed';
}

/** Polls the import every second until it is finished; the history is refreshed at the end. */
export function useImportState(id: string | undefined, enabled: boolean) {
  const client = useQueryClient();
  return useQuery({
    queryKey: ['imports', id],
    queryFn: async ({ signal }) => {
      const state = await api.get<ImportState>(`/api/v1/imports/${encodeURIComponent(id ?? '')}`, undefined, signal);
      if (isFinished(state)) void client.invalidateQueries({ queryKey: [HISTORY_KEY] });
      return state;
    },
    enabled: Boolean(id) && enabled,
    refetchInterval: (query) => (isFinished(query.state.data) ? false : 1000),
  });
}

/** One page of the campaign's imports (a referent's own), polled while one of them is under way. */
export function useImportHistory(page: number) {
  return useQuery({
    queryKey: [HISTORY_KEY, page],
    queryFn: ({ signal }) => api.get<ImportHistoryPage>('/api/v1/imports', { page, per_page: HISTORY_PAGE_SIZE }, signal),
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?._embedded.imports.some((i) => !isFinished(i)) ? 2000 : false),
  });
}

/** The progress of an import as a ratio between 0 and 1. */
export function ratioOf(state: Pick<ImportState, 'state' | 'done' | 'total'> | undefined): number {
  if (!state) return 0;
  if (isFinished(state)) return 1;
  return state.total && state.total > 0 ? Math.min(1, state.done / state.total) : 0;
}

/** Where the rejected rows of an import are downloaded. */
export function rejectedCsvPath(importId: string): string {
  return `/api/v1/imports/${encodeURIComponent(importId)}/rejected.csv`;
}

/** The rejected rows link of a history item as a path on this origin, or null when there are none to download. */
export function rejectedPathOf(item: ImportHistoryItem): string | null {
  const href = item._links['relais:rejected']?.href;
  return href ? new URL(href, window.location.origin).pathname : null;
}
