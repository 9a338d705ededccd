// The supporter base: people (OSDI), their consents, ladder moves, timeline, tags, lists, rights, duplicates.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { CONSENT_CHANNELS, type ConsentChannel } from '../../../shared/enums.ts';
import { api, isApiError } from '../../api/client.ts';
import type { Stage } from '../dashboard/api.ts';

export type { Stage } from '../dashboard/api.ts';
export { STAGES } from '../dashboard/api.ts';

export type Channel = ConsentChannel;
export const CHANNELS: readonly Channel[] = CONSENT_CHANNELS;

export interface PersonZone {
  id: string;
  code: string;
  name: string;
  layer: string;
}

export interface Named {
  id: string;
  name: string;
  people_count?: number;
}

export interface PostalAddress {
  address_lines?: string[];
  locality?: string;
  region?: string;
  postal_code?: string;
  country?: string;
  location?: { latitude: number; longitude: number } | null;
}

export interface Person {
  id: string;
  given_name: string;
  family_name: string;
  additional_name?: string;
  email_addresses: { address: string; primary?: boolean; status?: string }[];
  phone_numbers: { number: string; primary?: boolean; number_type?: string }[];
  postal_addresses: PostalAddress[];
  languages_spoken?: string[];
  custom_fields?: Record<string, unknown>;
  birthdate?: string | null;
  gender?: string | null;
  ladder_stage: Stage;
  consents?: Partial<Record<Channel, boolean>>;
  zones?: PersonZone[];
  tags?: Named[];
  lists?: Named[];
  source?: string | null;
  /** Erased (GDPR): the record can no longer be edited. */
  anonymized?: boolean;
  created_date: string;
  modified_date: string;
}

/** An OSDI/HAL collection: the items are the one array under `_embedded`, whatever its key. */
export interface Collection {
  total_records?: number;
  /** A broad search stopped counting: there are at least total_records. */
  total_is_lower_bound?: boolean;
  total_pages?: number;
  page?: number;
  per_page?: number;
  _embedded?: Record<string, unknown>;
}

/** The items of a collection: the body if an array, else its `items`, else the first array under `_embedded`. */
export function itemsOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  const items = (body as { items?: unknown } | undefined)?.items;
  if (Array.isArray(items)) return items as T[];
  const embedded = (body as Collection | undefined)?._embedded;
  if (embedded) {
    for (const value of Object.values(embedded)) if (Array.isArray(value)) return value as T[];
  }
  return [];
}

export interface PeopleFilters {
  q: string;
  stage: Stage | null;
  zone_id: string | null;
  tag_id: string | null;
  list_id: string | null;
  sort: string;
}

export const PAGE_SIZE = 100;

/** The primary (else first) e-mail of a person. */
export function primaryEmail(person: Person): string {
  return (person.email_addresses?.find((e) => e.primary) ?? person.email_addresses?.[0])?.address ?? '';
}

/** The primary (else first) phone number of a person. */
export function primaryPhone(person: Person): string {
  return (person.phone_numbers?.find((p) => p.primary) ?? person.phone_numbers?.[0])?.number ?? '';
}

/** "Given Family", or the e-mail when the person has no name. */
export function displayName(person: Person): string {
  const name = `${person.given_name ?? ''} ${person.family_name ?? ''}`.trim();
  return name || primaryEmail(person) || primaryPhone(person) || '—';
}

/** The query of one page of the people list: its key and fetch, shared by the page and the virtualised table. */
export function peoplePageQuery(filters: PeopleFilters, page: number) {
  return {
    queryKey: ['people', 'list', filters, page] as const,
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      api.get<Collection>(
        '/api/v1/people',
        {
          page,
          per_page: PAGE_SIZE,
          q: filters.q.trim() || undefined,
          stage: filters.stage,
          zone_id: filters.zone_id,
          tag_id: filters.tag_id,
          list_id: filters.list_id,
          sort: filters.sort,
        },
        signal,
      ),
    staleTime: 30_000,
  };
}

/** One page of the people list (the virtualised table asks for the pages it shows). */
export function usePeoplePage(filters: PeopleFilters, page: number, enabled = true) {
  return useQuery({
    ...peoplePageQuery(filters, page),
    enabled,
    placeholderData: page === 1 ? keepPreviousData : undefined,
  });
}

/** One person. */
export function usePersonQuery(id: string, enabled = true) {
  return useQuery({
    queryKey: ['people', 'one', id],
    queryFn: ({ signal }) => api.get<Person>(`/api/v1/people/${encodeURIComponent(id)}`, undefined, signal),
    enabled,
  });
}

export interface Activity {
  id?: string;
  at?: string;
  date?: string;
  type: string;
  kind?: string;
  ref_type?: string | null;
  ref_id?: string | null;
  data?: Record<string, unknown> | null;
  actor_label?: string;
  from_stage?: string | null;
  to_stage?: string | null;
  reason?: string | null;
}

/** The timeline of a person (activities, ladder moves, consents, tags), newest first. */
export function useActivitiesQuery(id: string) {
  return useQuery({
    queryKey: ['people', 'activities', id],
    queryFn: ({ signal }) => api.get<Collection>(`/api/v1/people/${encodeURIComponent(id)}/activities`, { per_page: 200 }, signal),
  });
}

export interface ConsentEntry {
  id?: string;
  channel: Channel;
  status: 'given' | 'withdrawn';
  at: string;
  source: string;
  proof?: Record<string, unknown> | null;
  actor_label?: string;
}

/** The consent ledger of a person. */
export function useConsentsQuery(id: string) {
  return useQuery({
    queryKey: ['people', 'consents', id],
    queryFn: ({ signal }) => api.get<Collection>(`/api/v1/people/${encodeURIComponent(id)}/consents`, undefined, signal),
  });
}

