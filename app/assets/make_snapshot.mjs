// node make_snapshot.mjs PYODIDE_DIR STDLIB_ZIP LOCKFILE OUT: start the vendored Pyodide from
// the precompiled standard library, install the leadup-sims wheel named in LOCKFILE (beside
// it, checked against the lockfile's sha256), import the models, load the built-in data, and
// write Pyodide's memory snapshot to OUT. Browsers restore it (pyodide-worker.js) instead of
// starting Python afresh; see app/assets/snapshot.py.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [indexDir, stdlib, lockfile, out] = process.argv.slice(2).map((p) => p && resolve(p));
if (!out) throw new Error("usage: node make_snapshot.mjs PYODIDE_DIR STDLIB_ZIP LOCKFILE OUT");
const entry = JSON.parse(readFileSync(lockfile, "utf8")).packages["leadup-sims"];
const wheel = new Uint8Array(readFileSync(join(dirname(lockfile), entry.file_name)));
if (createHash("sha256").update(wheel).digest("hex") !== entry.sha256) throw new Error("the sims wheel does not match its lockfile");

const { loadPyodide } = await import(pathToFileURL(join(indexDir, "pyodide.mjs")).href);
const py = await loadPyodide({
  indexURL: indexDir + "/",
  stdLibURL: stdlib,
  lockFileURL: lockfile,
  _makeSnapshot: true,
  env: { HOME: "/home/pyodide", PYTHONHASHSEED: "0" },
});
// unpackArchive, not loadPackage: a snapshot cannot be made after loadPackage ("Unexpected
// hiwire entry"). The browser installs the same wheel by name after restoring, because the
// files Python reads live outside the memory a snapshot keeps.
// Into site-packages, where loadPackage puts it, so the modules' paths stay true after a restore.
const sitePackages = py.runPython("import sysconfig; sysconfig.get_path('purelib')");
py.unpackArchive(wheel, "wheel", { extractDir: sitePackages });
// What every simulation page needs before its first run (the built-in data, and the districts'
// boundaries as the JSON the map asks for); no model is run, so no model cache is warm (a warm
// start would change the last bits of a balanced model's numbers).
py.runPython(`
import json, csv, io, random, statistics
import sims, sims.api, sims.results, sims.dataset, sims.commuting, sims.teleworking, sims.ev_charging
sims.dataset.cambridge()
sims.api.boundaries_json()
`);
writeFileSync(out, py.makeMemorySnapshot());
