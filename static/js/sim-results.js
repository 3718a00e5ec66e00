// What a simulation's result shows (app/templates/activities/simulation.html): the headline
// figures with their change from the baseline, the zone map, the bar charts, the table of
// numbers (drawn only while it is open), the model's notes, versions and data attribution.
import { ZoneMap } from "./sim-map.js";
import { BarChart, formatNumber } from "./sim-plots.js";
import { text as cell } from "./lib/dom.js";

// "+337,413 (+54.8%)", "−0.5 (−3.1%)" or "no change", against the baseline.
function describeChange(value, baseline) {
  const change = value - baseline;
  if (Math.abs(change) < 1e-9) return "no change";
  const sign = change > 0 ? "+" : "−";
  const pct = baseline ? ` (${sign}${formatNumber(Math.abs((100 * change) / baseline), 1)}%)` : "";
  return `${sign}${formatNumber(Math.abs(change))}${pct}`;
}


export class ResultView {
  constructor(root) {
    this.id = root.id;
    this.mapElement = this.element("map");
    this.numbers = root.querySelector("details.sim-numbers");
    this.numbers.addEventListener("toggle", () => { if (this.numbers.open && this.table) this.drawTable(this.table); });
    this.result = null;
  }

  element(suffix) {
    return document.getElementById(`${this.id}-${suffix}`);
  }

  // After the wide stage opens or closes: the map again, from the last result (no Python run).
  relayout() {
    if (this.map && this.result) return this.map.draw(this.result, this.boundaries);
    return null;
  }

  // Everything a result shows; `runnerVersion` names the Python that ran it.
  async draw(result, boundaries, runnerVersion) {
    this.result = result;
    this.boundaries = boundaries;
    this.drawFigures(result.summary);
    if (!this.map) {
      this.map = new ZoneMap(this.mapElement, {
        legend: this.element("legend"), key: this.element("map-key"), credit: this.element("map-credit"),
        details: this.element("map-details"), table: this.element("map-table"), flows: this.element("map-flows"),
      });
    }
    this.element("map-title").textContent = result.map.title;
    await this.map.draw(result, boundaries);
    this.mapElement.dataset.result = String(result.summary[0] ? result.summary[0].value : "");
    await this.drawCharts(result.charts);
    this.table = result.table;
    if (this.numbers.open) this.drawTable(result.table); // else drawn when opened: 300 zones are many cells
    this.element("notes").replaceChildren(...result.notes.map((note) => cell("li", note)));
    this.element("versions").textContent =
      `Model: ${result.model_version}. Data: ${result.data_version}. `
      + `Run in your browser with Python ${runnerVersion || "(Pyodide)"}.`;
    this.element("attribution").textContent = `Data: ${result.dataset.name}. ${result.dataset.attribution}`.trim();
  }

  // Units go with the figure's name and the change sits under the value, so the table is
  // three narrow columns that fit a phone.
  drawFigures(summary) {
    const rows = summary.map((item) => {
      const row = document.createElement("tr");
      const name = cell("th", item.label);
      name.scope = "row";
      if (item.unit) name.append(" ", cell("span", `(${item.unit})`, "sim-unit"));
      const value = cell("td", formatNumber(item.value), "num");
      const hasBaseline = item.baseline !== null && item.baseline !== undefined;
      if (hasBaseline) value.append(cell("span", describeChange(item.value, item.baseline), "sim-change"));
      row.append(name, value, cell("td", hasBaseline ? formatNumber(item.baseline) : "—", "num"));
      return row;
    });
    this.element("figures").tBodies[0].replaceChildren(...rows);
  }

  async drawCharts(charts) {
    const holder = this.element("charts");
    if (!this.charts || this.charts.length !== charts.length) {
      holder.replaceChildren();
      this.charts = charts.map((chart, i) => {
        const figure = document.createElement("figure");
        figure.className = "sim-figure";
        const caption = cell("figcaption", chart.title, "sim-plot-title");
        caption.id = `${this.id}-chart-${i}-title`;
        const legend = document.createElement("div");
        legend.className = "sim-legend";
        const plot = document.createElement("div");
        plot.className = "sim-plot";
        const note = cell("p", "", "small muted");
        figure.append(caption, legend, plot, note);
        holder.append(figure);
        return { plot: new BarChart(plot, legend), caption, note };
      });
    }
    await Promise.all(charts.map(async (chart, i) => {
      const view = this.charts[i];
      view.caption.textContent = `${chart.title} (${chart.unit})`;
      await view.plot.draw(chart);
      view.note.textContent = view.plot.noteText;
      view.note.hidden = !view.plot.noteText;
    }));
  }

  drawTable(table) {
    const element = this.element("table");
    const head = document.createElement("tr");
    head.append(...table.columns.map((c) => {
      const th = cell("th", c.unit ? `${c.label} (${c.unit})` : c.label);
      th.scope = "col";
      return th;
    }));
    element.tHead.replaceChildren(head);
    element.tBodies[0].replaceChildren(...table.rows.map((values) => {
      const row = document.createElement("tr");
      row.append(...values.map((v) => (typeof v === "number" ? cell("td", formatNumber(v), "num") : cell("td", String(v)))));
      return row;
    }));
  }
}
