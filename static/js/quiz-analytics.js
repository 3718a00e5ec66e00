// The quiz analytics page's answer charts. Each is a Bokeh json_item made on the server
// (app/quizzes/analytics.py), kept in a <script type="application/json"> that the chart's
// element names in data-bokeh-item; BokehJS (bokeh.min.js, loaded first) embeds it.
// Without JavaScript, or if BokehJS fails, the table under each chart has the same numbers.
"use strict";

function hideChart(target) {
  (target.closest("figure") || target).hidden = true;
}

function drawCharts() {
  const Bokeh = window.Bokeh;
  for (const target of document.querySelectorAll("[data-bokeh-item]")) {
    const data = document.getElementById(target.dataset.bokehItem);
    if (!Bokeh || !data) {
      hideChart(target);
      continue;
    }
    try {
      Promise.resolve(Bokeh.embed.embed_item(JSON.parse(data.textContent), target.id)).catch(() => hideChart(target));
    } catch (error) {
      hideChart(target);
    }
  }
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", drawCharts);
} else {
  drawCharts();
}
