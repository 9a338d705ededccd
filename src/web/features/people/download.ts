// Downloads a file from the API (exports, rejected rows) with the session cookie and CSRF header,
// turning a problem+json answer into an ApiError the screen can show.
import { ApiError, type Problem } from '../../api/client.ts';

/** Fetches path (GET, or POST with a JSON body) and saves the answer under its Content-Disposition name. */
export async function downloadFile(
  path: string,
  fallbackName: string,
  options: { body?: unknown; csrfToken?: string } = {},
): Promise<void> {
  const post = options.body !== undefined;
  const headers: Record<string, string> = { accept: '*/*' };
  if (post) headers['content-type'] = 'application/json';
  if (post && options.csrfToken) headers['x-csrf-token'] = options.csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method: post ? 'POST' : 'GET',
      headers,
      credentials: 'same-origin',
      body: post ? JSON.stringify(options.body) : undefined,
    });
  } catch (error) {
    throw new ApiError({ status: 0, code: 'NETWORK_ERROR', detail: String(error) });
  }
  if (!response.ok) throw new ApiError(await problemOf(response));
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileNameOf(response.headers.get('content-disposition')) ?? fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Sends a multipart form (file upload) and returns the JSON answer. */
export async function postForm<T>(path: string, form: FormData, csrfToken: string | undefined): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', headers, credentials: 'same-origin', body: form });
  } catch (error) {
    throw new ApiError({ status: 0, code: 'NETWORK_ERROR', detail: String(error) });
  }
  if (!response.ok) throw new ApiError(await problemOf(response));
  return (await response.json()) as T;
}

function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star?.[1]) return decodeURIComponent(star[1]);
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1];
}

async function problemOf(response: Response): Promise<Problem> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as Partial<Problem>;
    if (parsed && typeof parsed === 'object') return { ...parsed, status: response.status };
  } catch {
    // Not JSON: a synthetic problem below.
  }
  return { status: response.status, title: response.statusText, detail: text.slice(0, 300) || undefined };
}
