// A module Web Worker that runs Python with the self-hosted Pyodide, so the page stays
// responsive while Python starts and runs. Messages in: {id, type: "init", config} and
// {id, type: "run", code}; out: {id, ok, result | error, ms} and {type: "status", text}.
let pyodide = null;
let booting = null;

async function boot(config) {
  const started = performance.now();
  postMessage({ type: "status", text: "Downloading Python (first time only, about 7 MB)…" });
  const { loadPyodide } = await import(config.indexURL + "pyodide.mjs");
  const py = await loadPyodide({
    indexURL: config.indexURL,
    lockFileURL: config.indexURL + "pyodide-lock.json",
    stdout: (text) => postMessage({ type: "stdout", text }),
    stderr: (text) => postMessage({ type: "stderr", text }),
  });
  postMessage({ type: "status", text: "Loading the course simulations…" });
  const response = await fetch(config.simsURL, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`could not download the simulations (${response.status})`);
  py.unpackArchive(new Uint8Array(await response.arrayBuffer()), "zip");
  pyodide = py;
  return Math.round(performance.now() - started);
}

self.onmessage = async (event) => {
  const { id, type } = event.data;
  const started = performance.now();
  try {
    if (type === "init") {
      booting = booting || boot(event.data.config);
      const ms = await booting;
      postMessage({ id, ok: true, result: { version: pyodide.version }, ms });
    } else if (type === "run") {
      if (!pyodide) throw new Error("Python is not started yet");
      const value = await pyodide.runPythonAsync(event.data.code);
      const result = value && typeof value.toJs === "function"
        ? value.toJs({ dict_converter: Object.fromEntries })
        : value;
      if (value && typeof value.destroy === "function") value.destroy();
      postMessage({ id, ok: true, result, ms: Math.round(performance.now() - started) });
    } else {
      throw new Error(`unknown message type ${type}`);
    }
  } catch (error) {
    postMessage({ id, ok: false, error: String(error && error.message ? error.message : error) });
  }
};
