// The tools under a simulation: save a scenario (the server re-runs it and says whether its
// figures agree), list and load saved ones, compare two side by side, copy a link with the
// current assumptions, and download the results as CSV (made by sims.results.to_csv in Pyodide).
import { BarChart, formatNumber } from "./sim-plots.js";
import { text } from "./lib/dom.js";
import { request } from "./lib/http.js";

const MAX_LISTED = 10; // the newest; "All your saved scenarios" links to the rest

// The answer's JSON; throws with the server's reason (lib/http.js says it in one sentence).
async function json(url, options = {}) {
  const result = await request(url, options);
  if (result.network || !result.response.ok) throw new Error(result.error);
  return result.data;
}

// A parameter's value as its control shows it: years without a thousands comma, choices by name.
function paramText(param, value) {
  if (param.type === "boolean") return value ? "yes" : "no";
  if (param.type === "choice") {
    const choice = param.choices.find((c) => c[0] === value);
    return choice ? choice[1] : String(value);
  }
  const number = param.type === "integer" ? String(value) : formatNumber(value);
  return param.unit ? `${number} ${param.unit}` : number;
}

export class Scenarios {
  constructor(simulation) {
    this.sim = simulation;
    this.saved = [];
    this.api = simulation.config.urls.api;
    const el = (suffix) => simulation.element(suffix);
    this.saveForm = el("save");
    this.saveName = el("save-name");
    this.saveResult = el("save-result");
    this.list = el("saved");
    this.compareForm = el("compare");
    this.compareA = el("compare-a");
    this.compareB = el("compare-b");
    this.compareChart = el("compare-chart");
    this.compareStatus = el("compare-status");
    this.comparison = el("comparison");
    this.linkField = el("link");
    this.shareResult = el("share-result");
    this.saveForm.addEventListener("submit", (event) => { event.preventDefault(); this.save(); });
    this.compareForm.addEventListener("submit", (event) => { event.preventDefault(); this.compare(); });
    simulation.root.querySelector('[data-action="copy-link"]').addEventListener("click", () => this.copyLink());
    simulation.root.querySelector('[data-action="download-csv"]').addEventListener("click", () => this.downloadCsv());
  }

  resultChanged(result) {
    this.linkField.value = this.permalink();
    if (this.compareChart.options.length === result.charts.length && this.compareChart.value) return;
    this.compareChart.replaceChildren(...result.charts.map((chart) => {
      const option = text("option", chart.title);
      option.value = chart.id;
      return option;
    }));
  }

