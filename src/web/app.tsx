// The root of the back office: theme, data cache, language, router.
import { MantineProvider } from '@mantine/core';
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { RouterProvider } from 'react-router';
import { ApiError, onUnauthenticated } from './api/client.ts';
import { sessionKey } from './features/session/api.ts';
import { LocaleProvider } from './i18n/locale-context.tsx';
import { createAppRouter } from './routes/router.tsx';
import { theme } from './theme.ts';

/** A query client that does not retry client errors (4xx) and forgets the session on any 401. */
export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache(),
    defaultOptions: {
      queries: {
        staleTime: 15_000,
        refetchOnWindowFocus: false,
        retry: (failures, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && failures < 2,
      },
    },
  });
  onUnauthenticated(() => client.setQueryData(sessionKey, null));
  return client;
}

/** Mounts the providers and the router. */
export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(createAppRouter);
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={queryClient}>
        <LocaleProvider>
          <RouterProvider router={router} />
        </LocaleProvider>
      </QueryClientProvider>
    </MantineProvider>
  );
}
