// A live session's phone page or projector: follow the room's events, and post notes that are
// never lost or doubled.
//
// Events come by server-sent events (EventSource reconnects by itself and resumes after the
// last event id it saw). Where a network blocks them, the page falls back to asking
// /events?after=N. A note is kept in localStorage with an idempotency key until the server
// confirms it, and resent (same key) when the connection returns: the server stores it once.
(function () {
  "use strict";
  const room = document.getElementById("live-room");
  if (!room) return;
  const meta = document.querySelector('meta[name="csrf-token"]');
  const token = meta ? meta.content : "";
  const status = room.querySelector("[data-connection]");
  const outboxKey = "leadup-live-outbox-" + room.dataset.code;
  let after = Number(room.dataset.after || 0);
  let source = null;
  let failures = 0;
  let polling = false;

  function say(text) { if (status) status.textContent = text; }

  // -- showing events ------------------------------------------------------------------------
  function noteElement(data) {
    const item = document.createElement("li");
    item.className = "live-note live-note-" + (data.colour || "yellow") + (data.pinned ? " live-pinned" : "");
    item.id = "post-" + data.id;
    item.dataset.table = data.table || "";
    const text = document.createElement("p");
    text.className = "learner-text";
    text.textContent = data.text;  // text, never HTML
    const by = document.createElement("p");
    by.className = "live-note-by";
    by.textContent = data.by + (data.pinned ? " · pinned" : "");
    item.append(text, by);
    return item;
  }

  function showPost(data) {
    const current = document.getElementById("post-" + data.id);
    if (data.hidden) { if (current) current.remove(); return; }
    const fresh = noteElement(data);
    if (current) { current.replaceWith(fresh); return; }
    const list = room.querySelector(`[data-table-notes="${data.table || ""}"]`) || room.querySelector("[data-my-notes]");
    if (list) list.appendChild(fresh);
    const count = room.querySelector("[data-count]");
    if (count) count.textContent = String(Number(count.textContent) + 1);
  }

  let refreshing = null;
  function refreshResults() {
    const slot = room.querySelector("[data-results]");
    if (!slot || refreshing) return;
    refreshing = setTimeout(async () => {
      refreshing = null;
      try {
        const response = await fetch(room.dataset.resultsUrl, { credentials: "same-origin" });
        if (response.ok) slot.innerHTML = await response.text();  // rendered and escaped on the server
      } catch (e) { /* the next event tries again */ }
    }, 150);
  }

  function apply(item) {
    if (item.id <= after) return;
    after = item.id;
    const type = item.type;
    if (type === "post" && room.dataset.kind === "board") showPost(item.data);
    else if (type === "post" || type === "vote") refreshResults();
    else if (type === "live" || type === "results" || type === "closed" || type === "activity-added") {
      if (type !== "activity-added" || room.dataset.role === "projector") window.location.reload();
    }
  }

  // -- following the room --------------------------------------------------------------------
  function stream() {
    if (!window.EventSource) { poll(); return; }
    source = new EventSource(room.dataset.streamUrl + "?after=" + after);
    source.onopen = () => { failures = 0; say("Live."); };
    source.onmessage = (message) => { apply(JSON.parse(message.data)); };
    source.onerror = () => {
      failures += 1;
      say("Reconnecting…");
      if (failures >= 3) { source.close(); poll(); }
    };
  }

  async function poll() {
    if (polling) return;
    polling = true;
    say("Live (through updates every few seconds).");
    while (true) {
      try {
        const response = await fetch(room.dataset.pollUrl + "?wait=20&after=" + after, { credentials: "same-origin" });
        if (response.ok) {
          const reply = await response.json();
          reply.events.forEach(apply);
          say("Live.");
        } else {
          say("Reconnecting…");
          await new Promise((done) => setTimeout(done, 2000));
        }
      } catch (e) {
        say("Offline: waiting for the connection.");
        await new Promise((done) => setTimeout(done, 2000));
      }
    }
  }

  // -- sending answers, with an outbox -------------------------------------------------------
  function outbox() {
    try { return JSON.parse(localStorage.getItem(outboxKey) || "[]"); } catch (e) { return []; }
  }
  function keepOutbox(items) {
    try { localStorage.setItem(outboxKey, JSON.stringify(items)); } catch (e) { /* private mode */ }
  }
  function newKey() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
  }
  function tell(text) {
    const slot = room.querySelector("[data-post-status]");
    if (slot) slot.textContent = text;
  }

  async function send(item) {
    const body = new FormData();
    for (const [name, value] of item.entries) body.append(name, value);
    body.set("csrf_token", token);
    const response = await fetch(item.action, {
      method: "POST", body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token },
    });
    const reply = await response.json().catch(() => ({}));
    if (response.ok && !response.redirected) return { done: true };
    if ([403, 409, 422].includes(response.status)) return { done: true, error: reply.error || "Not accepted." };
    return { done: false };
  }

  let flushing = false;
  async function flush() {
    if (flushing) return;
    flushing = true;
    try {
      for (const item of outbox()) {
        let result;
        try { result = await send(item); } catch (e) { result = null; }
        if (!result || !result.done) {
          tell("Offline: kept on this phone and sent when the connection returns.");
          break;
        }
        keepOutbox(outbox().filter((other) => other.key !== item.key));
        tell(result.error || "Sent.");
      }
    } finally {
      flushing = false;
    }
  }

  room.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.hasAttribute("data-answer-form")) return;
    event.preventDefault();
    const entries = Array.from(new FormData(form).entries()).filter(([name]) => name !== "csrf_token");
    const text = form.elements.text;
    if (text && !text.value.trim()) { tell("Write something first."); return; }
    const key = form.elements.key.value || newKey();
    keepOutbox(outbox().concat([{ action: form.getAttribute("action"), key, entries }]));
    form.elements.key.value = newKey();  // the next answer is a new one
    if (text) text.value = "";
    tell("Sending…");
    flush();
  });
  window.addEventListener("online", flush);
  setInterval(flush, 5000);
  if (outbox().length) flush();

  stream();
})();
