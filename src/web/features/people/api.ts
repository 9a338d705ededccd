// The supporter base: people (OSDI), their consents, ladder moves, timeline, tags, lists, rights, duplicates.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ContactBody, RecordedSchema } from '../../../server/modules/people/contacts.routes.ts';
import type { FieldListSchema, FieldSchema } from '../../../server/modules/people/custom-fields.routes.ts';
import type { CustomValueProblem } from '../../../server/modules/people/custom-fields.ts';
import type { GroupSchema, ListCollectionSchema, TagCollectionSchema } from '../../../server/modules/people/groups.ts';
import type { IntakeBody } from '../../../server/modules/people/intake.routes.ts';
import type { LadderSchema } from '../../../server/modules/people/ladder.routes.ts';
import type { BulkBody, BulkResultSchema, LadderMoveBody } from '../../../server/modules/people/people.routes.ts';
import type {
  Channel as ChannelSchema,
  ConsentInputSchema,
  ConsentListSchema,
  ConsentSchema,
  PersonInputSchema,
  PersonSchema,
  TimelineItemSchema,
} from '../../../server/modules/people/people.schemas.ts';
import type {
  DismissalSchema,
  DuplicatePairSchema,
  MergeBody,
  MergedSchema,
  PairBody,
} from '../../../server/modules/people/rights.routes.ts';
import { CONSENT_CHANNELS } from '../../../shared/enums.ts';
import { api, isApiError } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';
import { formatPhone } from '../../i18n/format.ts';
import type { Stage } from '../dashboard/api.ts';

export type { Stage } from '../dashboard/api.ts';
export { STAGES } from '../dashboard/api.ts';
export type { CustomValueProblem };

export type Channel = Shape<typeof ChannelSchema>;
export const CHANNELS: readonly Channel[] = CONSENT_CHANNELS;

/** A person as the API sends it (OSDI). */
export type Person = Shape<typeof PersonSchema>;
/** What creating or editing a person takes (only the fields given change). */
export type PersonInput = Shape<typeof PersonInputSchema>;
export type PostalAddress = Person['postal_addresses'][number];
export type PersonZone = Person['zones'][number];
/** A tag or a list of the campaign, with how many people (visible to the actor) carry it. */
export type Group = Shape<typeof GroupSchema>;
/** One line of a person's timeline (activity, ladder move, consent, tagging); the details are in `data`. */
export type Activity = Shape<typeof TimelineItemSchema>;
export type ConsentEntry = Shape<typeof ConsentSchema>;
export type CustomField = Shape<typeof FieldSchema>;
/** The stage labels (and promotion rules) as the campaign set them. */
export type Ladder = Shape<typeof LadderSchema>;
/** Two people likely to be one (by id: the screen loads them). */
export type DuplicatePair = Shape<typeof DuplicatePairSchema>;
export type Dismissal = Shape<typeof DismissalSchema>;
export type BulkInput = Shape<typeof BulkBody>;
export type BulkAction = BulkInput['action'];

/** The items of a HAL collection page: the one array under `_embedded`. */
export function itemsOf<T>(page: { _embedded: Record<string, T[]> } | undefined): T[] {
  return page ? (Object.values(page._embedded)[0] ?? []) : [];
}

export interface PeopleFilters {
  q: string;
  stage: Stage | null;
  zone_id: string | null;
  tag_id: string | null;
  list_id: string | null;
  /** A saved segment as a filter (shareable in the address). */
  segment_id: string | null;
  /** A sort key ('-' for descending), or '' for the API's own order (relevance when searching). */
  sort: string;
}

export const PAGE_SIZE = 100;

/** The primary (else first) e-mail of a person. */
export function primaryEmail(person: Person): string {
  return (person.email_addresses?.find((e) => e.primary) ?? person.email_addresses?.[0])?.address ?? '';
}

