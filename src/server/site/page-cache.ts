// A short cache of rendered public pages: they are the same for every visitor (nothing personal),
// so a crowd arriving from a post is served from memory. An edit through this process empties its
// campaign's entries at once; other processes see it within the entries' lifetime.
const TTL_MS = 30_000;
const MAX_ENTRIES = 2_000;

interface Entry {
  at: number;
  status: number;
  body: string;
}

const entries = new Map<string, Entry>();

/** The cached page for this key, or what `render` makes (cached when its status is 200). */
export async function cachedPage(campaignId: string, key: string, render: () => Promise<{ status: number; body: string }>) {
  const full = `${campaignId} ${key}`;
  const hit = entries.get(full);
  if (hit && Date.now() - hit.at < TTL_MS) return hit;
  const made = await render();
  if (made.status === 200) {
    if (entries.size >= MAX_ENTRIES) entries.clear();
    entries.set(full, { at: Date.now(), ...made });
  }
  return made;
}

/** Forgets a campaign's pages (after an edit). */
export function forgetSitePages(campaignId: string): void {
  for (const key of entries.keys()) if (key.startsWith(`${campaignId} `)) entries.delete(key);
}
