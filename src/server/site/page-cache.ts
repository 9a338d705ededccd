// A short cache of rendered public pages: they are the same for every visitor (nothing personal),
// so a crowd arriving from a post is served from memory. An edit through this process empties its
// campaign's entries at once; other processes see it within the entries' lifetime.
const TTL_MS = 30_000;
const MAX_ENTRIES = 2_000;

interface Entry {
  at: number;
  status: number;
  /** The page encoded once (UTF-8), not at every request. */
  body: Buffer;
}

const entries = new Map<string, Entry>();
/** Renders under way: a crowd asking for a page that just expired waits for one rendering. */
const rendering = new Map<string, Promise<{ status: number; body: Buffer }>>();

/** The cached page for this key, or what `render` makes (cached when its status is 200). */
export async function cachedPage(campaignId: string, key: string, render: () => Promise<{ status: number; body: string }>) {
  const full = `${campaignId} ${key}`;
  const hit = entries.get(full);
  if (hit && Date.now() - hit.at < TTL_MS) return hit;
  const pending = rendering.get(full);
  if (pending) return pending;
  const made = render()
    .then((page) => ({ status: page.status, body: Buffer.from(page.body, 'utf8') }))
    .finally(() => rendering.delete(full));
  rendering.set(full, made);
  const page = await made;
  if (page.status === 200) {
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(full, { at: Date.now(), ...page });
  }
  return page;
}

/** Forgets a campaign's pages (after an edit). */
export function forgetSitePages(campaignId: string): void {
  for (const key of entries.keys()) if (key.startsWith(`${campaignId} `)) entries.delete(key);
  for (const key of rendering.keys()) if (key.startsWith(`${campaignId} `)) rendering.delete(key);
}
