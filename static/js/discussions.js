// Discussion forms (a new topic, a reply, an answer): what is typed is kept on this device in
// localStorage until the server confirms the post, so a dropped connection or a closed tab loses
// nothing. On the next visit an empty form gets its draft back.
//
// Each form carries an idempotency key, made when the page was drawn. On submit the key is noted
// beside the draft; the page the server sends after storing the post names that key
// (data-sent-key), and only then is the draft forgotten. Without JavaScript the forms work the
// same, just without the copy on the device.
import { browserStorage, draftStore } from "./lib/drafts.js";

const drafts = draftStore(browserStorage(), "leadup-discussion-draft-");
const sentKeys = draftStore(browserStorage(), "leadup-discussion-sent-");  // name -> idempotency key

// 1. The server stored a post: forget the draft that was sent with its key.
const mark = document.querySelector("[data-sent-key]");
const sent = mark ? mark.dataset.sentKey : "";
if (sent) {
  sentKeys.keys().filter((name) => sentKeys.loadText(name) === sent).forEach((name) => {
    drafts.clear(name);
    sentKeys.clear(name);
  });
  const url = new URL(window.location.href);
  url.searchParams.delete("sent");
  window.history.replaceState(null, "", url.pathname + url.search + url.hash);
}

// 2. Keep each form's draft, and put it back into an empty form.
document.querySelectorAll("form[data-draft-form]").forEach((form) => {
  const body = form.querySelector("textarea[data-draft]");
  if (!body || !body.dataset.draft) { return; }
  const name = body.dataset.draft;
  const title = form.querySelector('input[name="title"]');
  const keyField = form.querySelector('input[name="key"]');

  const saved = drafts.load(name);
  const empty = !body.value.trim() && !(title && title.value.trim());
  if (saved && empty && (saved.body || saved.title)) {
    body.value = saved.body || "";
    if (title && saved.title) { title.value = saved.title; }
    const details = form.closest("details");
    if (details) { details.open = true; }
    const note = document.createElement("p");
    note.className = "discussion-draft-note";
    note.setAttribute("role", "status");
    note.textContent = "Your unsent text from earlier is back. Post it, or clear it.";
    body.insertAdjacentElement("afterend", note);
  }

  function keep() {
    const draft = { body: body.value, title: title ? title.value : "" };
    if (draft.body.trim() || draft.title.trim()) {
      drafts.save(name, draft);
    } else {
      drafts.clear(name);
    }
  }
  body.addEventListener("input", keep);
  if (title) { title.addEventListener("input", keep); }
  form.addEventListener("submit", () => {
    keep();
    if (keyField) { sentKeys.saveText(name, keyField.value); }
  });
});

// 3. A form that came back with mistakes: start at the list of them.
const summary = document.querySelector("[data-focus-me]");
if (summary) { summary.focus(); }
