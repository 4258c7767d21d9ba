// Benchmark only: load Pyodide and NumPy from ../pyodide/, import numpy, report ready.
const base = new URL("../pyodide/", import.meta.url).href;
const { loadPyodide } = await import(base + "pyodide.mjs");
const py = await loadPyodide({ indexURL: base });
await py.loadPackage(base + "numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl");
py.runPython("import numpy");
postMessage({ pyodide: py.version });
