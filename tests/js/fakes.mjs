// Test doubles for the browser's localStorage, fetch and timers (node has none of the first).

// A localStorage: getItem/setItem/removeItem/key/length over a Map. {broken: true} throws on
// every call, as Safari's private mode and a full device do.
export function fakeStorage({ broken = false, full = false } = {}) {
  const items = new Map();
  const fail = () => { throw new Error("QuotaExceededError"); };
  return {
    items,
    get length() { if (broken) fail(); return items.size; },
    key(i) { if (broken) fail(); return Array.from(items.keys())[i] ?? null; },
    getItem(key) { if (broken) fail(); return items.has(key) ? items.get(key) : null; },
    setItem(key, value) { if (broken || full) fail(); items.set(key, String(value)); },
    removeItem(key) { if (broken) fail(); items.delete(key); },
  };
}

// A fetch that answers from a list of replies, in order, and records each call. A reply is
// {status, body (an object: sent as JSON; a string: sent as it is), redirected} or "offline".
export function fakeFetch(...replies) {
  const calls = [];
  async function fetch(url, init = {}) {
    calls.push({ url: String(url), ...init });
    const reply = replies.length > 1 ? replies.shift() : replies[0];
    if (reply === "offline") throw new TypeError("Failed to fetch");
    const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? null);
    const response = new Response(reply.body === undefined ? null : text, {
      status: reply.status ?? 200,
      headers: reply.headers || { "Content-Type": typeof reply.body === "string" ? "text/html" : "application/json" },
    });
    Object.defineProperty(response, "redirected", { value: Boolean(reply.redirected) });
    return response;
  }
  fetch.calls = calls;
  return fetch;
}

// setTimeout/clearTimeout on a clock that moves only when told (tick), so timing is exact.
export function fakeTimers() {
  let now = 0;
  let next = 1;
  const pending = new Map();
  return {
    get now() { return now; },
    get pending() { return pending.size; },
    setTimeout(fn, ms = 0) { const id = next++; pending.set(id, { fn, at: now + ms }); return id; },
    clearTimeout(id) { pending.delete(id); },
    tick(ms) {
      const until = now + ms;
      for (;;) {
        const due = [...pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        pending.delete(due[0]);
        now = due[1].at;
        due[1].fn();
      }
      now = until;
    },
  };
}

// Let pending promise callbacks run.
export const settle = () => new Promise((resolve) => setImmediate(resolve));
