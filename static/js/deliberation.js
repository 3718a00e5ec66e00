// A deliberation stage page: autosave every answer and note, and show what group members change.
//
// Forms marked data-autosave are posted (JSON) a moment after each change. Until the server
// confirms, their values are also kept in localStorage, so a dropped connection, an expired
// session or a closed tab loses nothing: the next visit puts them back and saves them.
// The page asks the server every few seconds for changes after the revision it last saw and
// puts others' notes and answers in place, never touching what the reader is editing.
// Without JavaScript every form still works as a plain post.
import { postForm } from "./lib/http.js";
import { autosaver, browserStorage, draftStore, fillForm, formEntries } from "./lib/drafts.js";

// Votes on the opinion map's statements: sent in place, so the reader keeps their place.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!form.classList.contains("delib-vote") || !event.submitter) return;
  event.preventDefault();
  const body = new FormData(form);
  body.set("vote", event.submitter.value);
  const result = await postForm(form.getAttribute("action"), body);
  if (result.network) {
    const note = form.querySelector("[data-vote-status]");
    if (note) note.textContent = "Offline: that vote was not sent. Try again when you are back online.";
    return;
  }
  if (!result.ok) { form.submit(); return; }
  for (const button of form.querySelectorAll("button[name=vote]")) {
    const chosen = button === event.submitter;
    button.setAttribute("aria-pressed", chosen ? "true" : "false");
    button.classList.toggle("secondary", !chosen);
  }
});

const stagePage = document.getElementById("delib-stage");
if (stagePage) stage(stagePage);

