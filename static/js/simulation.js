// Simulation activities (app/templates/activities/simulation.html): the reader's browser runs
// the course's Python models (sims/) in one Pyodide Web Worker shared by every simulation on
// the page, and BokehJS draws the results. State for tests and benchmarks is kept on the
// activity's root: data-state (loading | ready | error), data-runs, data-first-result-ms,
// data-last-redraw-ms, data-python-start (snapshot | fresh); the map carries data-result (the
// first headline figure).
import { registerOfflineCache } from "./offline.js";
import { PythonRunner } from "./python-runner.js";
import { text as cell } from "./lib/dom.js";
import { builtInBoundaries } from "./sim-map.js";
import { loadBokeh } from "./sim-plots.js";
import { ResultView } from "./sim-results.js";
import { Scenarios } from "./sim-scenarios.js";
import { Stage } from "./sim-stage.js";

const DEBOUNCE_MS = 50;
const STOP_AFTER_MS = 300; // a run still going after this long offers its Stop button
const WORKER_START_WAIT_MS = 1000; // BokehJS loads once the worker is running, or after this
const BOOT_STEPS = 4; // download Python, load sims, draw the first result (+1 when done)

let sharedRunner = null;
const statusListeners = new Set();

// The page's one runner; `running` resolves once its worker has started (its first status), so
// BokehJS, which keeps the page's thread busy while it loads, does not hold up the worker's start.
function runnerFor(root) {
  if (!sharedRunner) {
    let running;
    const started = new Promise((resolve) => { running = resolve; });
    sharedRunner = PythonRunner.fromElement(root, {
      onStatus: (text, data) => {
        running();
        statusListeners.forEach((listen) => listen(text, data));
      },
    });
    sharedRunner.ready = sharedRunner.start();
    sharedRunner.running = Promise.race([started, new Promise((resolve) => setTimeout(resolve, WORKER_START_WAIT_MS))]);
  }
  return sharedRunner;
}

// Why this browser cannot run the simulations, or null if it can.
function missingFeature() {
  if (typeof WebAssembly !== "object" || typeof WebAssembly.instantiate !== "function") {
    return "This browser cannot run WebAssembly, which the simulations need.";
  }
  if (typeof Worker !== "function") return "This browser cannot run Web Workers, which the simulations need.";
  return null;
}

class Simulation {
  constructor(root) {
    this.root = root;
    this.id = root.id;
    this.config = JSON.parse(document.getElementById(`${this.id}-config`).textContent);
    this.describe = new Map(this.config.describe.map((p) => [p.name, p]));
    this.form = document.getElementById(`${this.id}-form`);
    this.status = document.getElementById(`${this.id}-status`);
    this.progress = document.getElementById(`${this.id}-progress`);
    this.error = document.getElementById(`${this.id}-error`);
    this.citySelect = document.getElementById(`${this.id}-city`);
    this.view = new ResultView(root);
    this.runs = 0;
    this.accepting = false; // until Python has started: the first run reads the controls as they are then
    this.busy = false;
    this.latest = null;
    this.call = null; // the worker request of the run in flight (to interrupt it)
    this.stopButton = document.getElementById(`${this.id}-stop`);
    this.stopButton.addEventListener("click", () => this.stop());
    this.lastChange = -Infinity;
    this.result = null;
    this.dataset = null; // what the worker is told: null, "synthetic-300" or {key}
    this.boundaries = null;
    this.stage = new Stage(root, () => this.view.relayout());
  }

  element(suffix) {
    return document.getElementById(`${this.id}-${suffix}`);
  }

