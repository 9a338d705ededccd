// The one HTTP client of the back office: JSON in and out, cookie session, CSRF header, RFC 9457 errors.

/** An RFC 9457 problem document as the server sends it (extra members allowed). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  [extra: string]: unknown;
}

/** A failed API call, carrying the server's problem document (or a synthetic one for network failures). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code ?? 'UNKNOWN';
    this.problem = problem;
  }
}

/** True when the value is an ApiError with the given code. */
export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}

type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
}

const SESSION_PATH = '/api/v1/session';
let csrfToken: string | null = null;
const unauthenticatedListeners = new Set<() => void>();

/** Remembers the CSRF token of the current session (from the login or session response). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Registers a callback run when any call (other than the session probe) answers 401: the session is gone. */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

/** Sends one request to the API and returns the parsed JSON body (undefined for 204). */
export async function apiRequest<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  let response = await send(method, path, options);
  if (response.status === 403 && method !== 'GET') {
    const problem = await readProblem(response);
    // The session's CSRF token rotated (or was never loaded): reload it once and retry.
    if (problem.code !== 'CSRF_TOKEN_INVALID' || !(await reloadCsrfToken())) throw new ApiError(problem);
    response = await send(method, path, options);
  }
  if (!response.ok) {
    const problem = await readProblem(response);
    if (response.status === 401 && problem.code === 'UNAUTHENTICATED' && path !== SESSION_PATH) {
      for (const listener of unauthenticatedListeners) listener();
    }
    throw new ApiError(problem);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Shorthands of apiRequest for each HTTP method. */
export const api = {
  get: <T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) => apiRequest<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => apiRequest<T>('POST', path, { body }),
  put: <T>(path: string, body?: unknown) => apiRequest<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => apiRequest<T>('PATCH', path, { body }),
  delete: <T = void>(path: string) => apiRequest<T>('DELETE', path),
};

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({ status: 0, code: 'NETWORK_ERROR', title: 'Network error', detail: String(error) });
  }
}

function withQuery(path: string, query: RequestOptions['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function readProblem(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as Partial<Problem>;
    if (parsed && typeof parsed === 'object') return { ...parsed, status: response.status };
  } catch {
    // Not JSON (a proxy's HTML error page, for instance): fall through to a synthetic problem.
  }
  return { status: response.status, title: response.statusText, detail: text.slice(0, 300) || undefined };
}

async function reloadCsrfToken(): Promise<boolean> {
  try {
    const response = await fetch(SESSION_PATH, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!response.ok) return false;
    const session = (await response.json()) as { csrf_token?: string };
    if (!session.csrf_token) return false;
    csrfToken = session.csrf_token;
    return true;
  } catch {
    return false;
  }
}
