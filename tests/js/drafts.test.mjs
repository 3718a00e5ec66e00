import { test } from "node:test";
import assert from "node:assert/strict";
import { autosaver, draftStore, fillForm } from "../../static/js/lib/drafts.js";
import { fakeStorage, fakeTimers, settle } from "./fakes.mjs";

test("a draft is saved, restored and cleared under its page's prefix", () => {
  const storage = fakeStorage();
  const drafts = draftStore(storage, "leadup-quiz-attempt-");
  assert.equal(drafts.load("12"), null);
  assert.equal(drafts.save("12", [["q-1", "b"], ["q-2", "text"]]), true);
  assert.equal(storage.getItem("leadup-quiz-attempt-12"), '[["q-1","b"],["q-2","text"]]');
  assert.deepEqual(drafts.load("12"), [["q-1", "b"], ["q-2", "text"]]);
  assert.equal(drafts.has("12"), true);
  drafts.clear("12");
  assert.equal(drafts.load("12"), null);
  assert.equal(drafts.has("12"), false);
  assert.equal(storage.length, 0);
});

test("keys lists only this store's drafts; text is kept as it is", () => {
  const storage = fakeStorage();
  storage.setItem("other", "x");
  const sent = draftStore(storage, "leadup-discussion-sent-");
  sent.saveText("topic-3", "key-abc");
  sent.saveText("reply-9", "key-def");
  assert.deepEqual(sent.keys().sort(), ["reply-9", "topic-3"]);
  assert.equal(sent.loadText("topic-3"), "key-abc");
  assert.equal(storage.getItem("leadup-discussion-sent-topic-3"), "key-abc");
});

test("a broken, full or missing storage never throws", () => {
  for (const storage of [fakeStorage({ broken: true }), null]) {
    const drafts = draftStore(storage, "p-");
    assert.equal(drafts.save("a", { body: "x" }), false);
    assert.equal(drafts.load("a"), null);
    assert.equal(drafts.has("a"), false);
    assert.deepEqual(drafts.keys(), []);
    drafts.clear("a");
  }
  const full = draftStore(fakeStorage({ full: true }), "p-");
  assert.equal(full.save("a", "too much"), false);
});

test("a draft that is not JSON reads as none", () => {
  const storage = fakeStorage();
  storage.setItem("p-a", "{not json");
  assert.equal(draftStore(storage, "p-").load("a"), null);
});

test("fillForm puts the values back: text, radios and checkboxes by value", () => {
  const form = { elements: [
    { name: "q-1", type: "radio", value: "a", checked: true },
    { name: "q-1", type: "radio", value: "b", checked: false },
    { name: "q-2", type: "checkbox", value: "x", checked: false },
    { name: "q-2", type: "checkbox", value: "y", checked: false },
    { name: "q-3", type: "textarea", value: "" },
    { name: "token", type: "hidden", value: "page" },
    { name: "untouched", type: "text", value: "as drawn" },
    { name: "", type: "submit", value: "Go" },
  ] };
  const entries = [["q-1", "b"], ["q-2", "x"], ["q-2", "y"], ["q-3", "My answer"], ["token", "old"]];
  assert.equal(fillForm(form, entries, { skipHidden: true }), true);
  const [a, b, x, y, text, hidden, untouched] = form.elements;
  assert.deepEqual([a.checked, b.checked, x.checked, y.checked], [false, true, true, true]);
  assert.equal(text.value, "My answer");
  assert.equal(hidden.value, "page");
  assert.equal(untouched.value, "as drawn");
  fillForm(form, entries);
  assert.equal(hidden.value, "old");
  assert.equal(fillForm(form, null), false);
  assert.equal(fillForm(form, { not: "a list" }), false);
});

test("autosave runs once, the delay after the last change", async () => {
  const timers = fakeTimers();
  let runs = 0;
  const saver = autosaver(async () => { runs += 1; }, { delay: 800, timers });
  saver.schedule();
  timers.tick(500);
  saver.schedule();  // typing again restarts the wait
  timers.tick(799);
  assert.equal(runs, 0);
  assert.equal(saver.scheduled, true);
  timers.tick(1);
  await settle();
  assert.equal(runs, 1);
  assert.equal(saver.scheduled, false);
  timers.tick(5000);
  await settle();
  assert.equal(runs, 1);
});

test("cancel stops a scheduled save; flush saves now instead", async () => {
  const timers = fakeTimers();
  let runs = 0;
  const saver = autosaver(async () => { runs += 1; }, { delay: 800, timers });
  saver.schedule();
  saver.cancel();
  timers.tick(1000);
  await settle();
  assert.equal(runs, 0);
  saver.schedule();
  await saver.flush();
  assert.equal(runs, 1);
  assert.equal(timers.pending, 0);
  timers.tick(1000);
  await settle();
  assert.equal(runs, 1);
});

test("never two saves at once: a save asked for meanwhile runs once, after", async () => {
  const timers = fakeTimers();
  const finish = [];
  let started = 0;
  const saver = autosaver(() => new Promise((resolve) => { started += 1; finish.push(resolve); }), { timers });
  saver.now();
  assert.equal(saver.saving, true);
  saver.now();
  saver.now();
  assert.equal(started, 1);
  assert.equal(saver.pending, true);
  finish.shift()();
  await settle();
  assert.equal(started, 2);  // the two calls meanwhile made one more run
  assert.equal(saver.pending, false);
  finish.shift()();
  await settle();
  assert.equal(started, 2);
  assert.equal(saver.saving, false);
});

test("a save that throws does not stop later saves", async () => {
  const timers = fakeTimers();
  let runs = 0;
  const saver = autosaver(async () => { runs += 1; throw new Error("boom"); }, { timers });
  await saver.now();
  await saver.now();
  assert.equal(runs, 2);
  assert.equal(saver.saving, false);
});

test("with real timers, the save comes after the delay", async () => {
  let saved = 0;
  const saver = autosaver(async () => { saved += 1; }, { delay: 30 });
  saver.schedule();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(saved, 0);
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(saved, 1);
});
