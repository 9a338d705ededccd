// API tokens for integrations: list, scopes, create (secret shown once), revoke.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  created_by_name: string | null;
}

export interface TokenScope {
  id: string;
  description_fr: string;
  description_en: string;
}

const tokensKey = ['api_tokens'] as const;

/** The campaign's API tokens, revoked ones included. */
export function useTokensQuery() {
  return useQuery({
    queryKey: tokensKey,
    queryFn: ({ signal }) => api.get<{ _embedded: { api_tokens: ApiToken[] } }>('/api/v1/api_tokens', undefined, signal),
  });
}

/** The scopes a token may be given, with their descriptions in both languages. */
export function useTokenScopesQuery(enabled = true) {
  return useQuery({
    queryKey: ['api_token_scopes'],
    queryFn: ({ signal }) => api.get<{ scopes: TokenScope[] }>('/api/v1/api_tokens/scopes', undefined, signal),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Creates a token; the answer holds the secret, which the server never shows again. */
export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; scopes: string[] }) => api.post<ApiToken & { token: string }>('/api/v1/api_tokens', input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensKey }),
  });
}

/** Revokes a token at once. */
export function useRevokeToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/api_tokens/${encodeURIComponent(id)}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tokensKey }),
  });
}