/** The primary (else first) phone number of a person, written as French readers expect ("06 39 98 72 18"). */
export function primaryPhone(person: Person): string {
  return formatPhone((person.phone_numbers?.find((p) => p.primary) ?? person.phone_numbers?.[0])?.number);
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
      api.get<Page<'osdi:people', typeof PersonSchema>>(
        '/api/v1/people',
        {
          page,
          per_page: PAGE_SIZE,
          q: filters.q.trim() || undefined,
          stage: filters.stage,
          zone_id: filters.zone_id,
          tag_id: filters.tag_id,
          list_id: filters.list_id,
          segment_id: filters.segment_id,
          sort: filters.sort || undefined,
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

/** The timeline of a person (activities, ladder moves, consents, tags), newest first. */
export function useActivitiesQuery(id: string) {
  return useQuery({
    queryKey: ['people', 'activities', id],
    queryFn: ({ signal }) =>
      api.get<Page<'relais:timeline', typeof TimelineItemSchema>>(
        `/api/v1/people/${encodeURIComponent(id)}/activities`,
        { per_page: 200 },
        signal,
      ),
  });
}

/** The consent ledger of a person. */
export function useConsentsQuery(id: string) {
  return useQuery({
    queryKey: ['people', 'consents', id],
    queryFn: ({ signal }) =>
      api.get<Shape<typeof ConsentListSchema>>(`/api/v1/people/${encodeURIComponent(id)}/consents`, undefined, signal),
    select: (body) => body.items,
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
    mutationFn: (patch: PersonInput) => api.put<Person>(`/api/v1/people/${encodeURIComponent(id)}`, patch),
    onSuccess: invalidate,
  });
}

/** Records a consent given or withdrawn on one channel. */
export function useRecordConsent(id: string) {
  const invalidate = useInvalidatePeople();
  return useMutation({
    mutationFn: (input: Shape<typeof ConsentInputSchema>) =>
      api.post<ConsentEntry>(`/api/v1/people/${encodeURIComponent(id)}/consents`, input),
    onSuccess: invalidate,
  });
}

/** Moves a person on the ladder by hand, with a reason. */
export function useMoveStage(id: string) {
  const invalidate = useInvalidatePeople();
  return useMutation({
    mutationFn: (input: Shape<typeof LadderMoveBody>) => api.post<Person>(`/api/v1/people/${encodeURIComponent(id)}/ladder`, input),
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

/** Applies one action to many people (ids, or a segment definition). */
export function useBulkAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: BulkInput) => api.post<Shape<typeof BulkResultSchema>>('/api/v1/people/bulk', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['people'] }),
  });
}

/** The campaign's tags (with people_count). */
export function useTagsQuery() {
  return useQuery({
    queryKey: ['tags'],
    // One page of the largest size: a campaign's tags are a few dozen.
    queryFn: ({ signal }) => api.get<Shape<typeof TagCollectionSchema>>('/api/v1/tags', { per_page: 500 }, signal),
    select: (body) => body._embedded['osdi:tags'],
    staleTime: 60_000,
  });
}

/** Creates a tag by name. */
export function useCreateTag() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api.post<Group>('/api/v1/tags', { name }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['tags'] }),
  });
}

/** The campaign's lists. */
export function useListsQuery() {
  return useQuery({
    queryKey: ['lists'],
    queryFn: ({ signal }) => api.get<Shape<typeof ListCollectionSchema>>('/api/v1/lists', { per_page: 500 }, signal),
    select: (body) => body._embedded['osdi:lists'],
    staleTime: 60_000,
  });
}

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
    queryFn: ({ signal }) => api.get<Shape<typeof FieldListSchema>>('/api/v1/custom_fields', undefined, signal),
    select: (body) => body.items,
    staleTime: 60_000,
  });
}

/** The ladder's stage labels as the campaign named them. */
export function useLadderQuery() {
  return useQuery({
    queryKey: ['ladder'],
    queryFn: ({ signal }) => api.get<Ladder>('/api/v1/ladder', undefined, signal),
    staleTime: 5 * 60_000,
    retry: false,
  });
}

