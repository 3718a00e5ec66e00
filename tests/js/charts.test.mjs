import { test } from "node:test";
import assert from "node:assert/strict";
import { canEmbed, drawCharts, embedChart, hideChart, releaseViews, whenReady } from "../../static/js/lib/charts.js";
import { settle } from "./fakes.mjs";

function chartPage(items) {  // a document with <script type="application/json" id=...> items
  const byId = new Map(Object.entries(items).map(([id, item]) => [id, { textContent: JSON.stringify(item) }]));
  const targets = [];
  return {
    targets,
    getElementById: (id) => byId.get(id) || null,
    querySelectorAll: (selector) => (selector === "[data-bokeh-item]" ? targets : []),
    add(id, itemId) {
      const figure = { hidden: false };
      const target = { id, dataset: { bokehItem: itemId }, hidden: false, figure, closest: () => figure };
      targets.push(target);
      return target;
    },
  };
}

function fakeBokeh({ fail = false } = {}) {
  const drawn = [];
  return {
    drawn,
    documents: [],
    embed: {
      embed_item(item, id) {
        if (fail) return Promise.reject(new Error("render failed"));
        drawn.push({ item, id });
        return Promise.resolve([{ model: { document: null } }]);
      },
    },
  };
}

test("embedChart gives BokehJS the item named by data-bokeh-item, for the element's id", async () => {
  const doc = chartPage({ "item-1": { doc: "one" } });
  const target = doc.add("chart-1", "item-1");
  const Bokeh = fakeBokeh();
  assert.equal(canEmbed(target, { Bokeh, doc }), true);
  const views = await embedChart(target, { Bokeh, doc });
  assert.deepEqual(Bokeh.drawn, [{ item: { doc: "one" }, id: "chart-1" }]);
  assert.equal(views.length, 1);
});

test("without BokehJS or the item, embedChart rejects and canEmbed says no", async () => {
  const doc = chartPage({});
  const target = doc.add("chart-1", "missing");
  assert.equal(canEmbed(target, { Bokeh: fakeBokeh(), doc }), false);
  assert.equal(canEmbed(target, { Bokeh: undefined, doc }), false);
  await assert.rejects(embedChart(target, { Bokeh: fakeBokeh(), doc }));
});

test("drawCharts hides the figure of each chart that cannot be drawn, and only those", async () => {
  const doc = chartPage({ good: { a: 1 } });
  const good = doc.add("c-good", "good");
  const missing = doc.add("c-missing", "nowhere");
  await drawCharts(doc, { Bokeh: fakeBokeh(), doc });
  assert.equal(good.figure.hidden, false);
  assert.equal(missing.figure.hidden, true);

  const failing = chartPage({ a: {} });
  const target = failing.add("c-a", "a");
  await drawCharts(failing, { Bokeh: fakeBokeh({ fail: true }), doc: failing });
  assert.equal(target.figure.hidden, true);

  const noBokeh = chartPage({ a: {} });
  const alone = noBokeh.add("c-a", "a");
  await drawCharts(noBokeh, { Bokeh: undefined, doc: noBokeh });
  assert.equal(alone.figure.hidden, true);
});

test("hideChart hides the element itself when it has no figure", () => {
  const target = { hidden: false, closest: () => null };
  hideChart(target);
  assert.equal(target.hidden, true);
});

test("releaseViews clears each view's document and lets BokehJS forget it", () => {
  let cleared = 0;
  const doc = { clear: () => { cleared += 1; } };
  const Bokeh = { documents: [{}, doc] };
  releaseViews([{ model: { document: doc } }, { model: { document: null } }], Bokeh);
  assert.equal(cleared, 1);
  assert.equal(Bokeh.documents.length, 1);
  releaseViews([{}], Bokeh);  // an old BokehJS's views: nothing thrown
  releaseViews(undefined, Bokeh);
});

test("whenReady runs now when the page is parsed, else on DOMContentLoaded", async () => {
  let ran = 0;
  whenReady(() => { ran += 1; }, { readyState: "interactive" });
  assert.equal(ran, 1);
  const listeners = {};
  whenReady(() => { ran += 1; }, { readyState: "loading", addEventListener: (type, fn) => { listeners[type] = fn; } });
  assert.equal(ran, 1);
  listeners.DOMContentLoaded();
  assert.equal(ran, 2);
  await settle();
});
