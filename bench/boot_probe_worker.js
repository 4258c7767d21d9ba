// Benchmark only: time each stage of a Pyodide + NumPy + pytoy boot in this worker.
// Reports {stages: [[name, ms], ...], engine: {...}} once, or {error}.
const site = new URL("../", import.meta.url);
const base = new URL("pyodide/", site).href;
const t0 = performance.now();
const stages = [];
let last = t0;
const stage = (name) => { const now = performance.now(); stages.push([name, now - last]); last = now; };

// When Pyodide's own wasm is compiled and instantiated (the first instantiate call).
let instantiatedAt = null;
for (const k of ["instantiateStreaming", "instantiate"]) {
  const original = WebAssembly[k];
  WebAssembly[k] = async (...args) => {
    const out = await original.apply(WebAssembly, args);
    instantiatedAt ??= performance.now();
    return out;
  };
}

try {
  stage("read the asset map"); // (the page reads it; the probe needs only the lock beside Pyodide)
  const { loadPyodide } = await import(base + "pyodide.mjs");
  stage("import pyodide.mjs");
  const py = await loadPyodide({ indexURL: base });
  const end = performance.now();
  stages.push(["fetch + compile + instantiate pyodide.asm.wasm", instantiatedAt - last]);
  stages.push(["start CPython (stdlib from the zip, ~180 modules)", end - instantiatedAt]);
  last = end;
  // as the page boots (boot.js): NumPy, then pytoy's wheel, both from the site's lock file
  await py.loadPackage(["numpy"], { messageCallback: () => {} });
  stage("loadPackage numpy (unpack, link NumPy's .so)");
  py.runPython("import numpy");
  stage("import numpy");
  await py.loadPackage(["pytoy"], { messageCallback: () => {} });
  stage("loadPackage pytoy (the wheel, checked against the lock's sha256)");
  py.runPython("import pytoy.api");
  stage("import pytoy.api");
  const boot = performance.now() - t0;
  py.runPython(`import numpy as np
a = np.ones((128, 57)); b = np.ones((57, 128))
for _ in range(300): np.einsum("nk,km->nm", a, b)`);
  stage("steady: 300 einsums 128×57×128");
  py.runPython("s = 0\nfor i in range(1_000_000): s += i");
  stage("steady: a 1,000,000-step Python loop");
  postMessage({ stages, boot });
} catch (e) {
  postMessage({ error: String(e && e.stack || e), stages });
}
