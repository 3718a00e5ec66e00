// What a person has typed, kept on their device until the server confirms it, and saved a
// moment after each change.
//
// draftStore(storage, prefix): a store over a localStorage-like object (getItem, setItem,
// removeItem, key, length), keys under one prefix. Every call survives a storage that throws
// or is missing (private mode, a full device, cookies blocked): reads give null, writes false.
//   const drafts = draftStore(browserStorage(), "leadup-quiz-attempt-");
//   drafts.save("12", entries); drafts.load("12"); drafts.clear("12"); drafts.keys();
//   (saveText/loadText keep a plain string, not JSON.)
//
// autosaver(save, {delay, timers}): runs save() `delay` ms after the last schedule(), never two
// at once: a call while one runs is run once more after it ends (`pending` says so meanwhile).
//
// formEntries(form) / fillForm(form, entries): a form's values as [name, value] pairs (without
// its CSRF token), and back into the form (checkboxes and radios by value; hidden fields kept).

export function browserStorage() {
  try { return globalThis.localStorage || null; } catch (e) { return null; }  // cookies blocked
}

export function draftStore(storage, prefix = "") {
  function loadText(key) {
    try { return storage ? storage.getItem(prefix + key) : null; } catch (e) { return null; }
  }
  function saveText(key, text) {
    try { storage.setItem(prefix + key, String(text)); return true; } catch (e) { return false; }
  }
  return {
    prefix,
    loadText,
    saveText,
    load(key) {
      const text = loadText(key);
      if (text === null || text === undefined) return null;
      try { return JSON.parse(text); } catch (e) { return null; }
    },
    save(key, value) { return saveText(key, JSON.stringify(value)); },
    clear(key) {
      try { storage.removeItem(prefix + key); } catch (e) { /* private mode */ }
    },
    has(key) { return loadText(key) != null; },
    keys() {  // the keys under this prefix, without it
      const found = [];
      try {
        for (let i = 0; i < storage.length; i += 1) {
          const key = storage.key(i);
          if (key && key.indexOf(prefix) === 0) found.push(key.slice(prefix.length));
        }
      } catch (e) { /* private mode */ }
      return found;
    },
  };
}

export function autosaver(save, { delay = 800, timers = globalThis } = {}) {
  let timer = null;
  let running = false;
  let again = false;
  const saver = {
    get saving() { return running; },
    get pending() { return again; },  // a run was asked for while this one runs
    get scheduled() { return timer !== null; },
    schedule() {
      timers.clearTimeout(timer);
      timer = timers.setTimeout(() => { timer = null; saver.now(); }, delay);
    },
    cancel() { timers.clearTimeout(timer); timer = null; },
    flush() { saver.cancel(); return saver.now(); },
    async now() {
      if (running) { again = true; return; }
      running = true;
      try {
        await save();
      } catch (e) {
        /* save reports its own failures */
      } finally {
        running = false;
        if (again) { again = false; saver.now(); }
      }
    },
  };
  return saver;
}

export function formEntries(form, FormDataClass = globalThis.FormData) {
  const data = new FormDataClass(form);
  data.delete("csrf_token");
  return Array.from(data.entries());
}

// {skipHidden: true} leaves hidden fields as the page drew them.
export function fillForm(form, entries, { skipHidden = false } = {}) {
  if (!Array.isArray(entries)) return false;
  const names = new Set(entries.map(([name]) => name));
  for (const element of form.elements) {
    if (!element.name || !names.has(element.name)) continue;
    const values = entries.filter(([name]) => name === element.name).map(([, value]) => value);
    if (element.type === "checkbox" || element.type === "radio") element.checked = values.includes(element.value);
    else if (!(skipHidden && element.type === "hidden")) element.value = values[0];
  }
  return true;
}
