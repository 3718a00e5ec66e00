// Charts made on the server as Bokeh json_items. Each chart's element names, in
// data-bokeh-item, the <script type="application/json"> that holds its item; BokehJS
// (bokeh.min.js, loaded before the page's scripts) draws it into the element, found by its id.
// Without BokehJS, or when it fails, the chart's figure is hidden and the table beside it stays.

export function chartData(target, doc = globalThis.document) {
  const name = target.dataset ? target.dataset.bokehItem : "";
  return name ? doc.getElementById(name) : null;
}

export function canEmbed(target, { Bokeh = globalThis.Bokeh, doc = globalThis.document } = {}) {
  return Boolean(Bokeh && chartData(target, doc));
}

// Draws the chart; resolves to its Bokeh views, rejects when it cannot be drawn.
export async function embedChart(target, { Bokeh = globalThis.Bokeh, doc = globalThis.document } = {}) {
  const data = chartData(target, doc);
  if (!Bokeh || !data) throw new Error("BokehJS or the chart's item is missing");
  return Bokeh.embed.embed_item(JSON.parse(data.textContent), target.id);
}

export function hideChart(target) {
  (target.closest("figure") || target).hidden = true;
}

// Let go of a drawn chart's Bokeh documents (so a page that redraws does not keep them all).
export function releaseViews(views, Bokeh = globalThis.Bokeh) {
  try {
    for (const view of views || []) {
      const doc = view.model.document;
      if (!doc) continue;
      doc.clear();
      const index = Bokeh.documents.indexOf(doc);
      if (index >= 0) Bokeh.documents.splice(index, 1);
    }
  } catch (error) { /* an old BokehJS: the page keeps a little more memory */ }
}

// Draw every chart under root; a chart that fails hides itself.
export function drawCharts(root = globalThis.document, options = {}) {
  const targets = Array.from(root.querySelectorAll("[data-bokeh-item]"));
  return Promise.all(targets.map((target) => embedChart(target, options).catch(() => hideChart(target))));
}

export function whenReady(run, doc = globalThis.document) {
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", run);
  else run();
}
