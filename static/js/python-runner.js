// PythonRunner: talk to the Pyodide worker with promises.
//   const runner = new PythonRunner({indexURL, stdlibURL, simsURL, workerURL, onStatus});
// (stdlibURL: the precompiled standard library, or empty for Pyodide's own)
//   await runner.start();  const result = await runner.run("import sims; sims.selfcheck()");
//   const text = (await runner.simulate({scenario, params, dataset})).result;  // JSON text
export class PythonRunner {
  constructor({ indexURL, stdlibURL = "", simsURL, workerURL, onStatus = () => {}, onOutput = () => {} }) {
    // Pyodide needs absolute URLs (a relative lockFileURL fails with "Invalid base URL").
    this.config = {
      indexURL: new URL(indexURL, location.href).href,
      simsURL: new URL(simsURL, location.href).href,
      stdlibURL: stdlibURL ? new URL(stdlibURL, location.href).href : "",
    };
    this.workerURL = new URL(workerURL, location.href).href;
    this.onStatus = onStatus;
    this.onOutput = onOutput;
    this.pending = new Map();
    this.nextId = 1;
    this.worker = null;
    this.failure = null;
  }

  request(message) {
    if (this.failure) return Promise.reject(new Error(this.failure));
    if (!this.worker) {
      try {
        this.worker = startModuleWorker(this.workerURL);
      } catch (error) {
        this.failure = error.message;
        return Promise.reject(error);
      }
      this.worker.onmessage = (event) => this.receive(event.data);
      this.worker.onerror = (event) => {
        event.preventDefault();
        this.failAll(event.message || "the Python worker failed to start");
      };
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message });
    });
  }

  receive(data) {
    if (data.type === "status") return this.onStatus(data.text, data);
    if (data.type === "stdout" || data.type === "stderr") return this.onOutput(data);
    const waiter = this.pending.get(data.id);
    if (!waiter) return;
    this.pending.delete(data.id);
    if (data.ok) waiter.resolve(data);
    else waiter.reject(new Error(data.error));
  }

  failAll(message) {
    this.failure = message;
    for (const waiter of this.pending.values()) waiter.reject(new Error(message));
    this.pending.clear();
  }

  start() {
    return this.request({ type: "init", config: this.config });
  }

  run(code) {
    return this.request({ type: "run", code });
  }

  // {scenario, params, dataset}: dataset null (built in), "synthetic-300" or {key} (see addDataset).
  simulate(args) {
    return this.request({ type: "simulate", ...args });
  }

  csv(args) {
    return this.request({ type: "csv", ...args });
  }

  addDataset(key, text) {
    return this.request({ type: "dataset", key, text });
  }
}

// Browsers without module workers ignore {type: "module"} and would fail on the first import;
// reading the option tells us whether it was understood, so we can say so plainly.
function startModuleWorker(url) {
  let understood = false;
  const options = { get type() { understood = true; return "module"; } };
  const worker = new Worker(url, options);
  if (!understood) {
    worker.terminate();
    throw new Error("this browser cannot run module Web Workers");
  }
  return worker;
}
