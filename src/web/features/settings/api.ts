// The people module's campaign settings: ladder stage labels and promotion rules, tags, lists, custom
// fields. Query keys are shared with the people screens (['ladder'], ['tags'], ['lists'],
// ['custom_fields']) so an edit here shows at once in the list, the filters and the person page.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FieldInput, FieldListSchema, FieldSchema, FieldUpdate } from '../../../server/modules/people/custom-fields.routes.ts';
import type {
  GroupInput as GroupInputSchema,
  GroupSchema,
  ListCollectionSchema,
  TagCollectionSchema,
} from '../../../server/modules/people/groups.ts';
import type { LadderInputSchema, LadderSchema } from '../../../server/modules/people/ladder.routes.ts';
import { api } from '../../api/client.ts';
import type { Shape } from '../../api/shapes.ts';

export type { Stage } from '../dashboard/api.ts';
export { STAGES } from '../dashboard/api.ts';

/** The stage labels, the promotion rules, and whether the campaign uses the built-in rules. */
export type Ladder = Shape<typeof LadderSchema>;
export type StageLabel = Ladder['stages'][number];
export type LadderRule = Ladder['rules'][number];
export type RuleCondition = LadderRule['conditions'][number];
export type RuleStage = LadderRule['to_stage'];
export { RULE_STAGES } from '../../../shared/enums.ts';
/** What PUT /ladder takes: labels of some stages, and/or the whole rule set (new rules without id). */
export type LadderInput = Shape<typeof LadderInputSchema>;

const ladderKey = ['ladder'] as const;

/** The campaign's stage labels and promotion rules. */
export function useLadderSettingsQuery() {
  return useQuery({
    queryKey: ladderKey,
    queryFn: ({ signal }) => api.get<Ladder>('/api/v1/ladder', undefined, signal),
  });
}

/** Saves stage labels and/or rules; `rules: []` returns to the default rules. */
export function useSaveLadder() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: LadderInput) => api.put<Ladder>('/api/v1/ladder', input),
    onSuccess: (ladder) => {
      queryClient.setQueryData(ladderKey, ladder);
      return queryClient.invalidateQueries({ queryKey: ladderKey });
    },
  });
}

export type GroupKind = 'tag' | 'list';

/** A tag or a list, with how many people (visible to the actor) carry it. */
export type Group = Shape<typeof GroupSchema>;
export type GroupInput = Shape<typeof GroupInputSchema>;

const groupPath = (kind: GroupKind) => (kind === 'tag' ? '/api/v1/tags' : '/api/v1/lists');
const groupKey = (kind: GroupKind) => [kind === 'tag' ? 'tags' : 'lists'] as const;

/** The campaign's tags or lists, by name. */
export function useGroupsQuery(kind: GroupKind) {
  return useQuery({
    queryKey: groupKey(kind),
    // One page of the largest size: a campaign's tags and lists are a few dozen.
    queryFn: ({ signal }) =>
      api.get<Shape<typeof TagCollectionSchema> | Shape<typeof ListCollectionSchema>>(groupPath(kind), { per_page: 500 }, signal),
    select: (body) => ('osdi:tags' in body._embedded ? body._embedded['osdi:tags'] : body._embedded['osdi:lists']),
  });
}

function useGroupMutation<V>(kind: GroupKind, send: (variables: V) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    // People carry tags and lists on their page: refresh those too.
    onSuccess: () =>
      Promise.all([queryClient.invalidateQueries({ queryKey: groupKey(kind) }), queryClient.invalidateQueries({ queryKey: ['people'] })]),
  });
}

/** Creates a tag or a list. */
export function useCreateGroup(kind: GroupKind) {
  return useGroupMutation(kind, (input: GroupInput) => api.post<Group>(groupPath(kind), input));
}

/** Renames a tag or a list, or changes its description. */
export function useUpdateGroup(kind: GroupKind) {
  return useGroupMutation(kind, ({ id, input }: { id: string; input: GroupInput }) =>
    api.put<Group>(`${groupPath(kind)}/${encodeURIComponent(id)}`, input),
  );
}

/** Deletes a tag or a list (the people stay; they lose the tag or leave the list). */
export function useDeleteGroup(kind: GroupKind) {
  return useGroupMutation(kind, (id: string) => api.delete(`${groupPath(kind)}/${encodeURIComponent(id)}`));
}

export type CustomField = Shape<typeof FieldSchema>;
export type NewCustomField = Shape<typeof FieldInput>;
export type FieldType = CustomField['type'];
export const FIELD_TYPES: readonly FieldType[] = ['text', 'number', 'date', 'choice'];

const fieldsKey = ['custom_fields'] as const;

/** The campaign's custom fields, in their display order. */
export function useFieldsQuery() {
  return useQuery({
    queryKey: fieldsKey,
    queryFn: ({ signal }) => api.get<Shape<typeof FieldListSchema>>('/api/v1/custom_fields', undefined, signal),
    select: (body) => body.items,
  });
}

function useFieldMutation<V, R>(send: (variables: V) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: () =>
      Promise.all([queryClient.invalidateQueries({ queryKey: fieldsKey }), queryClient.invalidateQueries({ queryKey: ['people'] })]),
  });
}

/** Defines a custom field (it goes after the existing ones). */
export function useCreateField() {
  return useFieldMutation((input: NewCustomField) => api.post<CustomField>('/api/v1/custom_fields', input));
}

/** Relabels a custom field or changes its choices (key and type are fixed). */
export function useUpdateField() {
  return useFieldMutation(({ id, input }: { id: string; input: Shape<typeof FieldUpdate> }) =>
    api.put<CustomField>(`/api/v1/custom_fields/${encodeURIComponent(id)}`, input),
  );
}

/** Deletes a custom field definition (values stay on people until edited). */
export function useDeleteField() {
  return useFieldMutation((id: string) => api.delete(`/api/v1/custom_fields/${encodeURIComponent(id)}`));
}

/** Puts the fields in the given order, in one request. */
export function useReorderFields() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (ids: string[]) => api.put<Shape<typeof FieldListSchema>>('/api/v1/custom_fields/order', { ids }),
    onMutate: async (ids) => {
      // Move the rows at once; the server's answer (or a refetch after an error) settles it.
      await queryClient.cancelQueries({ queryKey: fieldsKey });
      const previous = queryClient.getQueryData<Shape<typeof FieldListSchema>>(fieldsKey);
      if (previous) {
        const byId = new Map(previous.items.map((f) => [f.id, f]));
        const items = ids.flatMap((id) => byId.get(id) ?? []);
        queryClient.setQueryData(fieldsKey, { items: [...items, ...previous.items.filter((f) => !ids.includes(f.id))] });
      }
    },
    onSuccess: (body) => queryClient.setQueryData(fieldsKey, body),
    onError: () => queryClient.invalidateQueries({ queryKey: fieldsKey }),
  });
}
