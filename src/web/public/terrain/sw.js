// Service worker of the canvassing app (scope /terrain/): keeps the app's shell (its page, scripts,
// styles, manifest, icons) so that it opens without network. The API is never cached here: the
// pack and the queue live in IndexedDB, and the page itself sends the queue (no Background Sync,
// which Safari lacks).
const CACHE = 'relais-terrain-v1';
const SHELL = '/terrain/';
const EXTRA = ['/terrain/manifest.webmanifest', '/terrain/icon.svg', '/terrain/icon-maskable.svg'];

/** The shell and every asset its HTML names (hashed file names change with each build). */
async function cacheShell() {
  const cache = await caches.open(CACHE);
  const response = await fetch(SHELL, { cache: 'no-store' });
  if (!response.ok) throw new Error(`shell ${response.status}`);
  const html = await response.clone().text();
  const assets = [...new Set([...html.matchAll(/(?:src|href)="(\/app\/assets\/[^"]+)"/g)].map((m) => m[1]))];
  await cache.put(SHELL, response);
  await cache.addAll([...assets, ...EXTRA]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(cacheShell().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate' && url.pathname.startsWith('/terrain')) {
    // The network first (a new build), the kept shell when there is none.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok) {
            const copy = response.clone();
            caches.open(CACHE).then((cache) => cache.put(SHELL, copy));
          }
          return response;
        })
        .catch(() => caches.match(SHELL).then((r) => r || Response.error())),
    );
    return;
  }
  if (url.pathname.startsWith('/app/assets/') || EXTRA.includes(url.pathname)) {
    event.respondWith(
      caches.match(request).then(
        (hit) =>
          hit ||
          fetch(request).then((response) => {
            if (response.ok) {
              const copy = response.clone();
              caches.open(CACHE).then((cache) => cache.put(request, copy));
            }
            return response;
          }),
      ),
    );
  }
});
