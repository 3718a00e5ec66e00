// Discussion forms (a new topic, a reply, an answer): what is typed is kept on this device in
// localStorage until the server confirms the post, so a dropped connection or a closed tab loses
// nothing. On the next visit an empty form gets its draft back.
//
// Each form carries an idempotency key, made when the page was drawn. On submit the key is noted
// beside the draft; the page the server sends after storing the post names that key
// (data-sent-key), and only then is the draft forgotten. Without JavaScript the forms work the
// same, just without the copy on the device.
(function () {
  "use strict";
  const DRAFT = "leadup-discussion-draft-";
  const SENT = "leadup-discussion-sent-";

  function read(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function write(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  function forget(key) { try { localStorage.removeItem(key); } catch (e) { /* private mode */ } }

  function storedKeys() {
    const keys = [];
    try {
      for (let i = 0; i < localStorage.length; i += 1) { keys.push(localStorage.key(i)); }
    } catch (e) { /* private mode */ }
    return keys;
  }

  // 1. The server stored a post: forget the draft that was sent with its key.
  const mark = document.querySelector("[data-sent-key]");
  const sent = mark ? mark.dataset.sentKey : "";
  if (sent) {
    storedKeys().filter((key) => key && key.indexOf(SENT) === 0 && read(key) === sent).forEach((key) => {
      forget(DRAFT + key.slice(SENT.length));
      forget(key);
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

    let saved = null;
    try { saved = JSON.parse(read(DRAFT + name) || "null"); } catch (e) { saved = null; }
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
        write(DRAFT + name, JSON.stringify(draft));
      } else {
        forget(DRAFT + name);
      }
    }
    body.addEventListener("input", keep);
    if (title) { title.addEventListener("input", keep); }
    form.addEventListener("submit", () => {
      keep();
      if (keyField) { write(SENT + name, keyField.value); }
    });
  });

  // 3. A form that came back with mistakes: start at the list of them.
  const summary = document.querySelector("[data-focus-me]");
  if (summary) { summary.focus(); }
})();
