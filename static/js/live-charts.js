// The live results' charts on the tutor's screens: the projector, the control page, the report.
// Each chart is a Bokeh json_item made on the server (app/live/charts.py), kept in a
// <script type="application/json"> that the chart's element names in data-bokeh-item; BokehJS
// (bokeh.min.js, loaded first) embeds it (lib/charts.js). The element named by the chart's
// aria-describedby has the same numbers: without JavaScript, or if BokehJS fails, the chart's
// figure is hidden and that table stays. On the projector a table marked data-chart-table is hidden visually (screen
// readers still read it) once its chart is drawn.
//
// The projector swaps its results in after each post or vote (static/js/live.js), then sends
// "live:results". The chart drawn before stays in view until its successor has rendered, so
// the screen does not flicker; then the old one's Bokeh document is let go.
import { canEmbed, embedChart, hideChart, releaseViews, whenReady } from "./lib/charts.js";

const projector = document.body.classList.contains("live-projector");
const drawn = new Map();  // chart id -> {node, views}: the last chart rendered under that id

function tableOf(target) {
  const id = target.getAttribute("aria-describedby");
  return id ? document.getElementById(id) : null;
}

function behind(target, hidden) {
  const table = tableOf(target);
  if (projector && table && table.hasAttribute("data-chart-table")) table.classList.toggle("live-behind-chart", hidden);
}

function release(chart) {
  if (!chart) return;
  chart.node.remove();
  releaseViews(chart.views, window.Bokeh);
}

function failed(target, old) {
  if (old) release(old);
  drawn.delete(target.id);
  hideChart(target);
  behind(target, false);
}

async function embed(target) {
  const old = drawn.get(target.id);
  if (!canEmbed(target)) { failed(target, old); return; }
  if (old && old.node !== target) {  // show the old chart in the new one's place meanwhile
    old.node.removeAttribute("id");  // Bokeh finds the new target by its id
    old.node.setAttribute("aria-hidden", "true");
    target.before(old.node);
    target.classList.add("live-chart-pending");
    behind(target, true);
  }
  try {
    const views = await embedChart(target);
    if (!target.isConnected) {  // replaced again while it rendered
      release({ node: target, views });
      return;
    }
    target.classList.remove("live-chart-pending");
    if (old && old.node !== target) release(old);
    drawn.set(target.id, { node: target, views });
    target.dataset.chartDrawn = "";
    behind(target, true);
  } catch (error) {
    failed(target, old);
  }
}

function drawAll(root) {
  const targets = [...root.querySelectorAll("[data-bokeh-item]")];
  const ids = new Set(targets.map((target) => target.id));
  for (const [id, chart] of drawn) {  // charts that are gone from the new results
    if (!ids.has(id) && !chart.node.isConnected) { release(chart); drawn.delete(id); }
  }
  targets.forEach(embed);
}

document.addEventListener("live:results", (event) => drawAll(event.target));
whenReady(() => drawAll(document));
