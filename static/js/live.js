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
    by.textContent = data.by + (data.pinned ? " · pinned" : "") + (data.merged ? " · +" + data.merged + " merged" : "");
    item.append(text, by);
    return item;
  }

  // The dots form a note has on a participant's page (as in live/_note.html), for notes that arrive live.
  function dotsForm(list, data) {
    const form = document.createElement("form");
    form.method = "post";
    form.action = list.dataset.voteUrl.replace(/\/posts\/0\/vote$/, "/posts/" + data.id + "/vote");
    form.className = "live-dots";
    const csrf = document.createElement("input");
    csrf.type = "hidden"; csrf.name = "csrf_token"; csrf.value = token;
    const label = document.createElement("label");
    label.htmlFor = "dots-" + data.id;
    label.textContent = "Your dots";
    const count = document.createElement("input");
    count.type = "number"; count.id = "dots-" + data.id; count.name = "count";
    count.min = "0"; count.max = list.dataset.dots; count.value = "0"; count.inputMode = "numeric";
    const button = document.createElement("button");
    button.type = "submit"; button.className = "button secondary small-button";
    button.textContent = "Place";
    const hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = " dots on “" + String(data.text).slice(0, 40) + "”";
    button.append(hint);
    form.append(csrf, label, count, button);
    return form;
  }

  const countSlot = room.querySelector("[data-count]");
  // the posts counted while the projector hides them, by id (a pin or a theme is no new post)
  const counted = new Set(countSlot && countSlot.dataset.ids ? countSlot.dataset.ids.split(",").map(Number) : []);
  function countHidden(data) {
    if (!countSlot) return;
    if (data.hidden) counted.delete(data.id); else counted.add(data.id);
    countSlot.textContent = String(counted.size);
  }

  function showPost(data) {
    const current = document.getElementById("post-" + data.id);
    countHidden(data);
    const board = room.querySelector("[data-board]");
    if (board && board.dataset.group === "theme") { refreshResults(); return; }  // a note may change column
    if (data.hidden) {
      if (current) current.remove();
      if (current && room.dataset.role === "projector") refreshResults();  // its dots leave the charts
      return;
    }
    const fresh = noteElement(data);
    const list = current ? current.parentElement : (room.querySelector(`[data-table-notes="${data.table || ""}"]`) || room.querySelector("[data-my-notes]"));
    if (list && list.dataset.dots) {
      const kept = current && current.querySelector("form.live-dots");
      fresh.append(kept || dotsForm(list, data));  // a pin or a merge keeps what the person typed
    }
    if (current) {  // a tutor's change (pin, theme, merge): the charts may change too
      current.replaceWith(fresh);
      if (room.dataset.role === "projector") refreshResults();
      return;
    }
    if (list) list.appendChild(fresh);
  }

  let refreshing = null;
  function refreshResults() {
    const slot = room.querySelector("[data-results]");
    if (!slot || refreshing) return;
    refreshing = setTimeout(async () => {
      refreshing = null;
      try {
        const response = await fetch(room.dataset.resultsUrl, { credentials: "same-origin" });
        if (response.ok) {
          slot.innerHTML = await response.text();  // rendered and escaped on the server
          slot.dispatchEvent(new CustomEvent("live:results", { bubbles: true }));  // charts redraw
        }
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
    else if (type === "table" && room.dataset.role === "participant") window.location.reload();  // seated by the tutor
    else if (type === "timer" || type === "removed") {  // added: handled below (timer, tables)
      room.dispatchEvent(new CustomEvent("live:" + type, { detail: item.data, bubbles: true }));
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
      // An error answer (a proxy's 502, say) closes the stream for good: poll instead.
      if (failures >= 3 || source.readyState === EventSource.CLOSED) { source.close(); poll(); }
    };
  }

  async function poll() {
    if (polling) return;
    polling = true;
    say("Live.");
    while (true) {
      try {
        const response = await fetch(room.dataset.pollUrl + "?wait=20&after=" + after, { credentials: "same-origin" });
        if (response.ok) {
          const reply = await response.json();
          reply.events.forEach(apply);
          after = Math.max(after, reply.last || 0);
          say("Live.");
        } else {
          say("Reconnecting…");
          await new Promise((done) => setTimeout(done, 2000));
        }
      } catch (e) {
        say(navigator.onLine === false ? "Offline: waiting for the connection." : "Reconnecting…");
        await new Promise((done) => setTimeout(done, 1000));
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

// -- added: plans, timer, tables, export -----------------------------------------------------------
// Countdowns ([data-timer] with data-ends-at, ISO UTC) on the room, projector and control pages:
// ticked every second, moved by "timer" events without a reload. The clock has role="timer"
// (never announced each second); "Time is up" is announced once. A participant taken out of the
// session by the tutor ("removed") reloads, and the page says so.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function show(timer) {
    const clock = timer.querySelector("[data-timer-clock]");
    const done = timer.querySelector("[data-timer-done]");
    const ends = Date.parse(timer.dataset.endsAt || "");
    if (!clock || isNaN(ends)) { timer.hidden = true; return; }
    timer.hidden = false;
    const left = Math.max(0, Math.round((ends - Date.now()) / 1000));
    const text = left > 0 ? Math.floor(left / 60) + ":" + pad(left % 60) : "Time is up";
    if (clock.textContent !== text) clock.textContent = text;
    timer.classList.toggle("live-timer-up", left === 0);
    if (done && left === 0 && timer.dataset.announced !== timer.dataset.endsAt) {
      timer.dataset.announced = timer.dataset.endsAt;
      done.textContent = "Time is up.";
    }
    if (done && left > 0 && done.textContent) done.textContent = "";
  }
  function tick() { document.querySelectorAll("[data-timer]").forEach(show); }
  document.addEventListener("live:timer", (event) => {
    const data = event.detail || {};
    document.querySelectorAll("[data-timer]").forEach((timer) => {
      if (String(timer.dataset.activity) !== String(data.activity)) return;
      timer.dataset.endsAt = data.ends_at || "";
      timer.dataset.announced = "";
      show(timer);
    });
  });
  document.addEventListener("live:removed", (event) => {
    const room = document.getElementById("live-room");
    const data = event.detail || {};
    if (room && room.dataset.me && String(room.dataset.me) === String(data.participant)) window.location.reload();
  });
  // The clock of the page as made and the server's differ: a timer set on the server is read
  // against this device's clock, which is right to within a second or two on a phone.
  document.querySelectorAll("[data-timer]").forEach((timer) => {  // up before the page loaded: not news
    if (Date.parse(timer.dataset.endsAt || "") <= Date.now()) timer.dataset.announced = timer.dataset.endsAt;
  });
  tick();
  setInterval(tick, 1000);
})();
