// Public votes: the list, creating a vote with its options, opening and closing, results with the
// recount, the anti-fraud counters and voiding ballots.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  FraudCountersSchema,
  RecountResultSchema,
  VoidInput,
  VoidResultSchema,
  VoteInput,
  VoteResultsSchema,
  VoteSchema,
} from '../../../server/modules/votes/votes.routes.ts';
import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

export type Vote = Shape<typeof VoteSchema>;
export type VoteDraft = Shape<typeof VoteInput>;
export type VoteResults = Shape<typeof VoteResultsSchema>;
export type FraudCounters = Shape<typeof FraudCountersSchema>;

const key = ['votes'] as const;
const path = (id: string) => `/api/v1/votes/${encodeURIComponent(id)}`;

/** The campaign's votes, newest first. */
export function useVotesQuery() {
  return useQuery({
    queryKey: key,
    queryFn: ({ signal }) => api.get<Page<'votes', typeof VoteSchema>>('/api/v1/votes', undefined, signal),
  });
}

/** Creates a draft vote. */
export function useCreateVote() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: VoteDraft) => api.post<Vote>('/api/v1/votes', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

/** Opens or closes a vote. */
export function useVoteStep() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, step }: { id: string; step: 'open' | 'close' }) => api.post<Vote>(`${path(id)}/${step}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

/** A vote's results beside the recount from its ballots. */
export function useResultsQuery(id: string) {
  return useQuery({
    queryKey: [...key, id, 'results'],
    queryFn: ({ signal }) => api.get<VoteResults>(`${path(id)}/results`, undefined, signal),
  });
}

/** A vote's anti-fraud counters. */
export function useCountersQuery(id: string) {
  return useQuery({
    queryKey: [...key, id, 'counters'],
    queryFn: ({ signal }) => api.get<FraudCounters>(`${path(id)}/counters`, undefined, signal),
  });
}

/** Voids ballots by IP range or e-mail domain. */
export function useVoidBallots() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...input }: Shape<typeof VoidInput> & { id: string }) =>
      api.post<Shape<typeof VoidResultSchema>>(`${path(id)}/ballots/void`, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

/** Rewrites the tallies from the ballots. */
export function useRecount() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.post<Shape<typeof RecountResultSchema>>(`${path(id)}/recount`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}
