// Run a Python snippet inside the vendored Pyodide under Node, with the sims package installed.
//
//   node tests/pyodide/run_in_pyodide.mjs [--lockfile pyodide-lock.json] [--file DEST=SRC ...] \
//        [--mount PYDIR=HOSTDIR] [--stdlib-url python_stdlib.zip] [--index-url DIR/] \
//        [SNIPPET.py]   (else the snippet comes on stdin)
//
// The snippet's last expression must be a JSON string (e.g. `json.dumps(result)`). Stdout gets
// exactly one line: {"result": <that JSON>, "ms": {"boot", "unpack", "run"}}, so callers can
// time start-up and the run separately. Python's own print() goes to stderr. Exit status 1
// with the Python traceback on stderr if the snippet raises.
//
// Pyodide comes from static/vendor/pyodide/<version>/ (the only version there, unless
// --index-url names a folder); --lockfile is a lockfile naming the leadup-sims wheel beside it
// (app/assets/sims_package.py write_to), installed by name as the browser's worker does; --file writes extra files (e.g. a test module) into Pyodide's
// file system; --mount makes a host folder readable and writable from Python (to write files
// out); --stdlib-url loads another standard library zip (e.g. precompiled bytecode).
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function parseArgs(argv) {
  const args = { files: [], mounts: [], lockfile: null, indexURL: null, stdLibURL: null, snippet: null };
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    const value = () => {
      if (k + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      return argv[++k];
    };
    if (arg === "--lockfile") args.lockfile = value();
    else if (arg === "--file") {
      const spec = value();
      const eq = spec.indexOf("=");
      if (eq < 1) throw new Error(`--file wants DEST=SRC, got ${spec}`);
      args.files.push([spec.slice(0, eq), spec.slice(eq + 1)]);
    } else if (arg === "--mount") {
      const spec = value();
      const eq = spec.indexOf("=");
      if (eq < 1) throw new Error(`--mount wants PYDIR=HOSTDIR, got ${spec}`);
      args.mounts.push([spec.slice(0, eq), resolve(spec.slice(eq + 1))]);
    } else if (arg === "--index-url") args.indexURL = value();
    else if (arg === "--stdlib-url") args.stdLibURL = value();
    else if (arg.startsWith("--")) throw new Error(`unknown option ${arg}`);
    else args.snippet = arg;
  }
  return args;
}

function vendoredPyodide() {
  const base = join(ROOT, "static", "vendor", "pyodide");
  const versions = readdirSync(base).sort();
  if (versions.length !== 1) throw new Error(`expected one Pyodide version in ${base}, found ${versions.join(", ") || "none"}`);
  return join(base, versions[0]) + "/";
}

const args = parseArgs(process.argv.slice(2));
const indexURL = args.indexURL ? resolve(args.indexURL) + "/" : vendoredPyodide();
const code = readFileSync(args.snippet ?? 0, "utf8");

const started = performance.now();
const { loadPyodide } = await import(pathToFileURL(join(indexURL, "pyodide.mjs")).href);
const options = {
  indexURL,
  stdout: (text) => process.stderr.write(text + "\n"),
  stderr: (text) => process.stderr.write(text + "\n"),
};
if (args.stdLibURL) options.stdLibURL = resolve(args.stdLibURL);
if (args.lockfile) options.lockFileURL = resolve(args.lockfile);
const py = await loadPyodide(options);
const booted = performance.now();

if (args.lockfile) await py.loadPackage("leadup-sims", { messageCallback: () => {} });
for (const [dest, src] of args.files) {
  py.FS.mkdirTree(dest.slice(0, dest.lastIndexOf("/")) || "/");
  py.FS.writeFile(dest, new Uint8Array(readFileSync(src)));
}
for (const [dir, host] of args.mounts) {
  py.FS.mkdirTree(dir);
  py.FS.mount(py.FS.filesystems.NODEFS, { root: host }, dir);
}
const unpacked = performance.now();

let text;
try {
  text = await py.runPythonAsync(code);
} catch (error) {
  process.stderr.write(String(error && error.message ? error.message : error) + "\n");
  process.exit(1);
}
const ran = performance.now();
if (typeof text !== "string") {
  process.stderr.write(`the snippet must end with a JSON string, got ${typeof text}\n`);
  process.exit(1);
}
const ms = (a, b) => Math.round((b - a) * 10) / 10;
process.stdout.write(`{"result":${text},"ms":${JSON.stringify({
  boot: ms(started, booted), unpack: ms(booted, unpacked), run: ms(unpacked, ran),
})}}\n`);
