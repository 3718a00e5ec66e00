import { test } from "node:test";
import assert from "node:assert/strict";
import { csrfToken, errorMessage, postForm, postJSON, request } from "../../static/js/lib/http.js";
import { fakeFetch } from "./fakes.mjs";

test("postForm sends the CSRF token, asks for JSON and returns the answer", async () => {
  const fetch = fakeFetch({ status: 200, body: { ok: true, id: 7 } });
  const body = new FormData();
  body.set("text", "hello");
  const result = await postForm("/live/ABC/answer", body, { fetch, token: "tok" });
  assert.equal(result.ok, true);
  assert.equal(result.status, 200);
  assert.deepEqual(result.data, { ok: true, id: 7 });
  assert.equal(result.error, "");
  assert.equal(result.network, false);
  const [call] = fetch.calls;
  assert.equal(call.url, "/live/ABC/answer");
  assert.equal(call.method, "POST");
  assert.equal(call.credentials, "same-origin");
  assert.equal(call.body, body);
  assert.equal(call.headers["X-CSRFToken"], "tok");
  assert.equal(call.headers.Accept, "application/json");
});

test("the site's JSON error shape: message, field messages, error, field", async () => {
  const fetch = fakeFetch({
    status: 422, body: { error: "invalid", message: "Check the note.", errors: { text: "Too long." }, field: "text" },
  });
  const result = await postForm("/x", new FormData(), { fetch, token: "" });
  assert.equal(result.ok, false);
  assert.equal(result.status, 422);
  assert.equal(result.error, "Check the note.");
  assert.deepEqual(result.errors, { text: "Too long." });
  assert.equal(result.field, "text");
  assert.equal(result.data.error, "invalid");
});

test("errorMessage falls back from message to field messages to error to the status", () => {
  assert.equal(errorMessage({ message: "M", errors: { a: "A" }, error: "E" }, 400), "M");
  assert.equal(errorMessage({ errors: { a: "A.", b: "B." }, error: "E" }, 400), "A. B.");
  assert.equal(errorMessage({ error: "closed" }, 409), "closed");
  assert.equal(errorMessage(null, 502), "the server answered 502");
  assert.equal(errorMessage("not an object", 500), "the server answered 500");
});

test("a 5xx with an HTML page is an error with no data", async () => {
  const fetch = fakeFetch({ status: 503, body: "<h1>Service Unavailable</h1>" });
  const result = await postForm("/x", new FormData(), { fetch, token: "" });
  assert.equal(result.ok, false);
  assert.equal(result.status, 503);
  assert.equal(result.data, null);
  assert.equal(result.error, "the server answered 503");
  assert.deepEqual(result.errors, {});
  assert.equal(result.field, "");
  assert.equal(result.network, false);
  assert.equal(result.response.status, 503);
});

test("no network: never throws, says so, status 0", async () => {
  const fetch = fakeFetch("offline");
  const result = await postForm("/x", new FormData(), { fetch, token: "" });
  assert.equal(result.ok, false);
  assert.equal(result.network, true);
  assert.equal(result.status, 0);
  assert.equal(result.data, null);
  assert.equal(result.response, null);
  assert.equal(result.error, "Failed to fetch");
});

test("a redirect (to the login page) is not ok, even though it ends in a 200", async () => {
  const fetch = fakeFetch({ status: 200, body: "<form>Sign in</form>", redirected: true });
  const result = await postForm("/x", new FormData(), { fetch, token: "" });
  assert.equal(result.ok, false);
  assert.equal(result.redirected, true);
  assert.equal(result.status, 200);
  assert.equal(result.response.ok, true);
});

test("postJSON sends JSON with its content type; request defaults to GET", async () => {
  const fetch = fakeFetch({ status: 201, body: { id: 1 } });
  const result = await postJSON("/api", { title: "T" }, { fetch, token: "t" });
  assert.equal(result.ok, true);
  assert.equal(fetch.calls[0].body, '{"title":"T"}');
  assert.equal(fetch.calls[0].headers["Content-Type"], "application/json");
  assert.equal(fetch.calls[0].headers["X-CSRFToken"], "t");
  await request("/api?x=1", { fetch, token: "t" });
  assert.equal(fetch.calls[1].method, "GET");
});

test("csrfToken reads the page's meta tag, or gives an empty string", () => {
  const page = { querySelector: (sel) => (sel === 'meta[name="csrf-token"]' ? { content: "abc" } : null) };
  assert.equal(csrfToken(page), "abc");
  assert.equal(csrfToken({ querySelector: () => null }), "");
  assert.equal(csrfToken(undefined), "");
});
