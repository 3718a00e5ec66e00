import { registerOfflineCache } from "./offline.js";
import { PythonRunner } from "./python-runner.js";

registerOfflineCache();

const root = document.getElementById("pyodide-smoke");
const button = document.getElementById("smoke-run");
const status = document.getElementById("smoke-status");
const output = document.getElementById("smoke-output");
const server = JSON.parse(document.getElementById("smoke-server-result").textContent);

function show(text) {
  status.textContent = text;
}

function agrees(a, b) {
  return a.flows.every((row, i) => row.every((v, j) => Math.abs(v - b.flows[i][j]) < 1e-6));
}

button.addEventListener("click", async () => {
  button.disabled = true;
  root.dataset.state = "running";
  const runner = PythonRunner.fromElement(root, { onStatus: show });
  try {
    const boot = await runner.start();
    show(`Python ${boot.result.version} started in ${boot.ms} ms. Running the check…`);
    const run = await runner.run("import json, sims\njson.dumps(sims.selfcheck())");
    const result = JSON.parse(run.result);
    output.textContent = JSON.stringify(result, null, 2);
    const same = agrees(result, server);
    root.dataset.state = same ? "ok" : "mismatch";
    root.dataset.bootMs = boot.ms;
    root.dataset.pythonStart = boot.result.start;
    show(same
      ? `It works: Python ${result.python} ran the course code in your browser (started in ${boot.ms} ms), and its answer matches the server's.`
      : "Python ran, but its answer differs from the server's. Please tell your tutor.");
  } catch (error) {
    root.dataset.state = "error";
    show(`Python could not start in this browser: ${error.message}`);
  } finally {
    button.disabled = false;
  }
});
