// LeadUP's service worker, served at /sw.js (scope "/") by assets.service_worker.
// It keeps a simulation page working once visited, when a workshop room's Wi-Fi drops.
//   /vendor/..., /sims/<hash>/...        cache-first: versioned, immutable (Pyodide, BokehJS, the
//                                        sims wheel and its lockfile), except *.snapshot files,
//                                        which pyodide-worker.js keeps in its own cache
//   /static/..., /simulations/datasets/*.json
//                                        stale-while-revalidate: answer from the cache, refresh it
//   pages under /modules/, /smoke/pyodide network-first, falling back to the last copy
// Everything else (sign-in, account, tutor pages, POSTs) goes to the network untouched.
// Bump VERSION to drop every cache this worker made.
const VERSION = "v1";
const VENDOR = `leadup-vendor-${VERSION}`;
const ASSETS = `leadup-assets-${VERSION}`;
const PAGES = `leadup-pages-${VERSION}`;
const CURRENT = [VENDOR, ASSETS, PAGES];
const PRIVATE = ["/auth", "/login", "/logout", "/account", "/manage", "/cohorts", "/users", "/reset"];
const PAGE_TIMEOUT_MS = 6000; // a hanging network counts as offline if a copy is cached

self.addEventListener("install", () => self.skipWaiting());

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("leadup-") && !CURRENT.includes(name)) await caches.delete(name);
    }
    await self.clients.claim(); // control the page that registered us, without a reload
  })());
});

function under(path, prefixes) {
  return prefixes.some((p) => path === p || path.startsWith(p + "/"));
}

// Which cache (and strategy) a GET for this URL uses, or null for "network only".
function cacheFor(url, isPage) {
  if (url.origin !== self.location.origin || under(url.pathname, PRIVATE)) return null;
  const path = url.pathname;
  if (path.startsWith("/vendor/") || path.startsWith("/sims/")) return path.endsWith(".snapshot") ? null : VENDOR;
  if (path.startsWith("/static/")) return ASSETS;
  if (path.startsWith("/simulations/datasets/") && path.endsWith(".json")) return ASSETS;
  if (isPage && (path.startsWith("/modules/") || path === "/smoke/pyodide")) return PAGES;
  return null;
}

// Only complete 200 answers from this site, and never "no-store" ones, except pages: signed-in
// pages are all sent no-store (app/security.py) so the HTTP cache keeps no copy, and these few
// are kept on purpose, in their own cache, which is emptied whenever someone signs in or out.
function storable(response, cacheName) {
  if (response.status !== 200 || response.type !== "basic" || response.redirected) return false;
  const noStore = /no-store/i.test(response.headers.get("Cache-Control") || "");
  return !noStore || cacheName === PAGES;
}

async function store(cacheName, request, response) {
  if (!storable(response, cacheName)) return;
  const cache = await caches.open(cacheName);
  await cache.put(request, response);
}

// Fetch from the network and keep a copy; the copy is taken before the page reads the body.
function fetchAndStore(event, cacheName, request = event.request) {
  const network = fetch(request);
  event.waitUntil(network.then((r) => store(cacheName, request, r.clone())).catch(() => {}));
  return network;
}

async function cacheFirst(event, cacheName) {
  const cached = await caches.match(event.request, { cacheName });
  return cached || fetchAndStore(event, cacheName);
}

async function staleWhileRevalidate(event, cacheName) {
  const cached = await caches.match(event.request, { cacheName });
  const network = fetchAndStore(event, cacheName);
  if (!cached) return network;
  network.catch(() => {}); // offline: the cached copy is the answer
  return cached;
}

async function networkFirst(event, cacheName) {
  const cached = await caches.match(event.request, { cacheName, ignoreVary: true });
  const network = fetchAndStore(event, cacheName);
  if (!cached) return network;
  const timeout = new Promise((resolve) => setTimeout(resolve, PAGE_TIMEOUT_MS, cached));
  return Promise.race([network.catch(() => cached), timeout]);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET") {
    // Signing in or out: forget the pages the previous person saw.
    if (url.origin === self.location.origin && under(url.pathname, ["/login", "/logout"])) {
      event.waitUntil(caches.delete(PAGES));
    }
    return;
  }
  const cacheName = cacheFor(url, request.mode === "navigate");
  if (cacheName === VENDOR) event.respondWith(cacheFirst(event, cacheName));
  else if (cacheName === ASSETS) event.respondWith(staleWhileRevalidate(event, cacheName));
  else if (cacheName === PAGES) event.respondWith(networkFirst(event, cacheName));
});

// offline.js sends the URLs the page loaded before this worker controlled it (the page itself,
// its CSS and scripts), so even a first visit is enough to work offline afterwards.
self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "cache-urls" || !Array.isArray(event.data.urls)) return;
  event.waitUntil(Promise.all(event.data.urls.map(async (href) => {
    const url = new URL(href, self.location.origin);
    const cacheName = cacheFor(url, url.href === event.data.page);
    if (!cacheName || await caches.match(url.href, { cacheName })) return;
    try {
      await store(cacheName, url.href, await fetch(url.href, { credentials: "same-origin" }));
    } catch (error) {
      // offline or refused: it will be cached on the next visit
    }
  })));
});