function useInvalidatePeople() {
  const queryClient = useQueryClient();
  return () => queryClient.invalidateQueries({ queryKey: ['people'] });
}

/** Updates a person's OSDI fields (partial). */
export function useUpdatePerson(id: string) {
  const invalidate = useInvalidatePeople();
  return useMutation({
    mutationFn: (patch: Partial<Person>) => api.put<Person>(`/api/v1/people/${encodeURIComponent(id)}`, patch),
    onSuccess: invalidate,
  });
}

/** Records a consent given or withdrawn on one channel. */
export function useRecordConsent(id: string) {
  const invalidate = useInvalidatePeople();
  return useMutation({
    mutationFn: (input: { channel: Channel; status: 'given' | 'withdrawn'; source: string; proof: Record<string, unknown> }) =>
      api.post<ConsentEntry>(`/api/v1/people/${encodeURIComponent(id)}/consents`, input),
    onSuccess: invalidate,
  });
}

/** Moves a person on the ladder by hand, with a reason. */
export function useMoveStage(id: string) {
  const invalidate = useInvalidatePeople();
  return useMutation({
    mutationFn: (input: { to_stage: Stage; reason: string }) => api.post<unknown>(`/api/v1/people/${encodeURIComponent(id)}/ladder`, input),
    onSuccess: invalidate,
  });
}

/** Anonymises a person (GDPR erasure). */
export function useErasePerson(id: string) {
  const invalidate = useInvalidatePeople();
  return useMutation({
    mutationFn: () => api.post<unknown>(`/api/v1/people/${encodeURIComponent(id)}/erase`, {}),
    onSuccess: invalidate,
  });
}

export type BulkAction = 'add_tag' | 'remove_tag' | 'add_to_list' | 'remove_from_list' | 'move_stage';

export interface BulkInput {
  person_ids?: string[];
  segment?: unknown;
  action: BulkAction;
  tag_id?: string;
  list_id?: string;
  to_stage?: Stage;
  reason?: string;
}

/** Applies one action to many people (ids, or a segment definition). */
export function useBulkAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: BulkInput) => api.post<{ affected: number }>('/api/v1/people/bulk', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['people'] }),
  });
}

/** The campaign's tags (with people_count). */
export function useTagsQuery() {
  return useQuery({
    queryKey: ['tags'],
    queryFn: ({ signal }) => api.get<Collection>('/api/v1/tags', { per_page: 500 }, signal),
    select: (body) => itemsOf<Named>(body),
    staleTime: 60_000,
  });
}

/** Creates a tag by name. */
export function useCreateTag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post<Named>('/api/v1/tags', { name }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tags'] }),
  });
}

/** The campaign's lists. */
export function useListsQuery() {
  return useQuery({
    queryKey: ['lists'],
    queryFn: ({ signal }) => api.get<Collection>('/api/v1/lists', { per_page: 500 }, signal),
    select: (body) => itemsOf<Named>(body),
    staleTime: 60_000,
  });
}

export interface CustomField {
  id: string;
  key: string;
  label: string;
  type: 'text' | 'number' | 'date' | 'choice';
  choices?: string[];
}

/** Why the server refused a custom field value (the `code` of each CUSTOM_FIELD_INVALID error). */
export type CustomValueProblem = 'unknown_field' | 'not_text' | 'too_long' | 'not_a_number' | 'not_a_date' | 'not_a_choice';

/** The bad values a CUSTOM_FIELD_INVALID problem names, by field key. */
export function customFieldErrors(error: unknown): Record<string, CustomValueProblem> {
  if (!isApiError(error, 'CUSTOM_FIELD_INVALID') || !Array.isArray(error.problem.errors)) return {};
  const byKey: Record<string, CustomValueProblem> = {};
  for (const item of error.problem.errors as { key?: unknown; code?: unknown }[]) {
    if (typeof item?.key === 'string' && typeof item.code === 'string') byKey[item.key] = item.code as CustomValueProblem;
  }
  return byKey;
}

/** The campaign's custom fields. */
export function useCustomFieldsQuery() {
  return useQuery({
    queryKey: ['custom_fields'],
    queryFn: ({ signal }) => api.get<Collection>('/api/v1/custom_fields', undefined, signal),
    select: (body) => itemsOf<CustomField>(body),
    staleTime: 60_000,
  });
}

export interface LadderConfig {
  stages?: { stage: Stage; label_fr: string; label_en: string; position?: number }[];
}

/** The ladder's stage labels as the campaign named them. */
export function useLadderQuery() {
  return useQuery({
    queryKey: ['ladder'],
    queryFn: ({ signal }) => api.get<LadderConfig>('/api/v1/ladder', undefined, signal),
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export interface DuplicatePair {
  /** The person, or only their id (then the screen loads them). */
  a: Person | string;
  b: Person | string;
  reasons: string[];
  score: number;
}

/** Likely duplicate pairs, best first. */
export function useDuplicatesQuery(page: number) {
  return useQuery({
    queryKey: ['people', 'duplicates', page],
    queryFn: ({ signal }) => api.get<Collection>('/api/v1/people/duplicates', { page, per_page: 20 }, signal),
    placeholderData: keepPreviousData,
  });
}

/** Merges merge_id into keep_id; answers the merge's id and the end of its undo window. */
export function useMerge() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { keep_id: string; merge_id: string }) =>
      api.post<{ merge_id: string; undo_until: string }>('/api/v1/people/merge', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['people'] }),
  });
}

/** Undoes a merge within its window. */
export function useUndoMerge() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (mergeId: string) => api.post<unknown>(`/api/v1/people/merges/${encodeURIComponent(mergeId)}/undo`, {}),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['people'] }),
  });
}
