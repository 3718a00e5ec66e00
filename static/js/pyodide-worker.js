// A module Web Worker that runs Python with the self-hosted Pyodide, so the page stays
// responsive while Python starts and runs. Messages in (each with an id):
//   {type: "init", config}                       start Python and install the sims wheel
//   {type: "run", code}                          run a code string (the smoke-test page)
//   {type: "dataset", key, text}                 keep a city dataset (Dataset.to_dict() JSON)
//   {type: "simulate", scenario, params, dataset} sims.api.run_json: the result as JSON text
//   {type: "csv", scenario, params, dataset}     the same run as CSV (sims.results.to_csv)
// where dataset is null (built in), a name ("synthetic-300") or {key} of a kept dataset.
// Out: {id, ok, result | error, ms, interrupted?} and {type: "status", text, step}.
// config.interrupt (only where the page is cross-origin isolated): an Int32Array over a
// SharedArrayBuffer shared with python-runner.js. [0] is Pyodide's interrupt buffer (2 =
// SIGINT: Python raises KeyboardInterrupt within ~50 bytecodes); [1] is the id of the request
// now running and [2] the id the page meant to stop, so only that run is stopped (a signal
// that arrives as the next run starts makes that run start again).
import { fetchWheel, forgetSnapshots, keepSnapshot, savedSnapshot } from "./python-snapshot.js";

const KEEP_SNAPSHOT_AFTER_MS = 3000; // a first visit's own downloads and first run come first
let pyodide = null;
let booting = null;
let interrupt = null;
let sims = null;
const datasets = new Map(); // key -> a Python dict (PyProxy), parsed once

// Start Python: from the saved memory snapshot when there is one for these models and this
// runtime (python-snapshot.js), else afresh. Resolves to {ms, start: "snapshot" | "fresh"}.
async function boot(config) {
  const started = performance.now();
  postMessage({ type: "status", step: 1, text: "Downloading Python (first time only, about 7 MB)…" });
  const { loadPyodide } = await import(config.indexURL + "pyodide.mjs");
  const options = {
    indexURL: config.indexURL,
    // Pyodide's own lockfile with the leadup-sims wheel added (app/assets/sims_package.py);
    // packages are fetched from beside it, each checked against its sha256 there
    lockFileURL: config.lockfileURL,
    // the standard library with its bytecode compiled ahead of time, when the site has it
    ...(config.stdlibURL ? { stdLibURL: config.stdlibURL } : {}),
    stdout: (text) => postMessage({ type: "stdout", text }),
    stderr: (text) => postMessage({ type: "stderr", text }),
  };
  const restored = await restore(loadPyodide, options, config);
  pyodide = restored || (await startAfresh(loadPyodide, options));
  if (config.interrupt) {
    interrupt = config.interrupt;
    pyodide.setInterruptBuffer(interrupt);
  }
  if (!restored && config.snapshotURL) {
    setTimeout(() => keepSnapshot(config.snapshotURL)
      .catch((error) => console.warn("The Python snapshot could not be kept for next time:", String(error))), KEEP_SNAPSHOT_AFTER_MS);
  }
  return { ms: Math.round(performance.now() - started), start: restored ? "snapshot" : "fresh" };
}

async function restore(loadPyodide, options, config) {
  const snapshot = config.stdlibURL ? await savedSnapshot(config.snapshotURL) : null;
  if (!snapshot) return null;
  try {
    const [py, wheel] = await Promise.all([loadPyodide({ ...options, _loadSnapshot: snapshot.bytes }), fetchWheel(config.lockfileURL)]);
    postMessage({ type: "status", step: 2, text: "Loading the course simulations…" });
    py.runPython("import random; random.seed()"); // not the state saved with the snapshot
    py.unpackArchive(wheel, "wheel", { extractDir: py.runPython("import sysconfig; sysconfig.get_path('purelib')") });
    return py;
  } catch (error) {
    console.warn("The saved Python could not be restored; starting afresh.", error);
    await forgetSnapshots();
    return null;
  }
}

async function startAfresh(loadPyodide, options) {
  const py = await loadPyodide(options);
  postMessage({ type: "status", step: 2, text: "Loading the course simulations…" });
  const problems = [];
  await py.loadPackage("leadup-sims", { messageCallback: () => {}, errorCallback: (text) => problems.push(text) });
  if (problems.length) throw new Error(`could not load the simulations: ${problems.join("; ")}`);
  return py;
}

