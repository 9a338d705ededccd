// Petitions in the back office: the list, one petition (editor), its signatures, the void with its
// preview, the quarantine of form posts.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  CreateBody,
  PetitionSchema,
  QuarantineItem,
  SignatureSchema,
  UpdateBody,
  VoidAnswer,
  VoidBody,
} from '../../../server/modules/petitions/petitions.routes.ts';
import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type Petition = Shape<typeof PetitionSchema>;
export type Signature = Shape<typeof SignatureSchema>;
export type Quarantined = Shape<typeof QuarantineItem>;
export type VoidResult = Shape<typeof VoidAnswer>;
export type VoidInput = Shape<typeof VoidBody>;

/** The id of an OSDI document (its relais: identifier). */
export const idOf = (doc: { identifiers: string[] }) => (doc.identifiers[0] ?? '').replace(/^relais:/, '');

const key = ['petitions'] as const;

/** The campaign's petitions (a referent's: their arrondissements' and the campaign-wide ones). */
export function usePetitionsQuery() {
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api.get<Page<'osdi:petitions', typeof PetitionSchema>>('/api/v1/petitions', { per_page: 200 }, signal),
  });
}

/** One petition. */
export function usePetitionQuery(id: string) {
  return useQuery({
    queryKey: [...key, id],
    queryFn: ({ signal }) => api.get<Petition>(`/api/v1/petitions/${encodeURIComponent(id)}`, undefined, signal),
  });
}

/** A petition's latest fifty signatures, newest first, every status. */
export function useSignaturesQuery(id: string) {
  return useQuery({
    queryKey: [...key, id, 'signatures'],
    queryFn: ({ signal }) =>
      api.get<Page<'osdi:signatures', typeof SignatureSchema>>(
        `/api/v1/petitions/${encodeURIComponent(id)}/signatures`,
        { per_page: 200 },
        signal,
      ),
  });
}

/** Form posts the guard held back. */
export function useQuarantineQuery() {
  return useQuery({
    queryKey: ['form_submissions', 'quarantine'],
    queryFn: ({ signal }) =>
      api.get<Page<'relais:form_submissions', typeof QuarantineItem>>('/api/v1/form_submissions/quarantine', { per_page: 200 }, signal),
  });
}

/** Creates a petition (a draft). */
export function useCreatePetition() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Shape<typeof CreateBody>) => api.post<Petition>('/api/v1/petitions', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

/** Saves a petition. */
export function useUpdatePetition(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Shape<typeof UpdateBody>) => api.put<Petition>(`/api/v1/petitions/${encodeURIComponent(id)}`, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

/** Previews (preview: true) or voids signatures a filter names. */
export function useVoidSignatures(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: VoidInput) => api.post<VoidResult>(`/api/v1/petitions/${encodeURIComponent(id)}/signatures/void`, input),
    onSuccess: (_data, input) => {
      if (!input.preview) void queryClient.invalidateQueries({ queryKey: key });
    },
  });
}
