// Keep simulation pages working offline once visited (see static/js/service-worker.js).
//   import { registerOfflineCache } from "./offline.js";  registerOfflineCache();
// Resolves to the registration, or null; never throws or rejects. Without service workers
// (old browsers, some private windows, plain http on a host other than localhost) the page
// simply works online only.
export async function registerOfflineCache() {
  try {
    if (!("serviceWorker" in navigator)) return null;
    const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
    // Ask the worker to cache what this page loaded before it was in control (first visit).
    const page = location.href.split("#")[0];
    const loaded = performance.getEntriesByType("resource").map((entry) => entry.name);
    navigator.serviceWorker.ready
      .then((ready) => ready.active?.postMessage({ type: "cache-urls", page, urls: [page, ...loaded] }))
      .catch(() => {});
    return registration;
  } catch (error) {
    console.info("Offline use is not available in this browser:", error && error.message ? error.message : error);
    return null;
  }
}
