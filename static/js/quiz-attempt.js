// A quiz attempt page: autosave answers, keep a copy on the device while offline, count down.
//
// Every change is saved to the server a moment later (POST .../save, JSON). Until the server
// confirms, the form's answers are also kept in localStorage, so a dropped connection or a
// closed tab loses nothing: on the next visit unsaved answers are put back and saved. The
// review page of a submitted attempt removes that copy.
// When a deadline is set, a countdown shows the time left and the form is submitted at zero.
(function () {
  "use strict";
  const page = document.getElementById("quiz-attempt");
  if (!page) {
    // A submitted attempt's review page: the copy kept on this device is no longer needed.
    const done = document.querySelector("[data-forget-attempt]");
    if (done) {
      try { localStorage.removeItem("leadup-quiz-attempt-" + done.dataset.forgetAttempt); } catch (e) { /* private mode */ }
    }
    return;
  }
  const form = page.querySelector("form.quiz-form");
  const status = page.querySelector("[data-save-status]");
  const saveUrl = page.dataset.saveUrl;
  const storeKey = "leadup-quiz-attempt-" + page.dataset.attempt;
  const token = document.querySelector('meta[name="csrf-token"]').content;
  let timer = null;
  let saving = false;
  let again = false;
  let submitting = false;

  function say(text) { status.textContent = text; }

  function entries() {
    const data = new FormData(form);
    data.delete("csrf_token");
    return Array.from(data.entries());
  }

  function keepLocally() {
    try { localStorage.setItem(storeKey, JSON.stringify(entries())); } catch (e) { /* private mode */ }
  }

  function forgetLocal() {
    try { localStorage.removeItem(storeKey); } catch (e) { /* private mode */ }
  }

  function restoreLocal() {
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (e) { saved = null; }
    if (!Array.isArray(saved)) return false;
    const names = new Set(saved.map(([name]) => name));
    for (const element of form.elements) {
      if (!element.name || !names.has(element.name)) continue;
      const values = saved.filter(([name]) => name === element.name).map(([, value]) => value);
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.includes(element.value);
      } else {
        element.value = values[0];
      }
    }
    return true;
  }

  async function save() {
    if (saving) { again = true; return; }
    saving = true;
    const body = new FormData(form);
    say("Saving…");
    try {
      const response = await fetch(saveUrl, {
        method: "POST", body, credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token },
      });
      const reply = await response.json().catch(() => ({}));
      if (response.ok && reply.saved) {
        forgetLocal();
        say("All answers saved at " + new Date(reply.saved_at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".");
      } else if (response.status === 409) {
        say(reply.error || "This attempt is closed.");
        if (reply.review) window.location.assign(reply.review);
      } else {
        say("Not saved yet: the server did not accept it. Your answers are kept on this device; try again or submit.");
      }
    } catch (e) {
      say("Offline: your answers are kept on this device and will be saved when the connection returns.");
    } finally {
      saving = false;
      if (again) { again = false; save(); }
    }
  }

  function changed() {
    keepLocally();
    clearTimeout(timer);
    timer = setTimeout(save, 800);
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", () => { submitting = true; keepLocally(); });
  window.addEventListener("online", () => { save(); });
  window.addEventListener("beforeunload", (event) => {
    if (!submitting && localStorage.getItem(storeKey)) { save(); event.preventDefault(); }
  });
  if (restoreLocal()) { say("Answers from this device that had not reached the server were restored."); save(); }

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
})();