/** Likely duplicate pairs, best first. */
export function useDuplicatesQuery(page: number) {
  return useQuery({
    queryKey: ['people', 'duplicates', page],
    queryFn: ({ signal }) =>
      api.get<Page<'relais:duplicates', typeof DuplicatePairSchema>>('/api/v1/people/duplicates', { page, per_page: 20 }, signal),
    placeholderData: keepPreviousData,
  });
}

/** A page of the pairs dismissed as not duplicates (only fetched when shown). */
export function useDismissalsQuery(page: number, enabled: boolean) {
  return useQuery({
    queryKey: ['people', 'duplicates', 'dismissals', page],
    queryFn: ({ signal }) =>
      api.get<Page<'relais:dismissals', typeof DismissalSchema>>('/api/v1/people/duplicates/dismissals', { page, per_page: 20 }, signal),
    enabled,
    placeholderData: keepPreviousData,
  });
}

/** Marks a pair as "not duplicates": it is no longer proposed. */
export function useDismissDuplicate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (pair: Shape<typeof PairBody>) => api.post<Shape<typeof PairBody>>('/api/v1/people/duplicates/dismissals', pair),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['people', 'duplicates'] }),
  });
}

/** Undoes a "not duplicates": the pair may be proposed again. */
export function useRestoreDuplicate() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (pair: Shape<typeof PairBody>) =>
      api.delete<unknown>(`/api/v1/people/duplicates/dismissals/${encodeURIComponent(pair.a)}/${encodeURIComponent(pair.b)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['people', 'duplicates'] }),
  });
}

/** The person keep_id would become once merge_id is merged into it (nothing is written). */
export function useMergePreview(input: Shape<typeof MergeBody> | null) {
  return useQuery({
    queryKey: ['people', 'merge-preview', input?.keep_id, input?.merge_id],
    queryFn: () => api.post<Person>('/api/v1/people/merge/preview', input),
    enabled: input !== null,
    staleTime: 0,
    gcTime: 0,
  });
}

/** Merges merge_id into keep_id; answers the merge's id and the end of its undo window. */
export function useMerge() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Shape<typeof MergeBody>) => api.post<Shape<typeof MergedSchema>>('/api/v1/people/merge', input),
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

/** What adding a person by hand takes: the person, tags, consents with their proof, a first note. */
export type IntakeInput = Shape<typeof IntakeBody>;
/** A contact's outcome and kind, and what a note or contact answers (with the ladder move it caused). */
export type ContactInput = Shape<typeof ContactBody>;
export type Recorded = Shape<typeof RecordedSchema>;

/** Adds a person by hand (POST /people/intake); a refusal lists every mistake (fieldErrors). */
export function useIntakePerson() {
  const invalidate = useInvalidatePeople();
  return useMutation({
    mutationFn: (input: IntakeInput) => api.post<Person>('/api/v1/people/intake', input),
    onSuccess: invalidate,
  });
}

/** Adds a note to a person's timeline. */
export function useAddNote(id: string) {
  const invalidate = useInvalidatePeople();
  return useMutation({
    mutationFn: (text: string) => api.post<Recorded>(`/api/v1/people/${encodeURIComponent(id)}/notes`, { text }),
    onSuccess: invalidate,
  });
}

/** Logs a contact and its outcome (the ladder may move the person). */
export function useLogContact(id: string) {
  const invalidate = useInvalidatePeople();
  return useMutation({
    mutationFn: (input: ContactInput) => api.post<Recorded>(`/api/v1/people/${encodeURIComponent(id)}/contacts`, input),
    onSuccess: invalidate,
  });
}

/** Every mistake a refused write lists (`errors: [{pointer, code}]`), by JSON pointer. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!isApiError(error) || !Array.isArray(error.problem.errors)) return {};
  const byPointer: Record<string, string> = {};
  for (const item of error.problem.errors as { pointer?: unknown; code?: unknown }[]) {
    if (typeof item?.pointer === 'string' && typeof item.code === 'string') byPointer[item.pointer] ??= item.code;
  }
  return byPointer;
}