  // --- save, list, load -------------------------------------------------------------------
  async save() {
    const result = this.sim.result;
    const title = this.saveName.value.trim();
    if (!title) {
      this.saveResult.textContent = "Give the scenario a name first.";
      this.saveName.focus();
      return;
    }
    if (!result) {
      this.saveResult.textContent = "Wait for the first results, then save.";
      return;
    }
    this.saveResult.textContent = "Saving…";
    try {
      const body = await json(this.api, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          scenario: this.sim.config.scenario,
          title,
          params: result.params,
          dataset: this.sim.cityValue,
          unit: this.sim.config.unit,
          browser_summary: { model_version: result.model_version, data_version: result.data_version, summary: result.summary },
        }),
      });
      const saved = body; // the saved record: {id, title, verified, ...}
      this.saveResult.textContent = saved.verified
        ? `Saved “${title}”, and checked on the server: it got the same figures.`
        : `Saved “${title}”, but the server got different figures from your browser; the saved copy keeps the server's.`;
      this.saveName.value = "";
      await this.refresh();
    } catch (error) {
      this.saveResult.textContent = `Not saved: ${error.message}`;
    }
  }

  async refresh() {
    try {
      const url = new URL(this.api, location.href);
      url.searchParams.set("scenario", this.sim.config.scenario);
      const body = await json(url);
      const all = Array.isArray(body) ? body : body.scenarios || [];
      this.saved = all.filter((s) => s.scenario === this.sim.config.scenario);
    } catch (error) {
      this.list.replaceChildren(text("li", `Your saved scenarios could not be listed: ${error.message}`, "muted"));
      return;
    }
    this.drawList();
  }

  drawList() {
    if (!this.saved.length) {
      this.list.replaceChildren(text("li", "None yet: save one above.", "muted"));
    } else {
      this.list.replaceChildren(...this.saved.slice(0, MAX_LISTED).map((saved) => {
        const item = document.createElement("li");
        const name = text("span", saved.title, "sim-saved-name");
        const when = saved.created_at
          ? text("span", ` ${new Date(saved.created_at).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" })}`, "small muted")
          : "";
        const load = text("button", "Load", "button secondary sim-small-button");
        load.type = "button";
        load.setAttribute("aria-label", `Load “${saved.title}”`);
        load.addEventListener("click", () => this.load(saved));
        item.append(name, when || "", load);
        return item;
      }));
    }
    for (const select of [this.compareA, this.compareB]) {
      const before = select.value;
      select.replaceChildren(...this.saved.map((saved) => {
        const option = text("option", saved.title);
        option.value = String(saved.id);
        return option;
      }));
      if (!this.saved.length) select.replaceChildren(text("option", "Save a scenario first"));
      if (this.saved.some((s) => String(s.id) === before)) select.value = before;
    }
    if (this.saved.length > 1 && this.compareA.value === this.compareB.value) {
      this.compareA.value = String(this.saved[1].id); // the two newest, older first
      this.compareB.value = String(this.saved[0].id);
    }
  }

  async load(saved) {
    const key = this.datasetKey(saved);
    if (key !== this.sim.cityValue && this.sim.config.cities.some((c) => c.value === key)) {
      this.sim.citySelect.value = key;
      await this.sim.useCity(key);
    }
    this.sim.setParams(saved.params || {});
    this.sim.setStatus(`Loaded “${saved.title}”. Running the model…`);
    await this.sim.request(performance.now());
  }

  datasetKey(saved) {
    return saved.dataset || saved.dataset_key || "cambridge-2011";
  }

  // --- compare -----------------------------------------------------------------------------
  async compare() {
    const a = this.saved.find((s) => String(s.id) === this.compareA.value);
    const b = this.saved.find((s) => String(s.id) === this.compareB.value);
    if (!a || !b) {
      this.compareStatus.textContent = "Save two scenarios first, then choose them here.";
      return;
    }
    this.compareStatus.textContent = "Running both scenarios…";
    try {
      const [ra, rb] = [await this.runSaved(a), await this.runSaved(b)];
      await this.drawComparison(a, b, ra, rb);
      this.compareStatus.textContent = `Comparing “${a.title}” with “${b.title}”.`;
    } catch (error) {
      this.compareStatus.textContent = `The comparison could not run: ${error.message}`;
    }
  }

  async runSaved(saved) {
    const key = this.datasetKey(saved);
    let dataset = key === "cambridge-2011" ? null : key;
    if (key.startsWith("city:")) {
      if (key !== this.sim.cityValue) {
        const city = this.sim.config.cities.find((c) => c.value === key);
        if (!city) throw new Error(`the city data of “${saved.title}” is not available to you`);
        const response = await fetch(city.url, { credentials: "same-origin" });
        if (!response.ok) throw new Error(`the city data answered ${response.status}`);
        await this.sim.runner.addDataset(key, await response.text());
      }
      dataset = { key };
    }
    const reply = await this.sim.runner.simulate({ scenario: this.sim.config.scenario, params: saved.params, dataset });
    const result = JSON.parse(reply.result);
    if (result.error) throw new Error(result.error);
    return result;
  }

  async drawComparison(a, b, ra, rb) {
    const table = document.createElement("table");
    table.className = "data-table sim-compare-table";
    const caption = text("caption", `“${a.title}” and “${b.title}” side by side`);
    const head = document.createElement("tr");
    ["Compared", a.title, b.title].forEach((label, i) => {
      const th = text("th", label, i ? "num" : "");
      th.scope = "col";
      head.append(th);
    });
    const thead = document.createElement("thead");
    thead.append(head);
    const body = document.createElement("tbody");
    const section = (label) => {
      const row = document.createElement("tr");
      const th = text("th", label, "sim-compare-section");
      th.colSpan = 3;
      th.scope = "colgroup";
      row.append(th);
      body.append(row);
    };
    const line = (label, x, y, kind = "num") => {
      const row = document.createElement("tr");
      const th = text("th", label);
      th.scope = "row";
      row.append(th, text("td", x, kind), text("td", y, kind));
      if (x !== y) row.className = "sim-differs";
      body.append(row);
    };
    section("Assumptions");
    for (const p of this.sim.config.describe) {
      line(p.label, paramText(p, ra.params[p.name]), paramText(p, rb.params[p.name]),
        p.type === "number" || p.type === "integer" ? "num" : "text");
    }
    line("City data", ra.dataset.name, rb.dataset.name, "text");
    section("Headline figures");
    ra.summary.forEach((item, i) => {
      const other = rb.summary[i] || {};
      const unit = item.unit ? ` ${item.unit}` : "";
      line(item.label, `${formatNumber(item.value)}${unit}`, `${formatNumber(other.value)}${unit}`);
    });
    table.append(caption, thead, body);
    const scroll = document.createElement("div");
    scroll.className = "table-scroll";
    scroll.tabIndex = 0; // a table wider than a phone scrolls: keyboard users must reach it
    scroll.setAttribute("role", "region");
    scroll.setAttribute("aria-label", "The two scenarios side by side");
    scroll.append(table);

    const chartId = this.compareChart.value;
    const ca = ra.charts.find((c) => c.id === chartId) || ra.charts[0];
    const cb = rb.charts.find((c) => c.id === ca.id);
    const figure = document.createElement("figure");
    figure.className = "sim-figure";
    const seriesA = ca.series[ca.series.length - 1];
    const seriesB = cb.series[cb.series.length - 1];
    figure.append(text("figcaption", `${ca.title} (${ca.unit}): “${seriesA.label}” in each scenario`, "sim-plot-title"));
    const legend = document.createElement("div");
    legend.className = "sim-legend";
    const plot = document.createElement("div");
    plot.className = "sim-plot";
    figure.append(legend, plot);
    const note = text("p", "", "small muted");
    figure.append(note);
    const server = this.sim.config.urls.compare;
    const link = server ? document.createElement("p") : null;
    if (link) {
      const anchor = text("a", "Open this comparison on its own page (the server's figures)");
      anchor.href = `${server}?a=${encodeURIComponent(a.id)}&b=${encodeURIComponent(b.id)}`;
      link.append(anchor);
    }
    this.comparison.replaceChildren(scroll, figure, ...(link ? [link] : []));
    this.comparison.hidden = false;
    const categories = ca.categories;
    const chart = new BarChart(plot, legend);
    await chart.draw({
      id: ca.id, title: ca.title, unit: ca.unit, categories,
      series: [
        { label: a.title, values: seriesA.values },
        { label: b.title, values: categories.map((c, i) => (cb.categories[i] === c ? seriesB.values[i] : NaN)) },
      ],
    });
    note.textContent = chart.noteText;
  }

  // --- share -------------------------------------------------------------------------------
  permalink() {
    const key = this.sim.config.key;
    const url = new URL(location.href);
    for (const name of [...url.searchParams.keys()]) if (name.startsWith(`${key}.`)) url.searchParams.delete(name);
    const params = this.sim.currentParams();
    for (const name of this.sim.config.shown) {
      if (this.sim.config.locked.includes(name)) continue;
      url.searchParams.set(`${key}.${name}`, String(params[name]));
    }
    if (this.sim.cityValue && this.sim.cityValue !== this.sim.config.cities[0].value) {
      url.searchParams.set(`${key}.city`, this.sim.cityValue);
    }
    url.hash = this.sim.id;
    return url.href;
  }

  async copyLink() {
    const link = this.permalink();
    this.linkField.value = link;
    try {
      await navigator.clipboard.writeText(link);
      this.shareResult.textContent = "Link copied. Anyone on the course who opens it sees these assumptions.";
    } catch {
      this.linkField.select();
      this.shareResult.textContent = "Copy the link from the box above (your browser did not let the page copy it).";
    }
  }

  async downloadCsv() {
    if (!this.sim.result) {
      this.shareResult.textContent = "Wait for the first results, then download them.";
      return;
    }
    try {
      const reply = await this.sim.runner.csv({
        scenario: this.sim.config.scenario, params: this.sim.result.params, dataset: this.sim.dataset,
      });
      const url = URL.createObjectURL(new Blob([reply.result], { type: "text/csv;charset=utf-8" }));
      const anchor = document.createElement("a");
      anchor.href = url;
      anchor.download = `${this.sim.config.key}.csv`;
      document.body.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      this.shareResult.textContent = "The results table was downloaded as a CSV file.";
    } catch (error) {
      this.shareResult.textContent = `The CSV could not be made: ${error.message}`;
    }
  }
}
