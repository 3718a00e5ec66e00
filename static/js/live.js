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

  function apply(item) {
    if (item.id <= after) return;
    after = item.id;
    const type = item.type;
    if (type === "post") showPost(item.data);
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

  // -- posting, with an outbox ---------------------------------------------------------------
  const form = room.querySelector("[data-post-form]");
  const postStatus = room.querySelector("[data-post-status]");

  function outbox() {
    try { return JSON.parse(localStorage.getItem(outboxKey) || "[]"); } catch (e) { return []; }
  }
  function keepOutbox(items) {
    try { localStorage.setItem(outboxKey, JSON.stringify(items)); } catch (e) { /* private mode */ }
  }
  function newKey() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
  }

  async function send(item) {
    const body = new FormData();
    body.set("csrf_token", token);
    body.set("key", item.key);
    body.set("text", item.text);
    body.set("colour", item.colour);
    const response = await fetch(form.getAttribute("action"), {
      method: "POST", body, credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token },
    });
    const reply = await response.json().catch(() => ({}));
    if (response.ok) return { done: true };
    if (response.status === 422 || response.status === 409 || response.status === 403) {
      return { done: true, error: reply.error || "The note was not accepted." };
    }
    return { done: false };
  }

  async function flush() {
    let items = outbox();
    for (const item of items.slice()) {
      try {
        const result = await send(item);
        if (!result.done) break;
        items = outbox().filter((other) => other.key !== item.key);
        keepOutbox(items);
        if (postStatus) postStatus.textContent = result.error || "Posted.";
      } catch (e) {
        if (postStatus) postStatus.textContent = "Offline: your note is kept on this phone and sent when the connection returns.";
        break;
      }
    }
  }

  if (form) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = form.elements.text.value.trim();
      if (!text) { if (postStatus) postStatus.textContent = "Write something on the note first."; return; }
      const colour = (form.querySelector("input[name=colour]:checked") || {}).value || "yellow";
      keepOutbox(outbox().concat([{ key: newKey(), text, colour }]));
      form.elements.text.value = "";
      if (postStatus) postStatus.textContent = "Sending…";
      flush();
    });
    window.addEventListener("online", flush);
    setInterval(flush, 5000);
    if (outbox().length) flush();
  }

  stream();
})();
