// PythonRunner: talk to the Pyodide worker with promises.
//   const runner = PythonRunner.fromElement(element, {onStatus});  // its data-* attributes
//   (app/assets/routes.py python_runtime), or new PythonRunner({indexURL, stdlibURL,
//   lockfileURL, snapshotURL, workerURL, onStatus}); stdlibURL: the precompiled standard
//   library, or empty for Pyodide's own; lockfileURL: the Pyodide lockfile that names the
//   leadup-sims wheel; snapshotURL: the memory snapshot to keep and restore, or empty.
//   start() resolves to {result: {version, start: "snapshot" | "fresh"}, ms}.
// Where the page is cross-origin isolated (the site sends COOP and COEP: app/security.py), a
// run can be stopped: runner.interrupt(request) makes that request's Python raise
// KeyboardInterrupt and its promise reject with error.interrupted = true. Elsewhere
// (runner.canInterrupt false) interrupt() does nothing and the run finishes as usual.
//   await runner.start();  const result = await runner.run("import sims; sims.selfcheck()");
//   const text = (await runner.simulate({scenario, params, dataset})).result;  // JSON text
export class PythonRunner {
  constructor({ indexURL, stdlibURL = "", lockfileURL, snapshotURL = "", workerURL, onStatus = () => {}, onOutput = () => {} }) {
    // Pyodide needs absolute URLs (a relative lockFileURL fails with "Invalid base URL").
    this.config = {
      indexURL: new URL(indexURL, location.href).href,
      lockfileURL: new URL(lockfileURL, location.href).href,
      stdlibURL: stdlibURL ? new URL(stdlibURL, location.href).href : "",
      snapshotURL: snapshotURL ? new URL(snapshotURL, location.href).href : "",
    };
    this.workerURL = new URL(workerURL, location.href).href;
    // [0]: Pyodide's interrupt buffer; [1]: the request running in the worker; [2]: the one to stop
    this.interruptBuffer = globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(12)) : null;
    this.config.interrupt = this.interruptBuffer;
    this.onStatus = onStatus;
    this.onOutput = onOutput;
    this.pending = new Map();
    this.nextId = 1;
    this.worker = null;
    this.failure = null;
  }

  static fromElement(element, options = {}) {
    const data = element.dataset;
    return new PythonRunner({
      indexURL: data.indexUrl, stdlibURL: data.stdlibUrl, lockfileURL: data.lockfileUrl,
      snapshotURL: data.snapshotUrl, workerURL: data.workerUrl, ...options,
    });
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
    const promise = new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message });
    });
    promise.requestId = id;
    return promise;
  }

  get canInterrupt() {
    return this.interruptBuffer !== null;
  }

  // Stop the run of `request` (a promise from run/simulate/csv) if it is the one running now;
  // true when the interrupt was sent.
  interrupt(request) {
    const buffer = this.interruptBuffer;
    if (!buffer || !request || Atomics.load(buffer, 1) !== request.requestId) return false;
    Atomics.store(buffer, 2, request.requestId);
    Atomics.store(buffer, 0, 2); // SIGINT
    return true;
  }

  receive(data) {
    if (data.type === "status") return this.onStatus(data.text, data);
    if (data.type === "stdout" || data.type === "stderr") return this.onOutput(data);
    const waiter = this.pending.get(data.id);
    if (!waiter) return;
    this.pending.delete(data.id);
    if (data.ok) waiter.resolve(data);
    else waiter.reject(Object.assign(new Error(data.error), { interrupted: Boolean(data.interrupted) }));
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