function stage(page) {
  const drafts = draftStore(browserStorage(), "leadup-delib-" + page.dataset.attempt + "-");
  const live = page.querySelector("[data-live]");
  const notesList = page.querySelector("[data-notes]");
  let revision = Number(page.dataset.revision || 0);
  const savers = new WeakMap();

  function keep(form) { drafts.save(form.getAttribute("action"), formEntries(form)); }
  function forget(form) { drafts.clear(form.getAttribute("action")); }
  function restore(form) { return fillForm(form, drafts.load(form.getAttribute("action")), { skipHidden: true }); }

  function saverOf(form) {
    if (!savers.has(form)) savers.set(form, autosaver(() => save(form), { delay: 800 }));
    return savers.get(form);
  }

  function say(form, text) {
    const status = form.querySelector("[data-save-status]");
    if (status) status.textContent = text;
  }

  function showErrors(form, errors) {
    for (const slot of form.querySelectorAll("[data-error-for]")) {
      const message = errors && errors[slot.dataset.errorFor];
      slot.textContent = message || "";
      slot.hidden = !message;
      const field = slot.closest(".field");
      if (field) field.classList.toggle("field-invalid", Boolean(message));
    }
  }

  function post(form) { return postForm(form.getAttribute("action"), new FormData(form)); }

  // One autosave run (saverOf(form) makes sure two never overlap).
  async function save(form) {
    say(form, "Saving…");
    const result = await post(form);
    const reply = result.data || {};
    if (result.network) {
      say(form, "Offline: kept on this device and saved when the connection returns.");
    } else if (result.redirected || result.status === 401) {
      say(form, "Your session has ended. Your work is kept on this device: sign in again and it will be saved.");
    } else if (result.ok && reply.ok !== undefined) {
      delete form.dataset.dirty;
      forget(form);
      showErrors(form, {});
      say(form, "Saved at " + new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".");
    } else if (result.status === 422) {
      showErrors(form, result.errors);
      say(form, "Not all saved: see the message by the field.");
    } else if (result.status === 409) {
      say(form, reply.error || "This attempt can no longer change.");
    } else {
      say(form, "Not saved yet: kept on this device. It is saved with your next change or when you reload.");
    }
  }

  function changed(event) {
    const form = event.target.form;
    if (!form || !page.contains(form)) return;
    if (form.hasAttribute("data-dots")) { dotsLeft(form); return; }
    keep(form);
    if (!form.hasAttribute("data-autosave")) return;
    form.dataset.dirty = "1";
    saverOf(form).schedule();
  }

  async function addNote(form) {
    say(form, "Adding…");
    const result = await post(form);
    const reply = result.data || {};
    if (result.network) {
      say(form, "Offline: your note is kept on this device. Press Add again when the connection returns.");
    } else if (result.ok && reply.html) {
      insertNote(reply.id, reply.html);
      form.reset();
      forget(form);
      showErrors(form, {});
      say(form, "Added.");
      form.querySelector("input:not([type=hidden]), textarea, select").focus();
    } else if (result.status === 422) {
      showErrors(form, result.errors);
      say(form, "Not added: see the message by the field.");
      const first = form.querySelector(".field-invalid input, .field-invalid textarea, .field-invalid select");
      if (first) first.focus();
    } else {
      say(form, reply.error || "Not added yet: kept on this device. Try again when you are back online.");
    }
  }

  async function deleteNote(form) {
    const item = form.closest("[data-note]");
    const result = await post(form);
    if (result.network) {
      announce("Offline: the note was not deleted.");
    } else if (result.response.ok && item) {
      item.remove();
      announce("Note deleted.");
      countNotes();
    }
  }

  function dotsLeft(form) {
    const budget = Number(form.dataset.dots);
    let used = 0;
    for (const input of form.querySelectorAll("input[type=number]")) used += Math.max(0, Number(input.value) || 0);
    const left = form.querySelector("[data-dots-left]");
    if (left) left.textContent = used > budget ? `That is ${used - budget} more than you have.` : `${budget - used} left to place.`;
  }

  function announce(text) { if (live) live.textContent = text; }

  function countNotes() {
    const count = page.querySelector("[data-note-count]");
    if (count && notesList) count.textContent = count.textContent.replace(/^\(\d+/, "(" + notesList.children.length);
  }

  function busy(element) {
    return element.contains(document.activeElement) || element.querySelector("form[data-dirty]") || element.matches("form[data-dirty]");
  }

  function fromHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html.trim();  // rendered and escaped on the server
    return template.content.firstElementChild;
  }

  function insertNote(id, html) {
    if (!notesList) return;
    const fresh = fromHtml(html);
    const current = document.getElementById("note-" + id);
    if (current) {
      if (!busy(current)) current.replaceWith(fresh);
    } else {
      notesList.appendChild(fresh);
    }
    countNotes();
  }

  function applyFields(fields) {
    const form = page.querySelector("form[data-fields]");
    if (!form || form.dataset.dirty) return;
    for (const [name, value] of Object.entries(fields)) {
      for (const element of form.querySelectorAll(`[name="${CSS.escape(name)}"]`)) {
        if (element === document.activeElement) continue;
        if (element.type === "radio") element.checked = String(value) === element.value;
        else element.value = value;
      }
    }
  }

  async function poll() {
    try {
      const response = await fetch(page.dataset.changesUrl + "?since=" + revision, {
        credentials: "same-origin", headers: { Accept: "application/json" },
      });
      if (!response.ok) return;
      const reply = await response.json();
      if (reply.status && reply.status !== "draft") { window.location.reload(); return; }
      if (reply.revision === revision) return;
      revision = reply.revision;
      applyFields(reply.fields || {});
      const others = [];
      for (const note of reply.notes || []) {
        const current = document.getElementById("note-" + note.id);
        if (note.deleted) {
          if (current && !busy(current)) current.remove();
        } else {
          if (!current && note.by) others.push(note.by);
          insertNote(note.id, note.html);
        }
      }
      countNotes();
      if (others.length) announce(`${others.join(", ")} added ${others.length === 1 ? "a note" : others.length + " notes"}.`);
      const visual = page.querySelector("[data-visual]");
      if (visual && reply.visual) visual.innerHTML = reply.visual;
      const dots = page.querySelector("[data-dots-area]");
      if (dots && reply.dots && !busy(dots)) dots.innerHTML = reply.dots;
    } catch (e) {
      /* offline: try again next time */
    }
  }

  page.addEventListener("input", changed);
  page.addEventListener("change", changed);
  page.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.hasAttribute("data-autosave")) { event.preventDefault(); saverOf(form).flush(); }
    else if (form.hasAttribute("data-add-note")) { event.preventDefault(); addNote(form); }
    else if (form.hasAttribute("data-delete-note")) { event.preventDefault(); deleteNote(form); }
  });
  window.addEventListener("online", () => {
    for (const form of page.querySelectorAll("form[data-dirty]")) saverOf(form).now();
  });

  // Put back what this device kept but the server never confirmed, and save it now.
  for (const form of page.querySelectorAll("form[data-autosave], form[data-add-note]")) {
    if (restore(form)) {
      if (form.hasAttribute("data-autosave")) { form.dataset.dirty = "1"; saverOf(form).now(); }
      else say(form, "Your unfinished note was restored from this device.");
    }
  }
  const dotsForm = page.querySelector("form[data-dots]");
  if (dotsForm) dotsLeft(dotsForm);

  // A model run saved by the simulation above can be attached without reloading by hand.
  const saveResult = page.querySelector(".sim-save-result");
  const modelRun = document.getElementById("model-run");
  if (saveResult && modelRun) {
    new MutationObserver(async () => {
      try {
        const response = await fetch(window.location.href, { credentials: "same-origin" });
        const doc = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = doc.getElementById("model-run");
        if (fresh) modelRun.innerHTML = fresh.innerHTML;
      } catch (e) { /* keep the current list */ }
    }).observe(saveResult, { childList: true, characterData: true, subtree: true });
  }

  setInterval(poll, Number(page.dataset.poll || 5) * 1000);
}
