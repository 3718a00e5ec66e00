// node precompile_stdlib.mjs PYODIDE_DIR OUT_ZIP: start the vendored Pyodide and run
// precompile_stdlib.py in it, which writes the bytecode-only standard library to OUT_ZIP.
import { readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [indexDir, outZip] = process.argv.slice(2).map((p) => resolve(p));
if (!indexDir || !outZip) throw new Error("usage: node precompile_stdlib.mjs PYODIDE_DIR OUT_ZIP");
const { loadPyodide } = await import(pathToFileURL(join(indexDir, "pyodide.mjs")).href);
const py = await loadPyodide({ indexURL: indexDir + "/" });
py.FS.mkdirTree("/out");
py.FS.mount(py.FS.filesystems.NODEFS, { root: dirname(outZip) }, "/out");
py.globals.set("OUT", "/out/" + basename(outZip));
py.runPython(readFileSync(join(dirname(fileURLToPath(import.meta.url)), "precompile_stdlib.py"), "utf8"));
