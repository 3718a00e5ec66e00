// Requests to the site's own JSON endpoints: the CSRF token in X-CSRFToken, JSON asked for, and
// one answer shape for every outcome, so a page never has to tell a thrown fetch from a 5xx.
//
//   const result = await postForm(form.action, new FormData(form));
//   result -> {ok, status, data, error, errors, field, redirected, network, response}
//
// - ok: a 2xx that was not redirected (a redirect is the login page, not an answer).
// - data: the parsed JSON body, or null when there was none (or it was not JSON).
// - error: one sentence for people, from the site's JSON error shape
//   {"error", "message", "errors": {field: message}, "field"}: its message, else the field
//   messages joined, else its error, else "the server answered <status>". "" when ok.
// - errors: {field: message} ({} when none); field: the field the server named ("" when none).
// - network: true when no answer came at all (offline, the connection dropped); status is 0.
// Nothing here throws or rejects.

export function csrfToken(doc = globalThis.document) {
  const meta = doc && doc.querySelector ? doc.querySelector('meta[name="csrf-token"]') : null;
  return meta ? meta.content : "";
}

// The site's JSON error shape, said in one sentence.
export function errorMessage(data, status) {
  const body = data && typeof data === "object" ? data : {};
  const fields = body.errors && typeof body.errors === "object" ? Object.values(body.errors).join(" ") : "";
  return body.message || fields || body.error || `the server answered ${status}`;
}

export async function request(url, options = {}) {
  const {
    method = "GET", body, headers = {}, token = csrfToken(), fetch: fetcher = globalThis.fetch,
  } = options;
  let response;
  try {
    response = await fetcher(url, {
      method, body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token, ...headers },
    });
  } catch (cause) {
    const error = (cause && cause.message) || "no connection";
    return { ok: false, status: 0, data: null, error, errors: {}, field: "", redirected: false, network: true, response: null };
  }
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  const ok = response.ok && !response.redirected;
  const shape = data && typeof data === "object" ? data : {};
  return {
    ok,
    status: response.status,
    data,
    error: ok ? "" : errorMessage(data, response.status),
    errors: shape.errors && typeof shape.errors === "object" ? shape.errors : {},
    field: typeof shape.field === "string" ? shape.field : "",
    redirected: Boolean(response.redirected),
    network: false,
    response,
  };
}

// POST a FormData (or URLSearchParams) body, as a plain form would.
export function postForm(url, body, options = {}) {
  return request(url, { ...options, method: "POST", body });
}

// POST a value as JSON.
export function postJSON(url, value, options = {}) {
  return request(url, {
    ...options,
    method: "POST",
    body: JSON.stringify(value),
    headers: { "Content-Type": "application/json", ...(options.headers || {}) },
  });
}