  async start() {
    const missing = missingFeature();
    if (missing) return this.fail(`${missing} Try a recent version of Firefox, Chrome, Edge or Safari.`);
    this.setStatus("Starting Python in your browser…", 0);
    statusListeners.add((text, data) => this.root.dataset.state === "loading" && this.setStatus(text, data.step));
    this.runner = runnerFor(this.root);
    if (this.builtInCity(this.citySelect.value)) builtInBoundaries(this.runner); // asked for now, answered once Python is up
    this.bindControls();
    this.scenarios = new Scenarios(this);
    try {
      const bokeh = this.runner.running.then(() => loadBokeh(this.root.dataset.bokehUrl));
      const [, boot] = await Promise.all([bokeh, this.runner.ready]);
      this.bootMs = boot.ms;
      this.runnerVersion = boot.result.version;
      this.root.dataset.pythonStart = boot.result.start;
      this.setStatus("Running the model…", 3);
      await this.useCity(this.citySelect.value);
      this.accepting = true;
      await this.request(performance.now());
    } catch (error) {
      return this.fail(`The simulation could not start: ${error.message}.`);
    }
    this.scenarios.refresh();
  }

  setStatus(text, step) {
    this.status.textContent = text;
    if (step !== undefined && step !== null) this.progress.value = step;
  }

  fail(message) {
    this.root.dataset.state = "error";
    this.progress.hidden = true;
    this.setStatus("The simulation is not available in this browser.");
    this.error.replaceChildren(cell("p", message),
      cell("p", "You can still read how the model works and its Python code from the links above."));
    this.error.hidden = false;
  }

  // --- controls -------------------------------------------------------------------------
  bindControls() {
    this.form.addEventListener("submit", (event) => event.preventDefault());
    for (const input of this.form.querySelectorAll("[data-param]")) {
      const name = input.dataset.param;
      const number = this.form.querySelector(`[data-param-value="${name}"]`);
      input.addEventListener("input", (event) => {
        if (number) number.value = input.value;
        this.describeValue(input);
        this.changed(event);
      });
      if (number) {
        number.addEventListener("input", (event) => {
          if (!this.valid(number)) return;
          input.value = number.value;
          this.describeValue(input);
          this.changed(event);
        });
        number.addEventListener("change", () => { if (!this.valid(number)) number.value = input.value; });
      }
    }
    this.citySelect.addEventListener("change", async (event) => {
      if (!this.accepting) return;
      const started = event.timeStamp;
      try {
        this.setStatus("Loading the city data…");
        await this.useCity(this.citySelect.value);
        await this.request(started);
      } catch (error) {
        this.showError(`That city's data could not be loaded: ${error.message}`);
      }
    });
  }

  valid(number) {
    if (number.value === "" || !number.checkValidity()) return false;
    const value = Number(number.value);
    return Number.isFinite(value) && value >= Number(number.min) && value <= Number(number.max);
  }

  describeValue(range) {
    if (range.type !== "range") return;
    const unit = this.describe.get(range.dataset.param).unit;
    range.setAttribute("aria-valuetext", `${range.value}${unit ? ` ${unit}` : ""}`);
  }

  currentParams() {
    const params = { ...this.config.params };
    for (const input of this.form.querySelectorAll("[data-param]")) {
      const p = this.describe.get(input.dataset.param);
      if (p.type === "boolean") params[p.name] = input.checked;
      else if (p.type === "choice") params[p.name] = input.value;
      else if (p.type === "integer") params[p.name] = parseInt(input.value, 10);
      else params[p.name] = Number(input.value);
    }
    return params;
  }

  setParams(params) {
    for (const input of this.form.querySelectorAll("[data-param]")) {
      const name = input.dataset.param;
      if (!(name in params) || input.disabled) continue;
      if (input.type === "checkbox") input.checked = Boolean(params[name]);
      else input.value = String(params[name]);
      const number = this.form.querySelector(`[data-param-value="${name}"]`);
      if (number) number.value = input.value;
      this.describeValue(input);
    }
  }

  // Light debounce: a change after a quiet spell runs at once; a burst waits DEBOUNCE_MS.
  changed(event) {
    if (!this.accepting) return;
    const started = event && event.timeStamp ? event.timeStamp : performance.now();
    clearTimeout(this.timer);
    const now = performance.now();
    const quiet = now - this.lastChange > DEBOUNCE_MS;
    this.lastChange = now;
    const run = () => this.request(started).catch((error) => this.showError(`The model could not run: ${error.message}`));
    if (this.busy || quiet) run();
    else this.timer = setTimeout(run, DEBOUNCE_MS);
  }

