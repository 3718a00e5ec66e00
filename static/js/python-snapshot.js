// The Python memory snapshot (app/assets/snapshot.py) kept in Cache Storage by the Pyodide
// worker: a first visit starts Python afresh and then fetches the snapshot in the background;
// later visits restore it. The cache holds one entry, under the snapshot's URL, which carries
// the Pyodide version and the hash of sims/, so a changed model or runtime is never restored
// (its URL is not in the cache) and the old entry is deleted when the new one is kept.
// Browsers without Cache Storage, or where it fails, simply start afresh every time.
// Not "leadup-…": the service worker deletes the caches of that name that it did not make.
const CACHE = "python-snapshot";

function available(url) {
  return Boolean(url) && typeof caches !== "undefined";
}

// The saved snapshot for `url`, or null: {bytes}, a promise of its bytes, so that reading
// them overlaps with Pyodide loading its own files (loadPyodide awaits _loadSnapshot).
export async function savedSnapshot(url) {
  if (!available(url)) return null;
  try {
    const response = await (await caches.open(CACHE)).match(url);
    return response ? { bytes: response.arrayBuffer().then((buffer) => new Uint8Array(buffer)) } : null;
  } catch {
    return null;
  }
}

// Delete every saved snapshot (one could not be restored).
export async function forgetSnapshots() {
  if (typeof caches !== "undefined") await caches.delete(CACHE).catch(() => {});
}

// Fetch and keep the snapshot for `url`, deleting any other; true when it is kept. Not when
// the reader asked their browser to save data (about 4 MB would be downloaded).
export async function keepSnapshot(url) {
  if (!available(url) || navigator.connection?.saveData) return false;
  const cache = await caches.open(CACHE);
  for (const request of await cache.keys()) {
    if (request.url !== url) await cache.delete(request);
  }
  if (await cache.match(url)) return true;
  const response = await fetch(url, { credentials: "same-origin", priority: "low" });
  if (!response.ok) return false;
  // Downloaded whole first, so that the entry is written at once and a page closed during
  // the download leaves nothing half-kept.
  const body = await response.arrayBuffer();
  await cache.put(url, new Response(body, { headers: { "Content-Type": "application/octet-stream" } }));
  return true;
}

// The leadup-sims wheel named in the lockfile at `lockfileURL`, checked against its sha256
// (a restored Python has the modules in memory but not their files: sims reads its data).
export async function fetchWheel(lockfileURL) {
  const lock = await (await fetch(lockfileURL, { credentials: "same-origin" })).json();
  const entry = lock.packages["leadup-sims"];
  const digest = entry.sha256.match(/../g).map((hex) => String.fromCharCode(parseInt(hex, 16))).join("");
  const response = await fetch(new URL(entry.file_name, lockfileURL), {
    credentials: "same-origin", integrity: `sha256-${btoa(digest)}`,
  });
  if (!response.ok) throw new Error(`could not load the simulations (${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}
