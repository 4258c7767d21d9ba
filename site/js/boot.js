// Booting Python inside the worker, in three stages the page can show as they happen:
//   runtime  Pyodide itself (the CPython interpreter compiled to WebAssembly, its stdlib)
//   numpy    NumPy, from Pyodide's lock file, served next to the runtime
//   pytoy    the pytoy wheel, installed by Pyodide's loadPackage from the lock the build wrote
//            (buildtools/assets.py site_lock): fetched with its sha256 as the fetch's
//            integrity, so the browser refuses a wheel that is not the one built
// Every URL comes from the asset map, so nothing is fetched from anywhere but this site.

import {
  findMissing, httpStatus, loadAssetMap, MissingFileError, redirectFetches,
} from "./assets.js";

export const STAGES = [
  {
    stage: "runtime",
    label: "Python runtime",
    files: ["pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json"],
  },
  { stage: "numpy", label: "NumPy", files: ["numpy_wheel"] },
  { stage: "pytoy", label: "pytoy", files: ["pytoy_wheel"] },
];

/** A boot failure with a message meant for the reader. */
export class BootError extends Error {
  constructor(stage, message) {
    super(message);
    this.name = "BootError";
    this.stage = stage;
  }
}

const seconds = (since) => Math.round(performance.now() - since) / 1000;
const quiet = () => {};

/**
 * Boot Pyodide + NumPy + pytoy. `onProgress` receives
 * {stage, label, state: "start" | "done", bytes, elapsed, total} for each stage.
 * Resolves to {call(fn, payloadJson) -> replyJson, versions}.
 */
export async function bootPython(mapUrl, onProgress) {
  const t0 = performance.now();
  let assets;
  try {
    assets = await loadAssetMap(mapUrl);
  } catch (e) {
    throw new BootError("assets", `Could not read the asset map: ${e.message}.`);
  }
  const [runtime, numpy, pytoy] = STAGES;

  // Run one stage, reporting start and end; on failure, name the file that is missing.
  async function stage(spec, work) {
    const bytes = assets.bytes(spec.files);
    const started = performance.now();
    const report = (state) =>
      onProgress({ stage: spec.stage, label: spec.label, state, bytes,
                   elapsed: seconds(started), total: seconds(t0) });
    report("start");
    let result;
    const stray = strayFailure(watchedUrls(assets, spec.files));
    try {
      result = await Promise.race([work(), stray.promise]);
      stray.stop();
    } catch (e) {
      // The boot is over; the failed download's own rejection, which may still come, is
      // swallowed rather than reported twice (so the stray listeners stay).
      // (embedded files cannot be missing: they are in memory; blob: URLs take no HEAD)
      const missing = e instanceof MissingFileError ? e
        : assets.embedded ? null : await findMissing(spec.files.map(assets.url), assets.base);
      let why = missing ? `${missing.file} is missing (${missing.status})` : lastLine(e);
      if (!missing && !assets.embedded && /fetch/i.test(why)) {
        // every file is there, yet a download failed: the network, or a file that is not the
        // one this page was built with (the lock's sha256 is the fetch's integrity)
        why += " (the server has every file: a connection that dropped, or a file other than the one " +
               "this page was built with, which the browser refuses against its sha256)";
      }
      throw new BootError(spec.stage, `Could not load ${spec.label}: ${why}.`);
    }
    report("done");
    return result;
  }

  // Single file: Pyodide fetches by site URL, answered from the bytes the page sent.
  if (assets.embedded) redirectFetches(assets);

  const pyodide = await stage(runtime, async () => {
    let loadPyodide;
    if (assets.embedded) {
      // Single file: this worker is a classic script (file:// allows no blob: module
      // workers), and the page put Pyodide's pyodide.asm.js and pyodide.js in front of it
      // (assets.js embeddedWorkerUrl), which Pyodide would otherwise load by URL.
      loadPyodide = globalThis.loadPyodide;
      if (typeof loadPyodide !== "function" || typeof globalThis._createPyodideModule !== "function") {
        throw new Error("the single-file worker was started without Pyodide's scripts in front of it");
      }
    } else {
      ({ loadPyodide } = await import(assets.url("pyodide.mjs")));
    }
    return loadPyodide({
      indexURL: new URL("./", assets.source("pyodide.mjs")).href,
      lockFileURL: assets.url("pyodide-lock.json"),
    });
  });

  await stage(numpy, () => loadFromLock(pyodide, ["numpy"]));

  return stage(pytoy, async () => {
    await loadFromLock(pyodide, ["pytoy"]);
    // The dispatcher (pytoy/dispatch.py, in the wheel just installed) is the worker's one
    // door into Python.
    const namespace = pyodide.runPython("dict()"); // a fresh module namespace, a PyProxy
    pyodide.runPython("from pytoy.dispatch import call, runtime_info", { globals: namespace });
    const versions = JSON.parse(pyodide.runPython("runtime_info()", { globals: namespace }));
    versions.pyodide = pyodide.version;
    const call = namespace.get("call"); // a PyProxy of the function; JS strings in, a str out
    namespace.destroy();
    return { call, versions };
  });
}

