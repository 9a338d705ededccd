// API tokens for integrations: list, scopes, create (secret shown once), revoke.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { TokenCreatedSchema, TokenSchema, tokenScopeSchemas } from '../../../server/modules/identity/identity.routes.ts';

import { api } from '../../api/client.ts';
import type { Page, Shape } from '../../api/shapes.ts';

type TokenScopesSchema = ReturnType<typeof tokenScopeSchemas>['TokenScopesSchema'];
type TokenInput = ReturnType<typeof tokenScopeSchemas>['TokenInput'];

export type ApiToken = Shape<typeof TokenSchema>;
export type TokenScope = Shape<TokenScopesSchema>['scopes'][number];

const tokensKey = ['api_tokens'] as const;

/** The campaign's API tokens, revoked ones included. */
export function useTokensQuery() {
  return useQuery({
    queryKey: tokensKey,
    queryFn: ({ signal }) => api.get<Page<'api_tokens', typeof TokenSchema>>('/api/v1/api_tokens', undefined, signal),
  });
}

/** The scopes a token may be given, with their descriptions in both languages. */
export function useTokenScopesQuery(enabled = true) {
  return useQuery({
    queryKey: ['api_token_scopes'],
    queryFn: ({ signal }) => api.get<Shape<TokenScopesSchema>>('/api/v1/api_tokens/scopes', undefined, signal),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** Creates a token; the answer holds the secret, which the server never shows again. */
export function useCreateToken() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Shape<TokenInput>) => api.post<Shape<typeof TokenCreatedSchema>>('/api/v1/api_tokens', input),
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