function python() {
  if (!pyodide) throw new Error("Python is not started yet");
  if (!sims) {
    sims = { api: pyodide.pyimport("sims.api"), results: pyodide.pyimport("sims.results"), json: pyodide.pyimport("json") };
  }
  return sims;
}

// The last line of a Python traceback ("ParamError: year: must be ...") without the class name.
function pythonMessage(error) {
  const lines = String(error && error.message ? error.message : error).trim().split("\n");
  return lines[lines.length - 1].replace(/^[\w.]+(Error|Exception): /, "");
}

// Run with a kept dataset (a Python dict): errors come back as {"error"} as from run_json.
function runWithKept(py, { scenario, params, dataset }, asCsv) {
  const kept = datasets.get(dataset.key);
  if (!kept) throw new Error(`the city data ${dataset.key} is not loaded`);
  const pyParams = py.json.loads(JSON.stringify(params));
  let result = null;
  try {
    result = py.api.run(scenario, pyParams, kept);
    return asCsv ? py.results.to_csv(result) : py.json.dumps(result);
  } catch (error) {
    if (isInterrupt(error)) throw error;
    if (asCsv) throw new Error(pythonMessage(error));
    return JSON.stringify({ error: pythonMessage(error) });
  } finally {
    pyParams.destroy();
    if (result) result.destroy();
  }
}

function simulate(message) {
  const py = python();
  if (message.dataset && typeof message.dataset === "object") return runWithKept(py, message, false);
  return py.api.run_json(message.scenario, JSON.stringify(message.params), JSON.stringify(message.dataset ?? null));
}

function csv(message) {
  const py = python();
  if (message.dataset && typeof message.dataset === "object") return runWithKept(py, message, true);
  const pyParams = py.json.loads(JSON.stringify(message.params));
  try {
    // JS null would arrive as pyodide.ffi.jsnull; undefined arrives as None.
    return py.api.csv_for(message.scenario, pyParams, message.dataset ?? undefined);
  } catch (error) {
    throw isInterrupt(error) ? error : new Error(pythonMessage(error));
  } finally {
    pyParams.destroy();
  }
}

function isInterrupt(error) {
  return Boolean(error) && error.type === "KeyboardInterrupt";
}

// Run `work` as request `id`: interruptible, and never left with a stale interrupt pending.
async function interruptible(id, work) {
  if (!interrupt) return work();
  for (;;) {
    Atomics.store(interrupt, 0, 0);
    Atomics.store(interrupt, 1, id);
    try {
      return await work();
    } catch (error) {
      if (!isInterrupt(error) || Atomics.load(interrupt, 2) === id) throw error;
    } finally {
      Atomics.store(interrupt, 1, 0);
      Atomics.store(interrupt, 0, 0);
    }
  }
}

function keepDataset({ key, text }) {
  const py = python();
  const previous = datasets.get(key);
  datasets.set(key, py.json.loads(text));
  if (previous) previous.destroy();
  return key;
}

self.onmessage = async (event) => {
  const { id, type } = event.data;
  const started = performance.now();
  try {
    let result;
    if (type !== "init" && booting) await booting.catch(() => {}); // asked for while Python starts
    if (type === "init") {
      booting = booting || boot(event.data.config);
      const { ms, start } = await booting;
      postMessage({ id, ok: true, result: { version: pyodide.version, start }, ms });
      return;
    } else if (type === "run") {
      if (!pyodide) throw new Error("Python is not started yet");
      const value = await interruptible(id, () => pyodide.runPythonAsync(event.data.code));
      result = value && typeof value.toJs === "function"
        ? value.toJs({ dict_converter: Object.fromEntries })
        : value;
      if (value && typeof value.destroy === "function") value.destroy();
    } else if (type === "simulate") {
      result = await interruptible(id, () => simulate(event.data));
    } else if (type === "csv") {
      result = await interruptible(id, () => csv(event.data));
    } else if (type === "dataset") {
      result = keepDataset(event.data);
    } else {
      throw new Error(`unknown message type ${type}`);
    }
    postMessage({ id, ok: true, result, ms: Math.round(performance.now() - started) });
  } catch (error) {
    if (isInterrupt(error)) postMessage({ id, ok: false, interrupted: true, error: "stopped" });
    else postMessage({ id, ok: false, error: String(error && error.message ? error.message : error) });
  }
};
