// A quiz attempt page: autosave answers, keep a copy on the device while offline, count down.
//
// Every change is saved to the server a moment later (POST .../save, JSON). Until the server
// confirms, the form's answers are also kept in localStorage, so a dropped connection or a
// closed tab loses nothing: on the next visit unsaved answers are put back and saved. The
// review page of a submitted attempt removes that copy.
// When a deadline is set, a countdown shows the time left and the form is submitted at zero.
// An answer the server refuses (too long: it says why, per field) is never reported as saved:
// the reason is shown beside the question, and the text stays in the box and on the device.
import { postForm } from "./lib/http.js";
import { autosaver, browserStorage, draftStore, fillForm, formEntries } from "./lib/drafts.js";

const drafts = draftStore(browserStorage(), "leadup-quiz-attempt-");
const page = document.getElementById("quiz-attempt");
if (page) attempt(page);
else {
  // A submitted attempt's review page: the copy kept on this device is no longer needed.
  const done = document.querySelector("[data-forget-attempt]");
  if (done) drafts.clear(done.dataset.forgetAttempt);
}

function attempt(page) {
  const form = page.querySelector("form.quiz-form");
  const status = page.querySelector("[data-save-status]");
  const saveUrl = page.dataset.saveUrl;
  const attemptId = page.dataset.attempt;
  const saver = autosaver(save, { delay: 800 });
  let submitting = false;
  let unsaved = false;  // changes the server has not confirmed (even if the device could not keep them)
  const maxChars = Number(form.dataset.maxChars) || 0;

  function say(text) { status.textContent = text; }

  // -- refusals beside their questions ---------------------------------------------------------
  function fieldsOf(name) {
    return Array.from(form.elements).filter((el) => el.name === name || el.name.startsWith(name + "-"));
  }

  function showError(name, message) {
    const box = form.querySelector('[data-field-error="' + name + '"]');
    if (!box) return false;
    box.textContent = message;
    box.hidden = false;
    for (const el of fieldsOf(name)) {
      el.setAttribute("aria-invalid", "true");
      const ids = (el.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
      if (!ids.includes(box.id)) el.setAttribute("aria-describedby", [box.id].concat(ids).join(" "));
    }
    return true;
  }

  function clearErrors() {
    for (const box of form.querySelectorAll("[data-field-error]")) {
      if (box.hidden) continue;
      box.hidden = true;
      box.textContent = "";
      for (const el of fieldsOf(box.dataset.fieldError)) el.removeAttribute("aria-invalid");
    }
  }

  function characters(text) {
    return text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g) || []).length;
  }

  // Answers over the limit, found on the device (when the request was too large to be read).
  function tooLongHere() {
    const found = {};
    if (!maxChars) return found;
    for (const el of form.elements) {
      if (!el.name || !el.name.startsWith("q-") || typeof el.value !== "string") continue;
      const count = characters(el.value.replace(/\r\n?/g, "\n").trim());
      if (count > maxChars) {
        found[el.name] = "This answer is too long: at most " + maxChars.toLocaleString("en-GB") +
          " characters (this has " + count.toLocaleString("en-GB") + "). Nothing was saved; shorten it and it will be saved.";
      }
    }
    return found;
  }

  function refused(errors, fallback) {
    const names = Object.keys(errors || {});
    const shown = names.filter((name) => showError(name, errors[name]));
    say(shown.length
      ? "Not saved: " + (shown.length === 1 ? "one answer is" : shown.length + " answers are") +
        " too long (see the message beside it). Your answers are kept on this device."
      : fallback);
  }

  function keepLocally() {
    unsaved = true;
    drafts.save(attemptId, formEntries(form));  // false in private mode, or when too large
  }

  async function save() {
    const body = new FormData(form);
    say("Saving…");
    const result = await postForm(saveUrl, body);
    const reply = result.data || {};
    if (result.network) {
      say("Offline: your answers are kept on this device and will be saved when the connection returns.");
    } else if (result.response.ok && reply.saved) {
      if (!saver.pending) { drafts.clear(attemptId); unsaved = false; }
      clearErrors();
      say("All answers saved at " + new Date(reply.saved_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".");
    } else if (result.status === 400 && reply.errors) {
      clearErrors();
      refused(reply.errors, "Not saved: " + (reply.message || "the server did not accept it.") +
        " Your answers are kept on this device.");
    } else if (result.status === 413) {
      clearErrors();
      refused(tooLongHere(), "Not saved: what you wrote is too large to send (2 MB at most in all). " +
        "Your answers are kept on this device; shorten the longest one.");
    } else if (result.status === 409) {
      say(reply.error || "This attempt is closed.");
      if (reply.review) window.location.assign(reply.review);
    } else {
      say("Not saved yet: the server did not accept it. Your answers are kept on this device; try again or submit.");
    }
  }

  function changed() {
    keepLocally();
    saver.schedule();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => { submitting = true; keepLocally(); });
  window.addEventListener("online", () => { saver.now(); });
  window.addEventListener("beforeunload", (event) => {
    if (!submitting && (unsaved || drafts.has(attemptId))) { saver.now(); event.preventDefault(); }
  });
  if (fillForm(form, drafts.load(attemptId))) {
    say("Answers from this device that had not reached the server were restored.");
    saver.now();
  }

  // Countdown to the deadline; at zero the answers are submitted.
  const clock = page.querySelector("[data-countdown]");
  const deadline = page.dataset.deadline ? Date.parse(page.dataset.deadline) : NaN;
  if (clock && !Number.isNaN(deadline)) {
    clock.hidden = false;
    let warned = false;
    const tick = () => {
      const left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      const h = Math.floor(left / 3600), m = Math.floor((left % 3600) / 60), s = left % 60;
      clock.textContent = "Time left: " + (h ? h + " h " : "") + m + " min " + String(s).padStart(2, "0") + " s";
      if (left <= 300 && !warned) {
        warned = true;
        clock.setAttribute("aria-live", "assertive");
        clock.textContent += ". Five minutes left: your answers will be submitted at zero.";
      }
      if (left === 0 && !submitting) {
        submitting = true;
        form.submit();
        return;
      }
      setTimeout(tick, 1000);
    };
    tick();
  }
}
