// PythonRunner: talk to the Pyodide worker with promises.
//   const runner = new PythonRunner({indexURL, simsURL, workerURL, onStatus});
//   await runner.start();  const result = await runner.run("import sims; sims.selfcheck()");
export class PythonRunner {
  constructor({ indexURL, simsURL, workerURL, onStatus = () => {}, onOutput = () => {} }) {
    // Pyodide needs absolute URLs (a relative lockFileURL fails with "Invalid base URL").
    this.config = {
      indexURL: new URL(indexURL, location.href).href,
      simsURL: new URL(simsURL, location.href).href,
    };
    this.workerURL = new URL(workerURL, location.href).href;
    this.onStatus = onStatus;
    this.onOutput = onOutput;
    this.pending = new Map();
    this.nextId = 1;
    this.worker = null;
  }

  request(message) {
    if (!this.worker) {
      this.worker = new Worker(this.workerURL, { type: "module" });
      this.worker.onmessage = (event) => this.receive(event.data);
      this.worker.onerror = (event) => this.failAll(event.message || "the Python worker failed to start");
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message });
    });
  }

  receive(data) {
    if (data.type === "status") return this.onStatus(data.text);
    if (data.type === "stdout" || data.type === "stderr") return this.onOutput(data);
    const waiter = this.pending.get(data.id);
    if (!waiter) return;
    this.pending.delete(data.id);
    if (data.ok) waiter.resolve(data);
    else waiter.reject(new Error(data.error));
  }

  failAll(message) {
    for (const waiter of this.pending.values()) waiter.reject(new Error(message));
    this.pending.clear();
  }

  start() {
    return this.request({ type: "init", config: this.config });
  }

  run(code) {
    return this.request({ type: "run", code });
  }
}
