// A live session's phone page or projector: follow the room's events, and post notes that are
// never lost or doubled.
//
// Events come by server-sent events (EventSource reconnects by itself and resumes after the
// last event id it saw). Where a network blocks them, the page falls back to asking
// /events?after=N. A note is kept in localStorage with an idempotency key until the server
// confirms it, and resent (same key) when the connection returns: the server stores it once.
// A note the server refuses is kept on the phone under "Not sent" (see the outbox below).
import { csrfToken, postForm } from "./lib/http.js";
import { browserStorage, draftStore } from "./lib/drafts.js";

const liveRoom = document.getElementById("live-room");
if (liveRoom) follow(liveRoom);

function follow(room) {
  const token = csrfToken();
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

  // After a failed poll, wait 1 s, 2 s, 4 s, then 5 s, a random half to whole of it each time:
  // the phones of a room that lost the server come back spread out, not all at once.
  function pollPause(tries) {
    const ceiling = Math.min(5000, 1000 * 2 ** Math.min(tries - 1, 3));
    return new Promise((done) => setTimeout(done, ceiling / 2 + Math.random() * ceiling / 2));
  }

  async function poll() {
    if (polling) return;
    polling = true;
    say("Live.");
    let tries = 0;
    while (true) {
      try {
        const response = await fetch(room.dataset.pollUrl + "?wait=20&after=" + after,
          { credentials: "same-origin", headers: { Accept: "application/json" } });
        if (response.ok) {
          const reply = await response.json();
          reply.events.forEach(apply);
          after = Math.max(after, reply.last || 0);
          tries = 0;
          say("Live.");
        } else {
          say("Reconnecting…");
          await pollPause(++tries);
        }
      } catch (e) {
        say(navigator.onLine === false ? "Offline: waiting for the connection." : "Reconnecting…");
        await pollPause(++tries);
      }
    }
  }

  // -- sending answers, with an outbox -------------------------------------------------------
  // Each answer waits in the outbox (localStorage) with its idempotency key until the server has
  // answered it, and each is sent on its own: one answer never holds up the others.
  // - Taken (2xx): it leaves the outbox.
  // - Refused (any other 4xx but 408 and 429: the activity has closed, a field was refused, it is
  //   too large, the page's form has expired): sending it again would be refused again, so it
  //   moves to this phone's "Not sent" list with the server's reason, where its writer can copy,
  //   edit or discard it. It stays there (localStorage, across reloads) until they discard it.
  // - Not answered (no network, 5xx, 408, 429): tried again after a wait that doubles each time
  //   (1 s, 2 s, 4 s... at most 30 s, or the server's Retry-After), each wait a random half to
  //   whole of that, so a room of phones coming back online does not resend all at one moment.
  //   The connection coming back ("online") sends what is waiting at once.
  const refusedKey = "leadup-live-refused-" + room.dataset.code;
  const refusedList = room.querySelector("[data-refused]");
  const refusedStatus = room.querySelector("[data-refused-status]");

  const local = draftStore(browserStorage());
  function stored(key) {
    const items = local.load(key);
    return Array.isArray(items) ? items : [];
  }
  function store(key, items) { return local.save(key, items); }  // false when the phone would not keep it (full, or private mode)
  function outbox() { return stored(outboxKey); }
  function keepOutbox(items) { return store(outboxKey, items); }
  function changeItem(key, change) { keepOutbox(outbox().map((item) => (item.key === key ? change(item) : item))); }
  function dropItem(key) { keepOutbox(outbox().filter((item) => item.key !== key)); }
  function newKey() {
    return (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
  }
  function tell(text) {
    const slot = room.querySelector("[data-post-status]");
    if (slot) slot.textContent = text;
    else if (refusedStatus) refusedStatus.textContent = text;
  }

  // What the person sent, in words, for the "Not sent" list: the note's text (read from the
  // answer itself, so it is not stored twice), or the options they chose.
  function describe(form) {
    if (form.elements.text) return null;
    const parts = [];
    for (const field of form.elements) {
      if (field.type === "hidden" || field.type === "submit" || field.type === "button" || !field.name) continue;
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) continue;
      let shown = field.value;
      if (field.tagName === "SELECT") shown = field.selectedIndex >= 0 ? field.options[field.selectedIndex].text : "";
      else if (field.type === "radio" || field.type === "checkbox") shown = field.labels && field.labels[0] ? field.labels[0].textContent : field.value;
      shown = String(shown).trim();
      if (shown) parts.push(shown);
    }
    return parts.join("; ");
  }

  const REASONS = {
    400: "The server could not take what was sent.",
    403: "You are not in this session any more.",
    404: "This session or activity is no longer there.",
    409: "The activity it was written for has closed.",
    413: "It is too large to send.",
  };
  function reasonOf(status, reply) {
    return (reply && (reply.message || reply.error)) || REASONS[status] || "The server did not take it (error " + status + ").";
  }

  function waitAfter(tries, response) {
    const asked = response ? Number(response.headers.get("Retry-After")) : NaN;
    if (asked > 0) return Math.min(asked, 300) * 1000 * (1 + Math.random() * 0.2);
    const ceiling = Math.min(30000, 1000 * 2 ** Math.min(tries - 1, 5));
    return ceiling / 2 + Math.random() * ceiling / 2;
  }

  // One try: {outcome: "sent" | "refused" | "retry", reason, field, response}.
  async function send(item) {
    const body = new FormData();
    for (const [name, value] of item.entries) body.append(name, value);
    body.set("csrf_token", token);
    const result = await postForm(item.action, body, { token });
    if (result.network) return { outcome: "retry" };  // no network, or the connection dropped: nothing was answered
    const { response, status } = result;
    if (result.ok) return { outcome: "sent" };
    if (status === 408 || status === 429 || status >= 500) return { outcome: "retry", response };
    if (response.ok) {  // sent on to another page instead of answered: not confirmed
      return { outcome: "refused", reason: "The server did not confirm it: check whether it arrived before sending it again." };
    }
    return { outcome: "refused", reason: reasonOf(status, result.data), field: result.field };
  }

  let flushing = false;
  let again = false;
  let timer = null;
  async function flush() {
    if (flushing) { again = true; return; }
    flushing = true;
    try {
      do {
        again = false;
        for (const item of outbox()) {
          if ((item.due || 0) > Date.now()) continue;
          const result = await send(item);
          if (result.outcome === "sent") {
            dropItem(item.key);
            tell("Sent.");
          } else if (result.outcome === "refused") {
            refuse(item, result);
          } else {
            const tries = (item.tries || 0) + 1;
            const wait = waitAfter(tries, result.response);
            changeItem(item.key, (kept) => Object.assign(kept, { tries, due: Date.now() + wait }));
            tell(result.response
              ? "The server is busy: kept on this phone and tried again in " + Math.ceil(wait / 1000) + " s."
              : navigator.onLine === false ? "Offline: kept on this phone and sent when the connection returns."
                : "No answer from the server: kept on this phone and tried again in " + Math.ceil(wait / 1000) + " s.");
          }
        }
      } while (again);
    } finally {
      flushing = false;
      schedule();
    }
  }
  function schedule() {
    clearTimeout(timer);
    const items = outbox();
    if (!items.length) return;
    const next = Math.min(...items.map((item) => item.due || 0));
    timer = setTimeout(flush, Math.max(0, next - Date.now()));
  }
  function flushAllNow() {  // the connection is back: what was waiting goes now
    keepOutbox(outbox().map((item) => Object.assign(item, { due: 0 })));
    flush();
  }

  // -- answers the server refused: "Not sent" ---------------------------------------------------
  // Refused answers the phone had no room to keep (a very long one, a full phone): shown on
  // this page only, with a warning to copy them.
  let unsaved = [];
  function refusedItems() { return stored(refusedKey).concat(unsaved); }
  function forget(key) {
    store(refusedKey, stored(refusedKey).filter((other) => other.key !== key));
    unsaved = unsaved.filter((other) => other.key !== key);
  }

  function refuse(item, result) {
    const typed = item.entries.find(([name]) => name === "text");
    const entry = { key: item.key, text: item.text != null ? item.text : (typed ? typed[1] : ""), reason: result.reason,
      field: result.field || "", editable: Boolean(typed), at: Date.now() };
    const kept = stored(refusedKey).filter((other) => other.key !== item.key).concat([entry]);
    let saved = store(refusedKey, kept);  // kept first, then out of the outbox: never in neither
    dropItem(item.key);
    if (!saved) saved = store(refusedKey, kept);  // the room it took in the outbox is free now
    if (!saved) unsaved.push(entry);
    tell("Not sent: " + result.reason + (saved ? " It is kept on this phone under “Not sent”." :
      " This phone has no room to keep it once you leave this page: copy it now, under “Not sent”."));
    showRefused();
  }

  function noteBox() {
    const box = room.querySelector("form[data-answer-form] [name=text]");
    return box && (box.tagName === "TEXTAREA" || box.type === "text") ? box : null;
  }

  function refusedButton(label, action, text) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button secondary small-button";
    button.dataset.refusedAction = action;
    button.textContent = label;
    const hint = document.createElement("span");
    hint.className = "visually-hidden";
    hint.textContent = " “" + String(text).slice(0, 40) + "”";
    button.append(hint);
    return button;
  }

  function showRefused() {
    if (!refusedList) return;
    const list = refusedList.querySelector("[data-refused-list]");
    const items = refusedItems();
    const box = noteBox();
    list.replaceChildren();
    for (const entry of items) {
      const item = document.createElement("li");
      item.className = "card";
      item.dataset.key = entry.key;
      const text = document.createElement("p");
      text.className = "learner-text";
      text.textContent = entry.text || "(empty)";  // text, never HTML
      const reason = document.createElement("p");
      reason.className = "small";
      const why = document.createElement("strong");
      why.textContent = "Why: ";
      reason.append(why, String(entry.reason || ""));
      const actions = document.createElement("div");
      actions.className = "button-row";
      actions.append(refusedButton("Copy", "copy", entry.text));
      if (box && entry.editable) actions.append(refusedButton("Edit", "edit", entry.text));
      actions.append(refusedButton("Discard", "discard", entry.text));
      item.append(text, reason, actions);
      list.append(item);
    }
    refusedList.hidden = items.length === 0;
  }

  async function copyText(text) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) {  // no clipboard API (a plain-http address): the old way
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "visually-hidden";
      document.body.append(area);
      area.select();
      let copied = false;
      try { copied = document.execCommand("copy"); } catch (e2) { copied = false; }
      area.remove();
      return copied;
    }
  }

  if (refusedList) {
    refusedList.addEventListener("click", async (event) => {
      const button = event.target.closest("button[data-refused-action]");
      if (!button) return;
      const key = button.closest("li").dataset.key;
      const entry = refusedItems().find((other) => other.key === key);
      if (!entry) { showRefused(); return; }
      const action = button.dataset.refusedAction;
      if (action === "copy") {
        const copied = await copyText(entry.text);
        refusedStatus.textContent = copied ? "Copied: you can paste it anywhere." :
          "This phone would not copy it: select the text and copy it yourself.";
      } else if (action === "edit") {
        const box = noteBox();
        if (!box) return;
        if (box.value.trim() && box.value !== entry.text) {  // never write over what they are typing
          tell("The box already has text: send it or clear it first, then press Edit again.");
          box.focus();
          return;
        }
        box.value = entry.text;
        box.form.dataset.replaces = key;  // sending it takes it off "Not sent"
        box.focus();
        tell("Your note is back in the box: change it if you need to, then send it.");
      } else if (action === "discard") {
        const index = refusedItems().findIndex((other) => other.key === key);
        forget(key);
        showRefused();
        refusedStatus.textContent = "Discarded.";
        const rest = refusedList.querySelectorAll("[data-refused-list] li");
        const next = rest[Math.min(index, rest.length - 1)];
        const focus = next ? next.querySelector("button") : (noteBox() || refusedStatus);
        if (focus === refusedStatus) refusedStatus.tabIndex = -1;
        focus.focus();
      }
    });
  }

  room.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.hasAttribute("data-answer-form")) return;
    event.preventDefault();
    const entries = Array.from(new FormData(form).entries()).filter(([name]) => name !== "csrf_token");
    const text = form.elements.text;
    if (text && !text.value.trim()) { tell("Write something first."); return; }
    const key = form.elements.key.value || newKey();
    const item = { action: form.getAttribute("action"), key, entries };
    const words = describe(form);
    if (words !== null) item.text = words;
    if (!keepOutbox(outbox().concat([item]))) {  // nothing sent, nothing cleared: they lose nothing
      tell("This phone has no room to keep this answer, so it was not sent. Shorten it, or copy it somewhere safe.");
      return;
    }
    if (form.dataset.replaces) {  // an edited refused note: its text is in the outbox now
      forget(form.dataset.replaces);
      delete form.dataset.replaces;
      showRefused();
    }
    form.elements.key.value = newKey();  // the next answer is a new one
    if (text) text.value = "";
    tell("Sending…");
    flush();
  });
  window.addEventListener("online", flushAllNow);
  window.addEventListener("storage", (event) => { if (event.key === refusedKey) showRefused(); });  // another tab
  showRefused();
  if (outbox().length) flushAllNow();

  stream();
}

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
