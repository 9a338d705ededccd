// Imports of people from CSV/XLSX: upload and analysis, start with a mapping, progress, rejected rows.
import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import { postForm } from '../people/download.ts';

export interface ImportAnalysis {
  id: string;
  file_name: string;
  format: string;
  encoding: string;
  delimiter: string | null;
  headers: string[];
  preview: (string[] | Record<string, unknown>)[];
  row_count_estimate: number;
  suggested_mapping: Record<string, string>;
  remembered: boolean;
}

export interface ImportStart {
  mapping: Record<string, string>;
  on_duplicate: 'update' | 'skip';
  add_tags?: string[];
  add_list_id?: string;
  consent?: { channels: string[]; proof_text: string };
}

export interface ImportState {
  id: string;
  state?: string;
  status?: string;
  progress?: number | { done?: number; total?: number } | null;
  processed?: number;
  total?: number;
  created?: number;
  updated?: number;
  skipped?: number;
  rejected?: number;
  counts?: { created?: number; updated?: number; skipped?: number; rejected?: number };
  error?: string | null;
}

/** The fields a column can be mapped to (custom fields come from the campaign, as custom:<key>). */
export const IMPORT_FIELDS = [
  'given_name',
  'family_name',
  'full_name',
  'email',
  'phone',
  'street_address',
  'postcode',
  'locality',
  'birthdate',
  'gender',
  'ladder_stage',
  'tags',
] as const;

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
  return useMutation({
    mutationFn: (input: ImportStart) => api.post<{ job_id: string }>(`/api/v1/imports/${encodeURIComponent(id ?? '')}/start`, input),
  });
}

/** Is this import finished (done, failed or cancelled)? */
export function isFinished(state: ImportState | undefined): boolean {
  const value = state?.state ?? state?.status ?? '';
  return ['done', 'completed', 'succeeded', 'finished', 'failed', 'cancelled', 'error'].includes(value);
}

/** Polls the import every second until it is finished. */
export function useImportState(id: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['imports', id],
    queryFn: ({ signal }) => api.get<ImportState>(`/api/v1/imports/${encodeURIComponent(id ?? '')}`, undefined, signal),
    enabled: Boolean(id) && enabled,
    refetchInterval: (query) => (isFinished(query.state.data) ? false : 1000),
  });
}

/** The counts of an import, wherever the server put them. */
export function countsOf(state: ImportState | undefined): { created: number; updated: number; skipped: number; rejected: number } {
  const c = state?.counts ?? state ?? {};
  return { created: c.created ?? 0, updated: c.updated ?? 0, skipped: c.skipped ?? 0, rejected: c.rejected ?? 0 };
}

/** The progress as a ratio between 0 and 1. */
export function ratioOf(state: ImportState | undefined): number {
  if (!state) return 0;
  if (isFinished(state)) return 1;
  const p = state.progress;
  if (typeof p === 'number') return p > 1 ? p / 100 : p;
  const done = (typeof p === 'object' && p ? p.done : state.processed) ?? 0;
  const total = (typeof p === 'object' && p ? p.total : state.total) ?? 0;
  return total > 0 ? Math.min(1, done / total) : 0;
}
