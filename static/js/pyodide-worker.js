// A module Web Worker that runs Python with the self-hosted Pyodide, so the page stays
// responsive while Python starts and runs. Messages in (each with an id):
//   {type: "init", config}                       start Python and unpack the sims package
//   {type: "run", code}                          run a code string (the smoke-test page)
//   {type: "dataset", key, text}                 keep a city dataset (Dataset.to_dict() JSON)
//   {type: "simulate", scenario, params, dataset} sims.api.run_json: the result as JSON text
//   {type: "csv", scenario, params, dataset}     the same run as CSV (sims.results.to_csv)
// where dataset is null (built in), a name ("synthetic-300") or {key} of a kept dataset.
// Out: {id, ok, result | error, ms} and {type: "status", text, step}.
let pyodide = null;
let booting = null;
let sims = null;
const datasets = new Map(); // key -> a Python dict (PyProxy), parsed once

async function boot(config) {
  const started = performance.now();
  postMessage({ type: "status", step: 1, text: "Downloading Python (first time only, about 7 MB)…" });
  const { loadPyodide } = await import(config.indexURL + "pyodide.mjs");
  const py = await loadPyodide({
    indexURL: config.indexURL,
    lockFileURL: config.indexURL + "pyodide-lock.json",
    // the standard library with its bytecode compiled ahead of time, when the site has it
    ...(config.stdlibURL ? { stdLibURL: config.stdlibURL } : {}),
    stdout: (text) => postMessage({ type: "stdout", text }),
    stderr: (text) => postMessage({ type: "stderr", text }),
  });
  postMessage({ type: "status", step: 2, text: "Loading the course simulations…" });
  const response = await fetch(config.simsURL, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`could not download the simulations (${response.status})`);
  py.unpackArchive(new Uint8Array(await response.arrayBuffer()), "zip");
  pyodide = py;
  return Math.round(performance.now() - started);
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
    throw new Error(pythonMessage(error));
  } finally {
    pyParams.destroy();
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
    if (type === "init") {
      booting = booting || boot(event.data.config);
      const ms = await booting;
      postMessage({ id, ok: true, result: { version: pyodide.version }, ms });
      return;
    } else if (type === "run") {
      if (!pyodide) throw new Error("Python is not started yet");
      const value = await pyodide.runPythonAsync(event.data.code);
      result = value && typeof value.toJs === "function"
        ? value.toJs({ dict_converter: Object.fromEntries })
        : value;
      if (value && typeof value.destroy === "function") value.destroy();
    } else if (type === "simulate") {
      result = simulate(event.data);
    } else if (type === "csv") {
      result = csv(event.data);
    } else if (type === "dataset") {
      result = keepDataset(event.data);
    } else {
      throw new Error(`unknown message type ${type}`);
    }
    postMessage({ id, ok: true, result, ms: Math.round(performance.now() - started) });
  } catch (error) {
    postMessage({ id, ok: false, error: String(error && error.message ? error.message : error) });
  }
};