/**
 * Pyodide 0.27 does not reject loadPyodide when a download fails midway (the wasm, say): the
 * failure surfaces as an unhandled rejection, or only as a console message, depending on the
 * browser build, and loadPyodide never settles. While a stage runs, a failed fetch of one of
 * its files, an unhandled rejection or an uncaught error ends the stage instead of hanging
 * the page. `watched` maps each URL the stage may fetch to the file's path in the site.
 * stop() ends the watch once the stage has succeeded.
 */
function strayFailure(watched) {
  let fail;
  const promise = new Promise((_, reject) => { fail = reject; });
  const onRejection = (e) => {
    e.preventDefault();
    fail(e.reason instanceof Error ? e.reason : new Error(String(e.reason)));
  };
  const onError = (e) => {
    e.preventDefault();
    fail(e.error instanceof Error ? e.error : new Error(e.message));
  };
  const original = globalThis.fetch;
  const watching = async (input, init) => {
    const file = watched.get(input instanceof Request ? input.url : String(input));
    let response;
    try {
      response = await original(input, init);
    } catch (e) {
      // not named here: a 404 fetched with an integrity check also lands here, so the
      // stage asks the server what is wrong (findMissing) before it says
      if (file) fail(e);
      throw e;
    }
    if (file && !response.ok) fail(new MissingFileError(file, httpStatus(response)));
    return response;
  };
  globalThis.fetch = watching;
  self.addEventListener("unhandledrejection", onRejection);
  self.addEventListener("error", onError);
  return {
    promise,
    stop() {
      if (globalThis.fetch === watching) globalThis.fetch = original;
      self.removeEventListener("unhandledrejection", onRejection);
      self.removeEventListener("error", onError);
    },
  };
}

/** Every URL by which a stage may fetch its files (its site URL; on the page, a blob: URL). */
function watchedUrls(assets, names) {
  const urls = new Map();
  for (const name of names) {
    urls.set(assets.source(name), assets.path(name));
    urls.set(assets.url(name), assets.path(name));
  }
  return urls;
}

/** loadPackage logs failures instead of throwing (in Pyodide 0.27); turn them into errors. */
async function loadFromLock(pyodide, names) {
  const errors = [];
  await pyodide.loadPackage(names, { messageCallback: quiet, errorCallback: (m) => errors.push(m) });
  const missing = names.filter((name) => !(name in pyodide.loadedPackages));
  if (missing.length) throw new Error(errors.at(-1) || `${missing.join(", ")} did not load`);
}

/** The last non-empty line of an error (a Python traceback ends with the useful one). */
function lastLine(e) {
  const lines = String(e?.message ?? e).split("\n").map((s) => s.trim()).filter(Boolean);
  return lines.at(-1) ?? "unknown error";
}