  // --- runs -----------------------------------------------------------------------------
  async useCity(value) {
    const city = this.config.cities.find((c) => c.value === value) || this.config.cities[0];
    this.cityValue = city.value;
    if (!city.url) {
      const builtIn = this.builtInCity(city.value);
      this.dataset = builtIn ? null : city.value;
      this.boundaries = builtIn ? await builtInBoundaries(this.runner) : null;
      return;
    }
    const response = await fetch(city.url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    const text = await response.text();
    const data = JSON.parse(text);
    this.boundaries = data.boundaries || null;
    await this.runner.addDataset(city.value, text);
    this.dataset = { key: city.value };
  }

  builtInCity(value) {
    return value === "cambridge-2011";
  }

  job(started) {
    return { scenario: this.config.scenario, params: this.currentParams(), dataset: this.dataset, started };
  }

  // Run now, or, if a run is in flight, remember only these latest settings and stop that run
  // (where the browser allows it: python-runner.js), so the newest values are answered first.
  async request(started) {
    this.latest = this.job(started);
    if (this.busy) {
      this.runner.interrupt(this.call);
      return;
    }
    this.busy = true;
    try {
      while (this.latest) {
        const job = this.latest;
        this.latest = null;
        await this.runOnce(job);
      }
    } finally {
      this.busy = false;
    }
  }

  // The reader's Stop button: the run in flight ends; the results stay those of the last run.
  stop() {
    this.latest = null;
    this.runner.interrupt(this.call);
  }

  async runOnce(job) {
    let result;
    const asked = performance.now();
    this.call = this.runner.simulate(job);
    const offerStop = this.runner.canInterrupt && setTimeout(() => { this.stopButton.hidden = false; }, STOP_AFTER_MS);
    try {
      const reply = await this.call;
      this.root.dataset.lastPythonMs = String(reply.ms);
      result = JSON.parse(reply.result);
    } catch (error) {
      if (error.interrupted) return this.interrupted();
      if (!this.result) throw error;
      return this.showError(`The model could not run: ${error.message}`);
    } finally {
      clearTimeout(offerStop);
      this.stopButton.hidden = true;
      this.call = null;
    }
    if (result.error) {
      if (!this.result) throw new Error(result.error);
      return this.showError(`The model could not run with these values: ${result.error}`);
    }
    this.error.hidden = true;
    const answered = performance.now();
    this.root.dataset.lastRunMs = String(Math.round(answered - asked));
    await this.view.draw(result, this.boundaries, this.runnerVersion);
    this.root.dataset.lastDrawMs = String(Math.round(performance.now() - answered));
    await new Promise((resolve) => requestAnimationFrame(() => resolve())); // Bokeh paints in this frame
    const now = performance.now();
    this.result = result;
    this.runs += 1;
    const state = this.root.dataset;
    if (!state.firstResultMs) state.firstResultMs = String(Math.round(now));
    state.lastRedrawMs = String(Math.round(now - job.started));
    state.runs = String(this.runs);
    if (state.state !== "ready") {
      state.state = "ready";
      this.progress.value = BOOT_STEPS;
      this.progress.hidden = true;
    }
    this.setStatus("Up to date: the results show your latest assumptions.");
    this.scenarios.resultChanged(result);
  }

  // A run stopped: by newer values (the loop in request runs them next) or by the reader.
  interrupted() {
    this.root.dataset.interrupted = String(Number(this.root.dataset.interrupted || 0) + 1);
    if (this.latest) return;
    this.setStatus(this.result
      ? "Stopped. The results below are from the previous run; change a value to run the model again."
      : "Stopped. Change a value to run the model.");
  }

  showError(message) {
    this.error.replaceChildren(cell("p", message));
    this.error.hidden = false;
    this.setStatus("The last change could not be shown; the results below are from the previous run.");
  }

}

function boot() {
  registerOfflineCache();
  for (const root of document.querySelectorAll("[data-simulation]")) {
    const simulation = new Simulation(root);
    simulation.start().catch((error) => simulation.fail(`The simulation stopped: ${error.message}.`));
  }
}

boot();
