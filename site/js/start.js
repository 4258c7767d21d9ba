// Starts the Python worker at the first possible moment. index.html loads this module on its
// own (async), so the worker begins downloading and compiling Pyodide while the browser is
// still fetching the rest of the page's modules; main.js then picks up the same boot through
// startPython() (one module instance, so one worker). The boot takes 4 s or more and the
// page's own modules ~0.3 s, so running the two side by side is the largest saving at start.

import { loadAssetMap } from "./assets.js";
import { PythonClient } from "./client.js";

let started = null;

/**
 * The asset map and the worker's client, created once. `boot()` sends init (once) and
 * resolves to {versions, seconds}; progress events that arrive before anyone listens are kept
 * and replayed to the first `listen(fn)`. On a connection that asks to save data, nothing is
 * downloaded until main.js calls boot() after asking the reader.
 */
export function startPython() {
  started ??= (async () => {
    const mapUrl = new URL("assets.json", document.baseURI);
    // Served: the worker reads the asset map itself, so it starts before the page has the
    // map. Single file: the map is in memory and travels in init.
    const bundled = Boolean(globalThis.pytoyBundle);
    const mapLoaded = bundled ? await loadAssetMap(mapUrl) : null;
    const client = new PythonClient(new URL("./worker.js", import.meta.url), mapUrl.href);
    const seen = [];
    let listener = null;
    let booting = null;
    const boot = () => {
      booting ??= (async () => {
        const t0 = performance.now();
        const payload = bundled ? { assets: mapLoaded.embedded } : {};
        const init = await client.request("init", payload, {
          onProgress: (p) => (listener ? listener(p) : seen.push(p)),
        });
        return { versions: init.versions, seconds: (performance.now() - t0) / 1000 };
      })();
      return booting;
    };
    const listen = (fn) => {
      listener = fn;
      seen.splice(0).forEach(fn);
    };
    if (!navigator.connection?.saveData) boot().catch(() => {}); // awaited, and reported, by main.js
    const assets = mapLoaded ?? (await loadAssetMap(mapUrl));
    return { assets, client, boot, listen };
  })();
  return started;
}

const runnable = typeof WebAssembly === "object" && typeof Worker === "function";
if (runnable) startPython().catch(() => {}); // main.js reports a failure to start
