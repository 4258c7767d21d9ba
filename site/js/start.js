// The page's first script: it starts the Python worker, then loads the rest of the page.
// index.html loads only this module. The worker's own few files (worker.js, boot.js, the
// asset map, pyodide.mjs) go first; main.js and its ~30 modules are fetched once the worker
// reports its first stage (at most 1 s later), so the two do not queue for the same few
// connections; main.js's startPage() gets the boot under way. Booting takes 2.5 s or more,
// so starting it first is the largest saving.

import { embeddedWorkerUrl, loadAssetMap, workerAssets } from "./assets.js";
import { PythonClient } from "./client.js";

let started = null;

/**
 * The asset map and the worker's client, created once. `boot()` sends init (once) and
 * resolves to {versions, seconds}; progress events that arrive before anyone listens are kept
 * and replayed to the first `listen(fn)`. On a connection that asks to save data, nothing is
 * downloaded until main.js calls boot() after asking the reader. `underway` resolves when the
 * worker reports its first stage (or fails, or is not asked to boot).
 */
export function startPython() {
  started ??= (async () => {
    const mapUrl = new URL("assets.json", document.baseURI);
    // Served: the worker reads the asset map itself, so it starts before the page has the
    // map. Single file: the map is in memory and travels in init.
    const bundled = Boolean(globalThis.pytoyEmbedded);
    const mapLoaded = bundled ? await loadAssetMap(mapUrl) : null;
    // (single file: the worker is the classic script its loader unpacked; see single_file.py)
    const workerUrl = bundled ? globalThis.pytoyEmbedded.worker
                              : new URL("./worker.js", import.meta.url);
    const client = new PythonClient(bundled ? await embeddedWorkerUrl(mapLoaded.embedded, workerUrl) : workerUrl,
                                    mapUrl.href);
    const seen = [];
    let listener = null;
    let nowUnderway;
    const underway = new Promise((resolve) => { nowUnderway = resolve; });
    let booting = null;
    const boot = () => {
      booting ??= (async () => {
        const t0 = performance.now();
        const { map, transfer } = bundled ? await workerAssets(mapLoaded.embedded) : { transfer: [] };
        const init = await client.request("init", bundled ? { assets: map } : {}, {
          transfer,
          onProgress: (p) => {
            nowUnderway();
            if (listener) listener(p);
            else seen.push(p);
          },
        }).finally(nowUnderway);
        return { versions: init.versions, seconds: (performance.now() - t0) / 1000 };
      })();
      return booting;
    };
    const listen = (fn) => {
      listener = fn;
      seen.splice(0).forEach(fn);
    };
    if (!navigator.connection?.saveData) boot().catch(() => {}); // awaited, and reported, by main.js
    else nowUnderway(); // nothing is downloaded until the reader asks: the page loads at once
    const assets = mapLoaded ?? (await loadAssetMap(mapUrl));
    return { assets, client, boot, listen, underway };
  })();
  return started;
}

async function loadPage() {
  const runnable = typeof WebAssembly === "object" && typeof Worker === "function";
  const starting = runnable ? startPython() : null; // main.js says why not, or what failed
  starting?.catch(() => {});
  try {
    const { underway } = await starting;
    await Promise.race([underway, new Promise((resolve) => setTimeout(resolve, 1000))]);
  } catch {
    // reported by main.js
  }
  const { startPage } = await import("./main.js");
  startPage(starting);
}

loadPage();
