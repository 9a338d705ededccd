// Imports of people from CSV/XLSX: upload and analysis, start with a mapping, progress, rejected rows,
// and the history of the campaign's imports. The fields a column can map to come from the server.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { postForm } from '../people/download.ts';

/** A value a column can be mapped to, as the server lists it in the upload answer. */
export interface ImportFieldOption {
  /** `given_name`, `email`…, `custom:<key>` or `ignore`. */
  field: string;
  /** The custom field's label; null for the person fields (named by the messages). */
  label: string | null;
  /** Several columns may map to it. */
  repeatable: boolean;
  /** Matches rows to people: a mapping needs one such column. */
  identifies: boolean;
}

export interface ImportAnalysis {
  id: string;
  file_name: string;
  format: 'csv' | 'xlsx';
  encoding: string | null;
  delimiter: string | null;
  headers: string[];
  preview: string[][];
  row_count_estimate: number | null;
  suggested_mapping: Record<string, string>;
  remembered: boolean;
  fields: ImportFieldOption[];
}

export interface ImportStart {
  mapping: Record<string, string>;
  on_duplicate: 'update' | 'skip';
  add_tags?: string[];
  add_list_id?: string;
  consent?: { channels: string[]; proof_text: string };
}

export type ImportRunState = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ImportCounts {
  created: number;
  updated: number;
  skipped: number;
  rejected: number;
}

export interface ImportState extends ImportCounts {
  id: string;
  file_name: string;
  state: 'uploaded' | ImportRunState;
  job_id: string | null;
  done: number;
  total: number | null;
  message: string;
  error: string | null;
  /** A stable code of the failure (an interrupted run), to show in the reader's language. */
  error_code: string | null;
  uploaded_at: string;
}

export interface ImportHistoryItem extends ImportCounts {
  id: string;
  file_name: string;
  state: ImportRunState;
  job_id: string;
  imported_by: string;
  on_duplicate: 'update' | 'skip';
  started_at: string;
  finished_at: string | null;
  done: number;
  total: number | null;
  error: string | null;
  error_code: string | null;
  /** Until when the rejected rows can be downloaded (then the retention deletes them). */
  rejected_kept_until: string | null;
  _links: { self: { href: string }; 'relais:rejected'?: { href: string } };
}

export interface ImportHistoryPage {
  total_records: number;
  page: number;
  per_page: number;
  total_pages: number;
  _embedded: { imports: ImportHistoryItem[] };
}

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
      api.post<{ job_id: string; import_id: string }>(`/api/v1/imports/${encodeURIComponent(id ?? '')}/start`, input),
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
